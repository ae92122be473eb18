#pragma once
// Tool-call arguments from Qwen models are often not valid JSON (single quotes, Python literals,
// trailing commas, truncated output, code fences). Claude Code rejects a tool_use whose input is
// not an object, so every argument string goes through this before it reaches a client.

#include <QJsonObject>
#include <QString>
#include <optional>

namespace qp {

// Strict parse first (the common case costs one QJsonDocument parse); on failure a single-pass
// repair: code fences, leading prose, // and /* */ comments, single/smart-quoted strings, raw
// control characters and bad escapes inside strings, unquoted keys and values, Python
// True/False/None, missing or doubled commas and colons, trailing commas, a truncated tail
// (unterminated string, dangling key, unclosed brackets), and double-encoded JSON strings.
// Empty or whitespace-only text is the no-argument call: {}. Returns nullopt when the text does
// not describe a JSON object even after repair (e.g. an array, a bare number, plain prose).
std::optional<QJsonObject> repairJsonObject(const QString &text);

} // namespace qp
