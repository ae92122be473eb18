#include "protocol/openaichat.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace qp {

namespace {
Error invalid(const QString &msg, const QString &param = {})
{
    Error e = Error::make(Error::Kind::InvalidRequest, msg);
    e.param = param;
    return e;
}
} // namespace

std::optional<Error> validateChatRequest(const QJsonObject &body)
{
    const QJsonValue model = body.value(u"model"_s);
    if (!model.isUndefined() && !model.isString())
        return invalid(u"'model' must be a string"_s, u"model"_s);
    const QJsonValue messages = body.value(u"messages"_s);
    if (!messages.isArray())
        return invalid(u"'messages' is required and must be an array"_s, u"messages"_s);
    const QJsonArray arr = messages.toArray();
    if (arr.isEmpty())
        return invalid(u"'messages' must contain at least one message"_s, u"messages"_s);
    static const QStringList roles = {u"system"_s, u"user"_s,      u"assistant"_s,
                                      u"tool"_s,   u"developer"_s, u"function"_s};
    for (qsizetype i = 0; i < arr.size(); ++i) {
        const QString where = u"messages[%1]"_s.arg(i);
        if (!arr.at(i).isObject())
            return invalid(where + u" must be an object"_s, where);
        const QJsonObject m = arr.at(i).toObject();
        if (!roles.contains(m.value(u"role"_s).toString()))
            return invalid(where + u".role must be one of "_s + roles.join(u", "_s),
                           where + u".role"_s);
        const QJsonValue c = m.value(u"content"_s);
        if (!(c.isString() || c.isArray() || c.isNull() || c.isUndefined()))
            return invalid(where + u".content must be a string, an array of parts or null"_s,
                           where + u".content"_s);
    }
    const auto checkType = [&](const char *key, bool (QJsonValue::*is)() const,
                               const char *what) -> std::optional<Error> {
        const QJsonValue v = body.value(QLatin1String(key));
        if (!v.isUndefined() && !v.isNull() && !(v.*is)())
            return invalid(u"'%1' must be %2"_s.arg(QLatin1String(key), QLatin1String(what)),
                           QLatin1String(key));
        return std::nullopt;
    };
    for (const char *k : {"temperature", "top_p", "max_tokens", "max_completion_tokens", "n",
                          "presence_penalty", "frequency_penalty", "seed"})
        if (auto e = checkType(k, &QJsonValue::isDouble, "a number"))
            return e;
    if (auto e = checkType("stream", &QJsonValue::isBool, "a boolean"))
        return e;
    if (auto e = checkType("tools", &QJsonValue::isArray, "an array"))
        return e;
    if (auto e = checkType("stream_options", &QJsonValue::isObject, "an object"))
        return e;
    const QJsonValue mt = body.value(u"max_tokens"_s);
    if (mt.isDouble() && mt.toDouble() < 1)
        return invalid(u"'max_tokens' must be at least 1"_s, u"max_tokens"_s);
    return std::nullopt;
}

bool clientWantsUsage(const QJsonObject &clientBody)
{
    return clientBody.value(u"stream_options"_s).toObject().value(u"include_usage"_s).toBool();
}

bool chatRequestHasImages(const QJsonObject &body)
{
    const QJsonArray messages = body.value(u"messages"_s).toArray();
    for (const auto &m : messages) {
        const QJsonValue c = m.toObject().value(u"content"_s);
        if (!c.isArray())
            continue;
        for (const auto &part : c.toArray())
            if (part.toObject().value(u"type"_s).toString() == u"image_url")
                return true;
    }
    return false;
}

QJsonObject prepareChatBody(QJsonObject body, const ChatPrepareOptions &o, bool *changed,
                            QStringList *touchedKeys)
{
    bool touched = false;
    const QuirkSet &q = o.quirks;
    const auto note = [&](const QString &key) {
        touched = true;
        if (touchedKeys && !touchedKeys->contains(key))
            touchedKeys->append(key);
    };
    const auto set = [&](const QString &key, const QJsonValue &v) {
        const auto it = body.constFind(key);
        if (it != body.constEnd() && it.value() == v)
            return;
        body.insert(key, v);
        note(key);
    };
    const auto drop = [&](const QString &key) {
        const auto it = body.find(key);
        if (it == body.end())
            return;
        body.erase(it);
        note(key);
    };
    set(u"model"_s, o.upstreamModel);
    if (q.has(Quirk::MaxTokensCap) && q.maxTokensCap > 0) {
        for (const QString &key : {u"max_tokens"_s, u"max_completion_tokens"_s}) {
            const QJsonValue v = body.value(key);
            if (v.isDouble() && v.toDouble() > double(q.maxTokensCap))
                set(key, double(q.maxTokensCap));
        }
    }
    if (body.value(u"stream"_s).toBool()) {
        // We always need the usage for accounting; the relay hides it from clients that did not
        // ask (issue 2 §6).
        QJsonObject so = body.value(u"stream_options"_s).toObject();
        if (so.value(u"include_usage"_s) != QJsonValue(true)) {
            so.insert(u"include_usage"_s, true);
            set(u"stream_options"_s, so);
        }
    } else {
        drop(u"stream_options"_s);
    }
    if (q.has(Quirk::NoEmptyTools) && body.contains(u"tools"_s) &&
        body.value(u"tools"_s).toArray().isEmpty()) {
        drop(u"tools"_s);
        drop(u"tool_choice"_s);
        drop(u"parallel_tool_calls"_s);
    }
    if (q.has(Quirk::ReasoningEffortToThinking) && !body.contains(u"enable_thinking"_s)) {
        // reasoning.effort -> Qwen's thinking switch, as the seed maps it (§B.4), unless the
        // client already said it explicitly. reasoning_effort (OpenAI's spelling) only turns it
        // off: "low" on a model that cannot think must not become enable_thinking:true.
        const QString effort = body.value(u"reasoning"_s).toObject().value(u"effort"_s).toString();
        if (body.value(u"reasoning_effort"_s).toString() == u"none" || effort == u"none") {
            set(u"enable_thinking"_s, false);
        } else if (!effort.isEmpty()) {
            set(u"enable_thinking"_s, true);
            if (effort == u"low" || effort == u"minimal")
                set(u"thinking_budget"_s, 1024);
            else if (effort == u"medium")
                set(u"thinking_budget"_s, 8192);
        }
    }
    if (q.has(Quirk::ThinkingOffForForcedTools) && body.contains(u"tools"_s)) {
        // A thinking model refuses a forced tool call while it thinks: keep the forced call (what
        // the client asked for) and turn thinking off (docs/quirks.md).
        const QJsonValue choice = body.value(u"tool_choice"_s);
        const bool forced = choice.toString() == u"required" ||
                            (choice.isObject() && choice.toObject().contains(u"function"_s));
        if (forced && body.value(u"enable_thinking"_s) != QJsonValue(false)) {
            set(u"enable_thinking"_s, false);
            drop(u"thinking_budget"_s);
        }
    }
    if (!q.has(Quirk::QwenOnlyFields)) {
        // Only standard fields go to other upstreams (issue 9 §1).
        for (const QString &key : qwenOnlyChatFields())
            drop(key);
    }
    if (q.has(Quirk::StandardFieldsOnly)) {
        const QList<QString> &allowed = standardChatFields();
        const QStringList keys = body.keys();
        for (const QString &key : keys)
            if (!allowed.contains(key))
                drop(key);
    }
    if (changed)
        *changed = touched;
    return body;
}

} // namespace qp
