#include "secrets/filesecretstore.h"

#include "common/atomicfile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>

namespace qp {

namespace {

constexpr auto kOwnerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
constexpr auto kOwnerDir = QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner;

Error fileError(const QString &what, const QString &path, const QString &detail)
{
    return Error::make(Error::Kind::Internal,
                       QStringLiteral("Secret file %1 %2: %3").arg(path, what, detail));
}

Result<QJsonObject> loadSecrets(const QString &path)
{
    QFile f(path);
    if (!f.exists())
        return QJsonObject{};
    if (!f.open(QIODevice::ReadOnly))
        return fileError(QStringLiteral("unreadable"), path, f.errorString());
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject())
        return fileError(QStringLiteral("is corrupt"), path, pe.errorString());
    return doc.object().value(QLatin1String("secrets")).toObject();
}

} // namespace

FileSecretStore::FileSecretStore(QString filePath, QObject *parent)
    : SecretStore(parent), m_path(std::move(filePath))
{}

QString FileSecretStore::describe() const
{
    return QStringLiteral("file %1 (mode 0600, not encrypted)").arg(m_path);
}

Result<QByteArray> FileSecretStore::readNow(const QString &key) const
{
    auto secrets = loadSecrets(m_path);
    if (!secrets)
        return secrets.error();
    const QJsonValue v = secrets->value(key);
    if (!v.isString())
        return Error::make(Error::Kind::NotFound,
                           QStringLiteral("No secret stored for %1").arg(key));
    return QByteArray::fromBase64(v.toString().toLatin1());
}

std::optional<Error> FileSecretStore::writeNow(const QString &key,
                                               const std::optional<QByteArray> &value)
{
    auto loaded = loadSecrets(m_path);
    if (!loaded)
        return loaded.error();
    QJsonObject secrets = loaded.value();
    if (value)
        secrets.insert(key, QString::fromLatin1(value->toBase64()));
    else if (!secrets.contains(key))
        return std::nullopt; // nothing to remove, and no reason to create the file
    else
        secrets.remove(key);

    const QFileInfo info(m_path);
    QDir dir = info.absoluteDir();
    if (!dir.exists()) {
        if (!dir.mkpath(QStringLiteral(".")))
            return fileError(QStringLiteral("directory cannot be created"), m_path, {});
        QFile::setPermissions(dir.absolutePath(), kOwnerDir);
    }

    QJsonObject root;
    root.insert(QStringLiteral("version"), 1);
    root.insert(QStringLiteral("secrets"), secrets);
    // Every account's tokens are in this one file: a failed write must leave it as it was.
    if (auto e = writeFileAtomically(m_path, QJsonDocument(root).toJson(QJsonDocument::Indented),
                                     kOwnerOnly))
        return e;
    return std::nullopt;
}

void FileSecretStore::write(const QString &key, const QByteArray &value, DoneCallback done)
{
    const auto result = writeNow(key, value);
    QTimer::singleShot(0, this, [done = std::move(done), result] { done(result); });
}

void FileSecretStore::read(const QString &key, ReadCallback done)
{
    const auto result = readNow(key);
    QTimer::singleShot(0, this, [done = std::move(done), result] { done(result); });
}

void FileSecretStore::remove(const QString &key, DoneCallback done)
{
    const auto result = writeNow(key, std::nullopt);
    QTimer::singleShot(0, this, [done = std::move(done), result] { done(result); });
}

} // namespace qp
