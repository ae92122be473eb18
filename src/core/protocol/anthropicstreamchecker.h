#pragma once
// Strict validator for Anthropic Messages SSE streams, plus the accumulation an Anthropic SDK
// performs. Used by the translator's unit tests and by full-stack tests that read our
// /v1/messages output, so it checks the wire contract rather than our implementation.

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

namespace qp::anthropic {

// Splits an SSE body into (event name, data JSON) pairs. A frame without an `event:` line gets
// an empty name; data that is not a JSON object gets an object {"_raw": text} so the checker
// can report it. Accepts \n and \r\n line ends; ignores comment lines (": ...").
QList<QPair<QString, QJsonObject>> parseSseEvents(const QByteArray &sse);

// Returns one human-readable line per violation (empty = valid):
// framing (event name equals data.type), message_start first and exactly once with a well-formed
// message; block indices 0..n-1 in start order, one open block at a time, deltas only on the
// open block and of its type, stops only for open blocks; a tool_use block's concatenated
// partial_json must parse as a JSON object (empty means {}); exactly one message_delta, after
// every block stopped, with a valid stop_reason and numeric usage.output_tokens; stop_reason
// tool_use iff tool_use blocks exist; exactly one message_stop, last. Or, for a failed stream:
// an error event with {"type":"error","error":{"type","message"}} as the last event, with no
// block open and no message_stop. Pings anywhere after message_start and before the end.
QStringList checkAnthropicStream(const QByteArray &sse);

// What an Anthropic SDK's MessageStream ends up with: message_start's message, blocks appended
// on content_block_start, text/thinking/signature deltas appended, tool_use input = the
// concatenated partial_json parsed at content_block_stop, message_delta's stop_reason,
// stop_sequence and non-null usage fields merged. For a failed stream the result carries
// "error": <error object>. Invalid streams still accumulate as far as possible.
QJsonObject accumulateAnthropicStream(const QByteArray &sse);

} // namespace qp::anthropic
