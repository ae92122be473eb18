#pragma once
// OpenAI Responses request -> OpenAI chat request (docs/responses-api.md). Pure: the caller
// resolves previous_response_id and item_reference (ResponseStore::expand), maps the model and
// runs prepareChatBody; this file only translates the items and tools and checks the structure,
// naming the offending param (input[3].call_id).

#include "common/error.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QSet>

namespace qp::responses {

struct RequestOptions {
    bool strictSchema = false; // as anthropic::RequestOptions::strictSchema
};

// What the encoder needs to turn the upstream's calls back into the client's items: tool names
// the client declared as custom (one string input) and the flattened namespace names, both built
// from this request only.
struct ToolTable {
    QSet<QString> custom;
    struct Namespaced {
        QString ns;
        QString name;
    };
    QHash<QString, Namespaced> namespaced; // flat name -> namespace and child name
};

struct Translated {
    QJsonObject chat; // the chat-completions body (model as the client sent it)
    ToolTable tools;
    bool reasoningSummary = false; // reasoning.summary was set: surface reasoning items
};

Result<Translated> toChatRequest(const QJsonObject &body, const RequestOptions &opt = {});

// True when an input item carries an image (input_image, or one in a function_call_output).
bool requestHasImages(const QJsonObject &body);

// A namespace child's flat name as sent upstream: ns__name, unless already prefixed or mcp__.
QString flatToolName(const QString &ns, const QString &name);

} // namespace qp::responses
