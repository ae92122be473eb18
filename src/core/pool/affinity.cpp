#include "pool/affinity.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>

namespace qp {

const QList<QByteArray> &conversationHeaders()
{
    static const QList<QByteArray> names = {"x-qwen-conversation", "x-claude-code-session-id",
                                            "session_id", "conversation_id"};
    return names;
}

namespace {
void addJson(QCryptographicHash &h, const QJsonValue &v)
{
    if (v.isString())
        h.addData(v.toString().toUtf8());
    else if (v.isArray())
        h.addData(QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact));
    else if (v.isObject())
        h.addData(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
}
} // namespace

QString conversationKey(const QByteArray &sessionHeader, const QJsonValue &system,
                        const QJsonValue &firstUserContent)
{
    QCryptographicHash h(QCryptographicHash::Sha256);
    if (!sessionHeader.trimmed().isEmpty()) {
        h.addData(sessionHeader.trimmed());
        return QStringLiteral("h:") + QString::fromLatin1(h.result().left(12).toHex());
    }
    if (firstUserContent.isUndefined() || firstUserContent.isNull())
        return {};
    addJson(h, system);
    h.addData(QByteArrayView("\x1f", 1)); // the boundary, so "ab"+"c" differs from "a"+"bc"
    addJson(h, firstUserContent);
    return QStringLiteral("c:") + QString::fromLatin1(h.result().left(12).toHex());
}

} // namespace qp
