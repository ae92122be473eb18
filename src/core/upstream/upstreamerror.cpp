#include "upstream/upstreamerror.h"

#include "auth/freetierended.h"
#include "logging/redact.h"

#include <QDateTime>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <algorithm>
#include <limits>

using namespace Qt::StringLiterals;

namespace qp {

std::optional<int> parseRetryAfter(const QByteArray &header)
{
    const QByteArray h = header.trimmed();
    if (h.isEmpty())
        return std::nullopt;
    constexpr qint64 most = std::numeric_limits<int>::max();
    // delay-seconds: any run of digits. More than an int holds means "a very long time", not
    // "no advice" (and not a wrapped-around negative wait).
    if (std::all_of(h.begin(), h.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return int(h.size() > 10 ? most : std::min(h.toLongLong(), most));
    // HTTP-date (RFC 9110 §5.6.7). Its IMF-fixdate form ends in "GMT", which Qt 6.4's RFC 2822
    // parser refuses: as "+0000" it parses. A date years ahead is more seconds than an int holds,
    // so the wait is clamped, not converted (that wrapped around to negative waits).
    QString text = QString::fromLatin1(h);
    if (text.endsWith(u" GMT"))
        text = text.chopped(4) + u" +0000"_s;
    const QDateTime when = QDateTime::fromString(text, Qt::RFC2822Date);
    if (when.isValid())
        return int(std::clamp<qint64>(QDateTime::currentDateTimeUtc().secsTo(when), 0, most));
    return std::nullopt;
}

QString discontinuedMessage()
{
    return u"Qwen OAuth refused a freshly refreshed token: the Qwen OAuth free tier was "
           "discontinued on 2026-04-15. Use an API key instead, for example a Coding Plan key: "
           "'qwen-proxy provider add cp --preset coding-plan-intl' (or coding-plan-cn), or a "
           "Model Studio key: --preset modelstudio-singapore (beijing, us, hongkong); "
           "'qwen-proxy provider presets' lists them all."_s;
}

static Error fromMessage(Error::Kind kind, int status, QString message, QString code)
{
    Error e = Error::make(kind, redact(std::move(message)));
    e.upstreamStatus = status;
    e.code = std::move(code);
    return e;
}

// What an error's words say, whatever its status. The one word list of the project: HTTP errors,
// in-band stream errors and Qwen's error_finish chunks all come through here, in both dialects.
enum class Said { Nothing, Suspended, Quota, RateLimit, Overloaded, ContextLength };

static Said whatItSays(const QString &message, const QString &code)
{
    const QString m = message.toLower();
    const QString c = code.toLower();
    // Access ended or suspended: the OAuth free tier's end, bans, disabled accounts, unpaid bills
    // (DashScope answers "Arrearage" when the account is overdue).
    // Anthropic-compatible upstreams: billing_error, "credit balance is too low".
    if (freetier::bodySaysEnded(message.toUtf8()) || c == u"arrearage" || m.contains(u"arrear") ||
        c == u"billing_error" || m.contains(u"credit balance is too low") ||
        m.contains(u"overdue") || m.contains(u"good standing") || m.contains(u"suspended") ||
        m.contains(u"banned") || m.contains(u"account has been disabled") ||
        m.contains(u"account is disabled") || m.contains(u"deactivated"))
        return Said::Suspended;
    // DashScope's request-rate throttling names a "RateQuota" but is transient. Anthropic's
    // rate_limit_error is the type of every 429, a spent quota too: its words decide.
    if (c.contains(u"ratequota") || (c.contains(u"rate_limit") && c != u"rate_limit_error"))
        return Said::RateLimit;
    if (c == u"insufficient_quota" || c.contains(u"allocationquota") ||
        m.contains(u"free allocated quota exceeded") ||
        m.contains(u"exceeded your current quota") ||
        (m.contains(u"quota") &&
         (m.contains(u"exceed") || m.contains(u"exhaust") || m.contains(u"used up") ||
          m.contains(u"reached") || m.contains(u"insufficient"))) ||
        (m.contains(u"usage limit") && (m.contains(u"exceed") || m.contains(u"reached"))))
        return Said::Quota;
    if (m.contains(u"throttl") || m.contains(u"rate limit") || m.contains(u"too many requests") ||
        c.contains(u"throttl"))
        return Said::RateLimit;
    if (m.contains(u"overload") || c.contains(u"overload"))
        return Said::Overloaded;
    if (c == u"context_length_exceeded" || m.contains(u"context length") ||
        m.contains(u"maximum context") || m.contains(u"context window") ||
        m.contains(u"input is too long") || m.contains(u"range of input length"))
        return Said::ContextLength;
    return Said::Nothing;
}

Error classifyStreamError(const QString &message, const QString &code)
{
    Error::Kind kind = Error::Kind::UpstreamError;
    switch (whatItSays(message, code)) {
    case Said::Suspended:
        kind = Error::Kind::Discontinued;
        break;
    case Said::Quota:
        kind = Error::Kind::Quota;
        break;
    case Said::RateLimit:
        kind = Error::Kind::RateLimited;
        break;
    case Said::Overloaded:
        kind = Error::Kind::Overloaded;
        break;
    case Said::ContextLength:
        kind = Error::Kind::InvalidRequest;
        break;
    case Said::Nothing:
        break;
    }
    return fromMessage(kind, 0, message.isEmpty() ? u"upstream stream error"_s : message, code);
}

bool looksLikeHtml(const QByteArray &contentType, const QByteArrayView &bodyStart)
{
    if (contentType.toLower().contains("text/html"))
        return true;
    qsizetype i = 0;
    if (bodyStart.startsWith("\xEF\xBB\xBF"))
        i = 3; // UTF-8 byte order mark
    while (i < bodyStart.size() && (bodyStart[i] == ' ' || bodyStart[i] == '\n' ||
                                    bodyStart[i] == '\r' || bodyStart[i] == '\t'))
        ++i;
    return i < bodyStart.size() && bodyStart[i] == '<';
}

Error upstreamBlockedError(int status, const QByteArray &body, const QString &upstreamName)
{
    QString title;
    const qsizetype open = body.indexOf("<title");
    if (open >= 0) {
        const qsizetype start = body.indexOf('>', open);
        const qsizetype end = start >= 0 ? body.indexOf("</title", start) : -1;
        if (end > start)
            title = QString::fromUtf8(body.mid(start + 1, end - start - 1)).simplified().left(120);
    }
    QString msg =
        u"upstream %1 answered with an HTML page instead of JSON (HTTP %2"_s.arg(upstreamName)
            .arg(status);
    if (!title.isEmpty())
        msg += u", page title \"%1\""_s.arg(title);
    msg += u"): a firewall or captcha page blocked the request (Alibaba's WAF does this for "
           "unknown clients)"_s;
    Error e = Error::make(Error::Kind::UpstreamBlocked, redact(msg));
    e.upstreamStatus = status;
    e.code = u"upstream_blocked"_s;
    return e;
}

Error classifyHttpError(int status, const QByteArray &body, const QByteArrayView &contentType,
                        const QByteArray &retryAfterHeader, const QString &upstreamName)
{
    // Throttling and server errors keep their class (retry, back off) even as HTML pages; any
    // other HTML answer is a block (quirk html-is-block).
    if (status != 429 && status < 500 && looksLikeHtml(contentType.toByteArray(), body)) {
        Error e = upstreamBlockedError(status, body, upstreamName);
        e.retryAfterSeconds = parseRetryAfter(retryAfterHeader);
        return e;
    }
    Error e = classifyHttpError(status, body, retryAfterHeader, upstreamName);
    if (looksLikeHtml(contentType.toByteArray(), body))
        e.message =
            u"upstream %1 answered HTTP %2 with an HTML page"_s.arg(upstreamName).arg(status);
    return e;
}

// Upstream text goes into the client's error message only when it reads as text: printable and
// short. A binary or huge body would otherwise be echoed to the client (and its logs) as is.
static QString quotable(const QString &text, int status, qsizetype bodyBytes)
{
    const QString t = text.trimmed();
    bool printable = !t.contains(QChar::ReplacementCharacter);
    for (QChar c : t)
        if (c.category() == QChar::Other_Control && c != u'\n' && c != u'\t')
            printable = false;
    if (!printable)
        return u"upstream answered HTTP %1 with %2 bytes that are not text"_s.arg(status).arg(
            bodyBytes);
    const QString one = t.simplified();
    return one.size() > 300 ? one.left(300) + u"…"_s : one;
}

Error classifyHttpError(int status, const QByteArray &body, const QByteArray &retryAfterHeader,
                        const QString &upstreamName)
{
    QString message;
    QString code;
    QString param;
    QJsonParseError err{};
    const auto doc = QJsonDocument::fromJson(body, &err);
    if (err.error == QJsonParseError::NoError && doc.isObject()) {
        const QJsonObject o = doc.object();
        const QJsonValue ev = o.value(u"error"_s);
        if (ev.isObject()) {
            const QJsonObject eo = ev.toObject();
            message = eo.value(u"message"_s).toString();
            const QJsonValue c = eo.value(u"code"_s);
            code = c.isString() ? c.toString()
                                : (c.isDouble() ? QString::number(c.toInt()) : QString());
            if (code.isEmpty())
                code = eo.value(u"type"_s).toString();
            param = eo.value(u"param"_s).toString();
        } else if (ev.isString()) {
            message = ev.toString();
        }
        if (message.isEmpty())
            message = o.value(u"message"_s).toString();
        if (code.isEmpty())
            code = o.value(u"code"_s).toString(); // DashScope's native shape: {"code","message"}
    }
    if (message.isEmpty())
        message = QString::fromUtf8(body.left(2000));
    message = quotable(message, status, body.size());
    if (message.isEmpty())
        message = u"upstream answered HTTP %1"_s.arg(status);
    const Said said = whatItSays(message, code);

    Error e;
    if (said == Said::Suspended || status == 402) {
        // Parked until a person acts: keep the upstream's own words as the reason.
        e = fromMessage(Error::Kind::Discontinued, status,
                        u"upstream %1 refused this account (HTTP %2): %3"_s.arg(upstreamName)
                            .arg(status)
                            .arg(message),
                        code);
    } else if (said == Said::Quota && (status == 429 || status == 403 || status == 400)) {
        e = fromMessage(Error::Kind::Quota, status, message, code);
    } else {
        switch (status) {
        case 401:
        case 403:
            // Name the upstream, never the key (issue 9 §3).
            e = fromMessage(
                status == 401 ? Error::Kind::UpstreamAuth : Error::Kind::Forbidden, status,
                u"upstream %1 rejected the credentials (HTTP %2): %3"_s.arg(upstreamName)
                    .arg(status)
                    .arg(message),
                code);
            break;
        case 408:
            e = fromMessage(Error::Kind::UpstreamTimeout, status, message, code);
            break;
        case 429:
            e = fromMessage(Error::Kind::RateLimited, status, message, code);
            break;
        case 529:
            e = fromMessage(Error::Kind::Overloaded, status, message, code);
            break;
        case 404:
            e = fromMessage(Error::Kind::NotFound, status, message, code);
            break;
        case 413:
            e = fromMessage(Error::Kind::PayloadTooLarge, status, message, code);
            break;
        default:
            if (status >= 300 && status < 400)
                // We never follow redirects (a key must not travel to a host the user did not
                // configure): the base URL is what needs fixing, so a gateway error says so.
                e = fromMessage(Error::Kind::UpstreamError, status,
                                u"upstream %1 answered with a redirect (HTTP %2), which the proxy "
                                "does not follow; check the provider's base URL"_s.arg(upstreamName)
                                    .arg(status),
                                code);
            else if (status >= 500)
                e = fromMessage(Error::Kind::UpstreamError, status,
                                u"upstream %1 failed (HTTP %2): %3"_s.arg(upstreamName)
                                    .arg(status)
                                    .arg(message),
                                code);
            else
                e = fromMessage(Error::Kind::InvalidRequest, status, message, code);
        }
    }
    e.param = param;
    e.retryAfterSeconds = parseRetryAfter(retryAfterHeader);
    return e;
}

Error classifyAnthropicStreamError(const QByteArray &data, const QString &upstreamName)
{
    const QJsonObject error = QJsonDocument::fromJson(data).object().value(u"error"_s).toObject();
    const QString type = error.value(u"type"_s).toString();
    // The statuses Anthropic documents for its error types.
    static const QHash<QString, int> statusOf{
        {u"invalid_request_error"_s, 400}, {u"authentication_error"_s, 401},
        {u"billing_error"_s, 402},         {u"permission_error"_s, 403},
        {u"not_found_error"_s, 404},       {u"request_too_large"_s, 413},
        {u"rate_limit_error"_s, 429},      {u"api_error"_s, 500},
        {u"timeout_error"_s, 504},         {u"overloaded_error"_s, 529}};
    const int status = statusOf.value(type, 500);
    Error e = classifyHttpError(status, data, {}, upstreamName);
    if (e.message.isEmpty())
        e.message = u"upstream stream error"_s;
    return e;
}

Error classifyNetworkError(QNetworkReply::NetworkError code, const QString &errorString,
                           const QString &host)
{
    switch (code) {
    case QNetworkReply::TimeoutError:
    case QNetworkReply::OperationCanceledError:
        return Error::make(Error::Kind::UpstreamTimeout, u"upstream %1 timed out"_s.arg(host));
    default:
        return Error::make(Error::Kind::UpstreamUnavailable,
                           u"cannot reach upstream %1: %2"_s.arg(host, errorString));
    }
}

} // namespace qp
