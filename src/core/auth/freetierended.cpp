#include "auth/freetierended.h"

namespace qp::freetier {

bool bodySaysEnded(const QByteArray &body)
{
    const QByteArray b = body.toLower();
    const bool aboutFree = b.contains("free tier") || b.contains("free usage") ||
                           b.contains("free quota") || b.contains("free plan") ||
                           b.contains("qwen oauth") || b.contains("free service");
    const bool ended = b.contains("ended") || b.contains("discontinued") ||
                       b.contains("no longer available") || b.contains("no longer supported") ||
                       b.contains("has been terminated") || b.contains("deprecated");
    return aboutFree && ended;
}

bool freshTokenRejected(int httpStatus, const QByteArray &body, qint64 tokenAgeMs,
                        qint64 freshWindowMs)
{
    return httpStatus == 401 && tokenAgeMs >= 0 && tokenAgeMs < freshWindowMs &&
           body.toLower().contains("invalid access token");
}

QString endedMessage()
{
    return QStringLiteral(
        "Qwen's free OAuth tier has ended (discontinued on 2026-04-15): the portal rejects Qwen "
        "OAuth logins and tokens. Configure an API-key upstream (DashScope / Coding Plan) "
        "instead.");
}

} // namespace qp::freetier
