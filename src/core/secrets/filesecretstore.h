#pragma once
// The fallback when no OS keychain answers (headless servers, containers): one JSON file in the
// data dir, mode 0600 inside a 0700 directory, replaced atomically (common/atomicfile.h: a write
// that fails, on a full disk say, leaves the old file whole). The permissions are set on the new
// file before any secret is written to it, so no other user can ever read a partially written
// copy. This is access control only, not encryption: a key stored beside the file would be
// obfuscation (docs/qt-notes.md, "Keychain"), so we do not pretend.
//
// Every write re-reads the file first, so a CLI and a running server sharing the data dir lose no
// update unless they write within the same few milliseconds.

#include "secrets/secretstore.h"

namespace qp {

class FileSecretStore : public SecretStore
{
    Q_OBJECT
public:
    explicit FileSecretStore(QString filePath, QObject *parent = nullptr);

    static QString defaultFileName() { return QStringLiteral("secrets.json"); }
    QString filePath() const { return m_path; }

    QString kind() const override { return QStringLiteral("file"); }
    QString describe() const override;
    void write(const QString &key, const QByteArray &value, DoneCallback done) override;
    void read(const QString &key, ReadCallback done) override;
    void remove(const QString &key, DoneCallback done) override;

    // The synchronous core, public for the CLI and tests; the async API above wraps it.
    Result<QByteArray> readNow(const QString &key) const;
    std::optional<Error> writeNow(const QString &key, const std::optional<QByteArray> &value);

private:
    QString m_path;
};

} // namespace qp
