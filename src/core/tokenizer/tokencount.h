#pragma once
// Input-token counts for whole chat requests, as Qwen would see them: the request is rendered
// the way Qwen3's chat template frames it (see tokencount.cpp) and that text is counted with
// the real tokenizer. Serves POST /v1/messages/count_tokens and input-token estimates.

#include <QJsonObject>
#include <QString>

namespace qp {

class QwenTokenizer;

// An image (or a binary document) is not text we can tokenize. Qwen-VL turns each 28x28 pixel
// patch into one token; a typical screenshot downscaled to about 1 megapixel is
// (1000/28)^2 ~ 1280 tokens, which is the estimate used for every image.
inline constexpr int kImageTokenEstimate = 1280;

// What is counted: the rendered prompt text plus a number of images.
struct RenderedPrompt {
    QString text;
    int images = 0;
};

// Anthropic Messages body: system (string or text blocks), messages (string content or text,
// image, document, tool_use, tool_result blocks; thinking blocks of earlier turns are dropped,
// as Anthropic and the Qwen3 template do), tools (name, description, input_schema).
RenderedPrompt renderAnthropicPrompt(const QJsonObject &anthropicBody);
int countAnthropicInputTokens(const QJsonObject &anthropicBody);
int countAnthropicInputTokens(const QJsonObject &anthropicBody, const QwenTokenizer &tokenizer);

// OpenAI Chat Completions body: messages (string content or text/image_url parts, tool_calls,
// tool results), tools.
RenderedPrompt renderOpenAIPrompt(const QJsonObject &openaiChatBody);
int countOpenAIInputTokens(const QJsonObject &openaiChatBody);
int countOpenAIInputTokens(const QJsonObject &openaiChatBody, const QwenTokenizer &tokenizer);

// json.dumps() style (", " and ": " separators, non-ASCII kept) as the template's tojson filter
// writes tool definitions; keys come out sorted because QJsonObject sorts them.
QString templateJson(const QJsonValue &value);

} // namespace qp
