#pragma once
#include <QJsonObject>

namespace qp {

// Token usage as the upstream reported it (OpenAI names), for accounting and the request log.
struct Usage {
    qint64 promptTokens = 0;
    qint64 completionTokens = 0;
    qint64 cachedTokens = 0;
    qint64 cacheCreationTokens = 0;
    bool known = false;

    static Usage fromOpenAI(const QJsonObject &usage)
    {
        Usage u;
        if (usage.isEmpty())
            return u;
        u.known = true;
        u.promptTokens = usage.value(QLatin1String("prompt_tokens")).toInteger();
        u.completionTokens = usage.value(QLatin1String("completion_tokens")).toInteger();
        const QJsonObject details = usage.value(QLatin1String("prompt_tokens_details")).toObject();
        u.cachedTokens = details.value(QLatin1String("cached_tokens")).toInteger();
        u.cacheCreationTokens = details.value(QLatin1String("cache_creation_input_tokens")).toInteger();
        // Some DashScope answers give cache writes as a map of buckets (qwen-protocol.md §B.6).
        const QJsonObject buckets = usage.value(QLatin1String("cache_creation")).toObject();
        for (auto it = buckets.begin(); it != buckets.end(); ++it)
            u.cacheCreationTokens += it.value().toInteger();
        return u;
    }

    // Anthropic names (a Messages answer's `usage`, or a stream's merged usage): input_tokens
    // excludes the cache, so the prompt is the sum of the three, as the translated path counts it.
    static Usage fromAnthropic(const QJsonObject &usage)
    {
        Usage u;
        if (usage.isEmpty())
            return u;
        u.known = true;
        u.cachedTokens = usage.value(QLatin1String("cache_read_input_tokens")).toInteger();
        u.cacheCreationTokens =
            usage.value(QLatin1String("cache_creation_input_tokens")).toInteger();
        u.promptTokens = usage.value(QLatin1String("input_tokens")).toInteger() + u.cachedTokens +
                         u.cacheCreationTokens;
        u.completionTokens = usage.value(QLatin1String("output_tokens")).toInteger();
        return u;
    }
};

} // namespace qp
