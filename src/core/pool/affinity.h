#pragma once
// Which conversation a request belongs to. Requests of one conversation stay on one account while
// it is usable, because the upstream's prompt cache is per account: moving a long conversation
// to another account pays for its whole prompt again.
//
// A client that names its session keeps that name (Claude Code sends X-Claude-Code-Session-Id,
// Codex session_id; anyone may send X-Qwen-Conversation). Otherwise the key is derived from what
// stays fixed over a conversation's turns: the system prompt and the first user message.

#include <QByteArray>
#include <QJsonValue>
#include <QString>

namespace qp {

// Header names (lower case) whose value names a conversation, in order of preference.
const QList<QByteArray> &conversationHeaders();

// A short stable key: "h:<hex>" for a client's session header, "c:<hex>" for a derived one;
// empty when there is nothing to derive from.
QString conversationKey(const QByteArray &sessionHeader, const QJsonValue &system,
                        const QJsonValue &firstUserContent);

} // namespace qp
