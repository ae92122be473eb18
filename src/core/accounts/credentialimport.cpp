#include "accounts/credentialimport.h"

#include "accounts/account.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace qp {

namespace {

Result<QwenCredentials> readCredentialsFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Error::make(Error::Kind::InvalidRequest,
                           QStringLiteral("cannot read: %1").arg(f.errorString()));
    if (f.size() > 1024 * 1024)
        return Error::make(Error::Kind::InvalidRequest, QStringLiteral("larger than 1 MiB"));
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject())
        return Error::make(Error::Kind::InvalidRequest,
                           QStringLiteral("not a JSON object (%1)").arg(pe.errorString()));
    return QwenCredentials::fromJson(doc.object());
}

} // namespace

QList<ImportCandidate> CredentialImport::scan(const QString &qwenDir,
                                              const QString &defaultFileAccountId)
{
    static const QRegularExpression named(QStringLiteral("^oauth_creds_(.+)\\.json$"));
    QList<ImportCandidate> out;
    const QFileInfoList files =
        QDir(qwenDir).entryInfoList({QStringLiteral("oauth_creds*.json")}, QDir::Files, QDir::Name);
    for (const QFileInfo &fi : files) {
        ImportCandidate c;
        c.filePath = fi.absoluteFilePath();
        if (fi.fileName() == QLatin1String("oauth_creds.json")) {
            c.accountId = defaultFileAccountId;
            c.isQwenCodeFile = true;
            c.warning = QStringLiteral(
                "qwen-code keeps refreshing this file: once either program refreshes, the other "
                "copy's refresh token stops working. Prefer linking qwen-code's file, or log in "
                "separately for the proxy.");
        } else if (const auto m = named.match(fi.fileName()); m.hasMatch()) {
            c.accountId = m.captured(1);
        } else {
            continue; // e.g. oauth_creds.lock.json or other tools' files
        }
        if (!Account::isValidId(c.accountId)) {
            c.credentials = Error::make(
                Error::Kind::InvalidRequest,
                QStringLiteral("\"%1\" is not a usable account id (letters, digits, '.', '_', '-')")
                    .arg(c.accountId));
        } else {
            c.credentials = readCredentialsFile(c.filePath);
        }
        out.append(c);
    }

    // The seeds' users often copied oauth_creds.json to oauth_creds_<id>.json: two accounts with
    // one refresh token would burn each other's token on the first refresh.
    QHash<QString, QString> byRefresh;
    for (ImportCandidate &c : out) {
        if (!c.credentials)
            continue;
        const QString rt = c.credentials->refreshToken;
        if (const auto it = byRefresh.constFind(rt); it != byRefresh.constEnd()) {
            const QString w = QStringLiteral("same login as account \"%1\" (identical refresh "
                                             "token): refreshing one invalidates the other")
                                  .arg(*it);
            c.warning = c.warning.isEmpty() ? w : c.warning + QLatin1Char(' ') + w;
        } else {
            byRefresh.insert(rt, c.accountId);
        }
    }
    return out;
}

QString ImportReportEntry::outcomeName(Outcome o)
{
    switch (o) {
    case Outcome::Imported:
        return QStringLiteral("imported");
    case Outcome::Replaced:
        return QStringLiteral("replaced");
    case Outcome::SkippedExisting:
        return QStringLiteral("skipped");
    case Outcome::Invalid:
        return QStringLiteral("invalid");
    case Outcome::Failed:
        return QStringLiteral("failed");
    }
    return QStringLiteral("failed");
}

QString ImportReportEntry::toLine() const
{
    QString line = outcomeName(outcome).leftJustified(9) + QFileInfo(filePath).fileName();
    if (!accountId.isEmpty())
        line += QStringLiteral(" -> ") + accountId;
    if (!message.isEmpty())
        line += QStringLiteral(": ") + message;
    if (!warning.isEmpty())
        line += QStringLiteral(" (warning: ") + warning + QLatin1Char(')');
    return line;
}

} // namespace qp
