#include "protocol/anthropiccommon.h"

#include "common/jsoninteger.h"

#include <QRandomGenerator>

Q_LOGGING_CATEGORY(lcAnthropicXlate, "qp.core.anthropic")

namespace qp::anthropic {
namespace {

qint64 intField(const QJsonObject &o, QLatin1String key)
{
    const QJsonValue v = o.value(key);
    return v.isDouble() ? jsonInteger(v.toDouble()) : 0;
}

QString randomBase62(int length)
{
    static constexpr char alphabet[] =
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    QString s;
    s.reserve(length);
    auto *rng = QRandomGenerator::global();
    for (int i = 0; i < length; ++i)
        s += QLatin1Char(alphabet[rng->bounded(62)]);
    return s;
}

} // namespace

MessageUsage usageFromOpenAI(const QJsonObject &usage)
{
    MessageUsage u;
    u.fromUpstream = true;
    const qint64 prompt = intField(usage, QLatin1String("prompt_tokens"));
    u.outputTokens = intField(usage, QLatin1String("completion_tokens"));
    const QJsonObject details = usage.value(QLatin1String("prompt_tokens_details")).toObject();
    u.cacheReadTokens = intField(details, QLatin1String("cached_tokens"));

    u.cacheCreationTokens = intField(details, QLatin1String("cache_creation_input_tokens"));
    if (u.cacheCreationTokens == 0)
        u.cacheCreationTokens = intField(usage, QLatin1String("cache_creation_input_tokens"));
    if (u.cacheCreationTokens == 0) {
        QJsonObject buckets = details.value(QLatin1String("cache_creation")).toObject();
        if (buckets.isEmpty())
            buckets = usage.value(QLatin1String("cache_creation")).toObject();
        for (auto it = buckets.constBegin(); it != buckets.constEnd(); ++it) {
            if (it.value().isDouble()) // summed as doubles: many huge buckets must not overflow
                u.cacheCreationTokens =
                    jsonInteger(double(u.cacheCreationTokens) + it.value().toDouble());
        }
    }
    u.inputTokens = qMax<qint64>(0, prompt - u.cacheReadTokens - u.cacheCreationTokens);
    return u;
}

QJsonObject usageToJson(const MessageUsage &usage)
{
    return QJsonObject{
        {QLatin1String("input_tokens"), usage.inputTokens},
        {QLatin1String("output_tokens"), usage.outputTokens},
        {QLatin1String("cache_read_input_tokens"), usage.cacheReadTokens},
        {QLatin1String("cache_creation_input_tokens"), usage.cacheCreationTokens},
    };
}

QString stopReasonFromFinish(const QString &finishReason)
{
    if (finishReason == QLatin1String("length"))
        return QStringLiteral("max_tokens");
    if (finishReason == QLatin1String("tool_calls") ||
        finishReason == QLatin1String("function_call"))
        return QStringLiteral("tool_use");
    if (finishReason == QLatin1String("content_filter"))
        return QStringLiteral("refusal");
    return QStringLiteral("end_turn");
}

QString messageIdFrom(const QString &openaiId)
{
    QString tail = openaiId;
    if (tail.startsWith(QLatin1String("chatcmpl-")))
        tail.remove(0, 9);
    if (tail.isEmpty())
        tail = randomBase62(24);
    return QLatin1String("msg_") + tail;
}

QString randomToolUseId()
{
    return QLatin1String("toolu_") + randomBase62(24);
}

QString errorTypeFor(const Error &e)
{
    using K = Error::Kind;
    switch (e.kind) {
    case K::Quota:
    case K::RateLimited:
        return QStringLiteral("rate_limit_error");
    case K::Overloaded:
        return QStringLiteral("overloaded_error");
    case K::InvalidRequest:
    case K::Conflict:
        return QStringLiteral("invalid_request_error");
    case K::Unauthenticated:
    case K::UpstreamAuth:
    case K::NeedsLogin:
    case K::Discontinued:
        return QStringLiteral("authentication_error");
    case K::Forbidden:
        return QStringLiteral("permission_error");
    case K::NotFound:
        return QStringLiteral("not_found_error");
    case K::PayloadTooLarge:
        return QStringLiteral("request_too_large");
    default:
        return QStringLiteral("api_error");
    }
}

ThinkSplit splitLeakedThinking(const QString &content)
{
    ThinkSplit out;
    QString text = content;
    text.remove(imEndToken);
    const qsizetype close = text.indexOf(QLatin1String("</think>"));
    const qsizetype open = text.indexOf(QLatin1String("<think>"));
    // Only a tag pair at the start is reasoning; a <think> in the middle of an answer is content
    // (the model may be talking about the tag).
    const bool leadingOpen = open >= 0 && text.left(open).trimmed().isEmpty();
    if (close >= 0 && (leadingOpen || open < 0)) {
        const qsizetype start = leadingOpen ? open + 7 : 0;
        out.thinking = text.mid(start, close - start).trimmed();
        out.text = text.mid(close + 8);
        while (!out.text.isEmpty() && out.text.front().isSpace())
            out.text.remove(0, 1);
    } else if (leadingOpen && close < 0) {
        out.thinking = text.mid(open + 7).trimmed(); // truncated inside the reasoning
    } else {
        out.text = text;
    }
    return out;
}

} // namespace qp::anthropic
