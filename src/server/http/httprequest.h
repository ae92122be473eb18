#pragma once
#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QStringList>
#include <QUrlQuery>

namespace qp::http {

// Who sent a request, as the server's gate decided from its head and socket.
struct Caller {
    QString keyId;       // the client key's id; empty for a trusted local caller
    QStringList models;  // the key's model globs; empty: every model
    bool mayRead = true; // may see the full /health (trusted-local, or a key with the read scope)
};

// One parsed request. Everything is copied out of the connection, so a handler may keep it as long
// as it likes (QHttpServerRequest, by contrast, is reused per connection: docs/qt-notes.md,
// "QHttpServer").
struct HttpRequest {
    QByteArray method; // upper case as sent
    QByteArray target; // raw request target
    QByteArray path;   // percent-decoded later by routes if needed; without query
    QByteArray query;
    int versionMinor = 1;                         // HTTP/1.x
    QList<QPair<QByteArray, QByteArray>> headers; // names lower-cased, duplicates kept
    QByteArray body;
    QHostAddress peer;
    Caller caller;
    bool keepAlive = true;

    QByteArray header(QByteArrayView lowerName) const
    {
        for (const auto &h : headers)
            if (h.first == lowerName)
                return h.second;
        return {};
    }
    int headerCount(QByteArrayView lowerName) const
    {
        int n = 0;
        for (const auto &h : headers)
            n += h.first == lowerName;
        return n;
    }
};

} // namespace qp::http
