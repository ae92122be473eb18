#pragma once
// qwen-code's own credentials file (~/.qwen/oauth_creds.json), shared with a running qwen CLI.
// Refreshes follow qwen-code's SharedTokenManager lock protocol (qwen-protocol.md §A.6) so the two
// programs never burn each other's rotating refresh token. The file is never deleted by us.

#include "auth/credentialsource.h"

#include <QDateTime>
#include <QPointer>
#include <QString>
#include <QTimer>

namespace qp {

class SharedFileSource : public CredentialSource
{
public:
    struct LockTiming {
        int attempts = 20;     // qwen-code: 20 attempts
        int firstWaitMs = 100; // 100 ms, x1.5 per attempt, capped at 2000 ms
        int maxWaitMs = 2000;
        qint64 staleAfterMs = 10000; // LOCK_TIMEOUT_MS
    };

    explicit SharedFileSource(QString qwenHome)
        : SharedFileSource(std::move(qwenHome), LockTiming())
    {}
    SharedFileSource(QString qwenHome, LockTiming timing);
    ~SharedFileSource() override;

    static QString defaultQwenHome(const QString &qwenHomeSetting);

    QString describe() const override { return m_path; }
    Result<QwenCredentials> load() override;
    void lockForRefresh(std::function<void(std::optional<Error>)> done) override;
    void unlockAfterRefresh() override;
    std::optional<Error> save(const QwenCredentials &creds) override;

    QString path() const { return m_path; }
    QString lockPath() const { return m_lockPath; }
    bool exists() const;

    // One non-blocking attempt; exposed for tests of the stale-lock rule.
    bool tryLockOnce();

private:
    void attempt(int n, int waitMs, std::function<void(std::optional<Error>)> done);

    QString m_dir;
    QString m_path;
    QString m_lockPath;
    QByteArray m_lockToken; // what our lock file holds (empty if the disk refused the token)
    bool m_locked = false;
    LockTiming m_timing;
    std::shared_ptr<bool> m_alive = std::make_shared<bool>(true);
};

} // namespace qp
