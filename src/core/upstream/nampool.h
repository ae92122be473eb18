#pragma once
// QNetworkAccessManager opens at most 6 HTTP/1.1 connections per host and Qt 6.4 cannot raise it
// (qt64-notes.md §4, pitfall B): a 7th concurrent stream would wait for one of the first six to
// end. The pool hands out a manager with a free slot for the target host, creating managers as
// concurrency grows; idle ones keep their keep-alive connections for reuse.

#include <QHash>
#include <QList>
#include <QNetworkAccessManager>
#include <QObject>
#include <QUrl>

namespace qp {

class NamPool : public QObject
{
    Q_OBJECT
public:
    explicit NamPool(QObject *parent = nullptr) : QObject(parent) {}
    static constexpr int slotsPerManager = 6;

    QNetworkAccessManager *acquire(const QUrl &url);
    void release(QNetworkAccessManager *nam, const QUrl &url);
    int managerCount() const;

private:
    struct Entry {
        QNetworkAccessManager *nam;
        int inFlight;
    };
    static QString key(const QUrl &url);
    QHash<QString, QList<Entry>> m_pools;
};

} // namespace qp
