#pragma once
// OpenAI chat completion -> Anthropic Messages response (qwen-protocol.md §D.3), and the
// Anthropic error body. Pure functions; the server decides the HTTP status.

#include <QJsonObject>
#include <QString>

namespace qp::anthropic {

// {id:"msg_…", type:"message", role:"assistant", model: clientModel, content:[thinking?, text?,
// tool_use…], stop_reason, stop_sequence:null, usage}. Reasoning (message.reasoning_content or a
// leaked <think>…</think> prefix) becomes a thinking block only when thinkingEnabled. Tool
// arguments that are not valid JSON are repaired, else replaced by {} with a warning.
QJsonObject fromOpenAIResponse(const QJsonObject &openai, const QString &clientModel,
                               bool thinkingEnabled);

// {"type":"error","error":{"type":type,"message":message}}
QJsonObject errorBody(const QString &type, const QString &message);

// 400 invalid_request_error, 401 authentication_error, 403 permission_error, 404 not_found_error,
// 413 request_too_large, 429 rate_limit_error, 529 overloaded_error, 500 and any other status
// api_error.
QString errorTypeForStatus(int httpStatus);

} // namespace qp::anthropic
