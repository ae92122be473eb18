#pragma once
// The OpenAI chat request as we send it upstream: the client's fields forwarded untouched (no
// invented defaults: temperature 0 stays 0), the model mapped, max_tokens clamped, usage always
// requested when streaming, and fields the upstream kind cannot take removed.

#include "common/error.h"
#include "upstream/quirks.h"

#include <QJsonObject>

namespace qp {

struct ChatPrepareOptions {
    QString upstreamModel;
    QuirkSet quirks; // quirksFor(upstream, upstreamModel, catalog): what this upstream needs
};

// Structural validation of a client's OpenAI chat request, before anything is sent.
std::optional<Error> validateChatRequest(const QJsonObject &body);

// The body sent upstream. `changed` (optional) tells whether it differs from the client's: when it
// does not, the relay forwards the client's own bytes and skips re-serialising them. Only
// top-level members are ever set or removed; `touchedKeys` (optional) gets their names, so the
// relay can edit just those in the client's bytes (withTopLevelMembers, protocol/jsonbytes.h).
QJsonObject prepareChatBody(QJsonObject body, const ChatPrepareOptions &options,
                            bool *changed = nullptr, QStringList *touchedKeys = nullptr);

bool clientWantsUsage(const QJsonObject &clientBody);
bool chatRequestHasImages(const QJsonObject &body);

} // namespace qp
