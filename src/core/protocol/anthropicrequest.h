#pragma once
// Anthropic Messages request -> OpenAI chat request (qwen-protocol.md §D.1, §D.2). Pure: the
// caller maps the model, clamps max_tokens and adds stream_options; this file only translates
// and validates the shape the way the real API does, so a bad request fails here with a message
// naming the field instead of as an opaque upstream 400.

#include "common/error.h"

#include <QJsonObject>

namespace qp::anthropic {

struct RequestOptions {
    // Also strip additionalProperties, default, examples, title, $id and string formats other
    // than date-time/enum from tool schemas (for upstreams that 400 on them).
    bool strictSchema = false;
};

// Errors are Kind::InvalidRequest with a message like
// "messages.3.content.0.type: unknown content block type 'foo'".
Result<QJsonObject> toOpenAIRequest(const QJsonObject &body, const RequestOptions &opt = {});

// True when any user message (or a tool_result inside one) carries an image block; the caller
// switches to a vision model then.
bool requestHasImages(const QJsonObject &anthropicBody);

// thinking.type is enabled, adaptive or auto: the response may surface reasoning as thinking
// blocks.
bool thinkingEnabled(const QJsonObject &anthropicBody);

// Exposed for tests: the §D.2 schema cleaning applied to every tool's input_schema.
QJsonObject cleanToolSchema(const QJsonObject &schema, bool strict);

} // namespace qp::anthropic
