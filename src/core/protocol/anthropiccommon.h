#pragma once
// Pieces shared by the non-streaming (anthropicresponse) and streaming (anthropicstream)
// OpenAI -> Anthropic translations, so both answer the same usage, ids and stop reasons.

#include "common/error.h"

#include <QJsonObject>
#include <QLoggingCategory>
#include <QString>

Q_DECLARE_LOGGING_CATEGORY(lcAnthropicXlate) // qp.core.anthropic

namespace qp::anthropic {

// Token usage in Anthropic terms. Anthropic's input_tokens excludes both cache reads and cache
// writes (clients add the three to get the prompt size), so both are subtracted from the
// OpenAI prompt_tokens.
struct MessageUsage {
    qint64 inputTokens = 0;
    qint64 outputTokens = 0;
    qint64 cacheReadTokens = 0;
    qint64 cacheCreationTokens = 0;
    bool fromUpstream = false; // false: estimated because the upstream sent no usage
};

// Reads an OpenAI usage object: prompt_tokens, completion_tokens,
// prompt_tokens_details.cached_tokens, and cache writes from
// prompt_tokens_details.cache_creation_input_tokens, a top-level cache_creation_input_tokens, or
// the sum of a cache_creation{<bucket>_input_tokens} map.
MessageUsage usageFromOpenAI(const QJsonObject &usage);

// {"input_tokens","output_tokens","cache_read_input_tokens","cache_creation_input_tokens"}
QJsonObject usageToJson(const MessageUsage &usage);

// stop -> end_turn, length -> max_tokens, tool_calls/function_call -> tool_use,
// content_filter -> refusal, anything else -> end_turn.
QString stopReasonFromFinish(const QString &finishReason);

// "msg_" + the part after "chatcmpl-" when the upstream gave an id, else "msg_<random>".
QString messageIdFrom(const QString &openaiId);
QString randomToolUseId(); // "toolu_<24 random base62 chars>"

// The Anthropic error type for a classified error (upstream/upstreamerror.h decides the kind).
QString errorTypeFor(const Error &e);

// Models may leak their reasoning into content as "<think>...</think>text" (or, when the template
// already opened the tag, "...</think>text"). Splits a complete content string; <|im_end|> is
// removed from the text.
struct ThinkSplit {
    QString thinking;
    QString text;
};
ThinkSplit splitLeakedThinking(const QString &content);

// Qwen sometimes leaks the chat template's end token into content.
inline constexpr QLatin1String imEndToken("<|im_end|>");

} // namespace qp::anthropic
