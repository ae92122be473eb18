#pragma once
// Looks for known fake secrets ("canaries") in whatever a test collected: files, console output,
// HTTP answers, command lines. A secret rarely leaks only verbatim, so each one is looked for in
// the forms it would take on its way out:
//   - as is, and its first or last 16 characters (a log line that cuts a token short);
//   - base64 and base64url, at each of the three alignments, so it is found inside a larger
//     encoded value too (a JSON blob stored base64-encoded, a Basic credential);
//   - percent-encoded (URLs, form bodies) and JSON-escaped ("/" as "\/"), when those differ;
//   - hex, upper and lower case (dumps, digests).

#include <QByteArray>
#include <QList>
#include <QSet>
#include <QString>

namespace qp::test {

struct CanaryFinding {
    QString canary;    // its name
    QString form;      // "raw", "base64 (offset 1)", "percent-encoded", ...
    QString where;     // the source's label
    QByteArray around; // up to 40 bytes either side, for the failure message
};

class CanaryScanner
{
public:
    // Several values may share a name (a digest as hex text and as raw bytes).
    void add(const QString &name, const QByteArray &value);
    QStringList names() const;

    // Every canary found in `bytes`, except those whose names are in `allowed`.
    QList<CanaryFinding> scan(const QString &where, const QByteArray &bytes,
                              const QSet<QString> &allowed = {}) const;

    // The forms above for one value, as (form, bytes) pairs; empty forms are left out.
    static QList<QPair<QString, QByteArray>> forms(const QByteArray &value);

private:
    struct Needle {
        QString name;
        QString form;
        QByteArray bytes;
    };
    QList<Needle> m_needles;
};

QString describe(const QList<CanaryFinding> &findings);

} // namespace qp::test
