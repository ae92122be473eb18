#include "auth/sharedfilesource.h"

#include "common/atomicfile.h"
#include "logging/logging.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QStandardPaths>
#include <QUuid>

using namespace Qt::StringLiterals;

namespace qp {

SharedFileSource::SharedFileSource(QString qwenHome, LockTiming timing)
    : m_dir(std::move(qwenHome)), m_timing(timing)
{
    m_path = QDir(m_dir).filePath(u"oauth_creds.json"_s);
    m_lockPath = QDir(m_dir).filePath(u"oauth_creds.lock"_s);
}

SharedFileSource::~SharedFileSource()
{
    *m_alive = false;
    unlockAfterRefresh();
}

QString SharedFileSource::defaultQwenHome(const QString &qwenHomeSetting)
{
    if (!qwenHomeSetting.isEmpty())
        return qwenHomeSetting;
    const QString home = QDir::homePath();
    if (home.isEmpty())
        return QDir(QDir::tempPath()).filePath(u".qwen"_s);
    return QDir(home).filePath(u".qwen"_s);
}

bool SharedFileSource::exists() const
{
    return QFileInfo::exists(m_path);
}

Result<QwenCredentials> SharedFileSource::load()
{
    QFile f(m_path);
    if (!f.open(QIODevice::ReadOnly))
        return Error::make(Error::Kind::NeedsLogin,
                           u"no Qwen credentials at %1: run 'qwen-proxy auth'"_s.arg(m_path));
    QJsonParseError err{};
    const auto doc = QJsonDocument::fromJson(f.readAll(), &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        return Error::make(Error::Kind::NeedsLogin,
                           u"%1 is not valid JSON: run 'qwen-proxy auth'"_s.arg(m_path));
    return QwenCredentials::fromJson(doc.object());
}

bool SharedFileSource::tryLockOnce()
{
    QDir().mkpath(m_dir);
    // Exclusive creation is the whole protocol: exactly one process creates the lock file
    // (NewOnly is O_EXCL on POSIX and CREATE_NEW on Windows; the permissions apply at creation).
    QFile lock(m_lockPath);
    if (lock.open(QIODevice::WriteOnly | QIODevice::NewOnly,
                  QFileDevice::ReadOwner | QFileDevice::WriteOwner)) {
        const QByteArray token = QUuid::createUuid().toByteArray(QUuid::WithoutBraces);
        // On a full disk the file is created but stays empty: the lock is still ours, and
        // unlocking must recognise it by what it really holds, or it would stay behind until it
        // went stale and block every refresh meanwhile.
        const bool written = lock.write(token) == token.size() && lock.flush();
        lock.close();
        m_lockToken = written && lock.error() == QFileDevice::NoError ? token : QByteArray();
        m_locked = true;
        return true;
    }
    // A lock older than LOCK_TIMEOUT_MS belongs to a crashed process: move it aside atomically
    // (only one contender wins the rename), remove it, and let the next attempt take the lock.
    const QFileInfo info(m_lockPath);
    if (info.exists() &&
        info.lastModified().msecsTo(QDateTime::currentDateTime()) > m_timing.staleAfterMs) {
        const QString stale =
            m_lockPath + u".stale."_s + QUuid::createUuid().toString(QUuid::WithoutBraces);
        if (QFile::rename(m_lockPath, stale)) {
            QFile::remove(stale);
            qCInfo(lcAuth) << "removed a stale lock" << m_lockPath;
        }
        return tryLockOnce();
    }
    return false;
}

void SharedFileSource::lockForRefresh(std::function<void(std::optional<Error>)> done)
{
    attempt(0, m_timing.firstWaitMs, std::move(done));
}

void SharedFileSource::attempt(int n, int waitMs, std::function<void(std::optional<Error>)> done)
{
    if (tryLockOnce()) {
        done(std::nullopt);
        return;
    }
    if (n + 1 >= m_timing.attempts) {
        done(Error::make(
            Error::Kind::UpstreamAuth,
            u"Failed to acquire file lock for token refresh: timeout exceeded (%1)"_s.arg(
                m_lockPath)));
        return;
    }
    // Wait without blocking the event loop: other streams keep flowing meanwhile.
    std::weak_ptr<bool> alive = m_alive;
    QTimer::singleShot(waitMs, [this, alive, n, waitMs, done = std::move(done)]() mutable {
        if (alive.expired() || !*alive.lock())
            return;
        attempt(n + 1, std::min(int(waitMs * 1.5), m_timing.maxWaitMs), std::move(done));
    });
}

void SharedFileSource::unlockAfterRefresh()
{
    if (!m_locked)
        return;
    // Remove the lock only if it is still ours (a stale-lock breaker may have replaced it).
    QFile f(m_lockPath);
    if (f.open(QIODevice::ReadOnly) && f.readAll() == m_lockToken) {
        f.close();
        QFile::remove(m_lockPath);
    }
    m_lockToken.clear();
    m_locked = false;
}

std::optional<Error> SharedFileSource::save(const QwenCredentials &creds)
{
    QDir().mkpath(m_dir);
    QFile::setPermissions(m_dir,
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    // qwen-code shares this file: a failed write (a full disk) must leave its login intact.
    return writeFileAtomically(m_path, creds.toFileBytes(), kOwnerReadWrite);
}

} // namespace qp
