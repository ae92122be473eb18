#include "protocol/responsesrequest.h"

#include "common/jsoninteger.h"
#include "logging/logging.h"
#include "protocol/anthropicrequest.h"

#include <QJsonDocument>
#include <QStringList>
#include <cmath>

using namespace Qt::StringLiterals;

namespace qp::responses {
namespace {

Error invalid(const QString &param, const QString &message)
{
    Error e = Error::make(Error::Kind::InvalidRequest, param % u": "_s % message);
    e.param = param;
    return e;
}

// Text and images of a message's content or a tool output's parts.
struct Content {
    QStringList text;
    QJsonArray images; // chat image_url parts
};

std::optional<Error> readPart(const QJsonValue &v, const QString &where, Content &out)
{
    if (!v.isObject())
        return invalid(where, u"expected an object"_s);
    const QJsonObject p = v.toObject();
    const QString type = p.value("type"_L1).toString();
    if (type == "input_text"_L1 || type == "output_text"_L1 || type == "text"_L1 ||
        type == "summary_text"_L1 || type == "reasoning_text"_L1) {
        const QJsonValue t = p.value("text"_L1);
        if (!t.isString())
            return invalid(where % u".text"_s, u"expected a string"_s);
        out.text.append(t.toString());
    } else if (type == "refusal"_L1) {
        out.text.append(p.value("refusal"_L1).toString());
    } else if (type == "input_image"_L1) {
        QJsonValue url = p.value("image_url"_L1);
        if (url.isObject())
            url = url.toObject().value("url"_L1);
        if (!url.isString() || url.toString().isEmpty()) {
            if (p.contains("file_id"_L1))
                return invalid(where % u".file_id"_s,
                               u"file ids are not supported by this proxy; send image_url"_s);
            return invalid(where % u".image_url"_s, u"expected a URL or data URL string"_s);
        }
        QJsonObject image{{"url"_L1, url.toString()}};
        if (p.value("detail"_L1).isString() && p.value("detail"_L1).toString() != "auto"_L1)
            image.insert("detail"_L1, p.value("detail"_L1));
        out.images.append(QJsonObject{{"type"_L1, "image_url"_L1}, {"image_url"_L1, image}});
    } else if (type == "input_file"_L1) {
        return invalid(where, u"input_file is not supported by this proxy"_s);
    } else {
        qCDebug(lcRelay) << "responses: dropping a content part of type" << type;
    }
    return std::nullopt;
}

std::optional<Error> readContent(const QJsonValue &c, const QString &where, Content &out)
{
    if (c.isString()) {
        out.text.append(c.toString());
        return std::nullopt;
    }
    if (c.isNull() || c.isUndefined())
        return std::nullopt;
    if (!c.isArray())
        return invalid(where, u"expected a string or an array of content parts"_s);
    const QJsonArray parts = c.toArray();
    for (qsizetype i = 0; i < parts.size(); ++i)
        if (auto e = readPart(parts.at(i), where % u"["_s % QString::number(i) % u"]"_s, out))
            return e;
    return std::nullopt;
}

// A tool output: a string, an array of parts, or such an array as a string.
std::optional<Error> readToolOutput(const QJsonValue &v, const QString &where, Content &out)
{
    if (v.isString()) {
        const QString s = v.toString();
        if (s.trimmed().startsWith(u'[')) {
            const QJsonDocument doc = QJsonDocument::fromJson(s.toUtf8());
            bool parts = doc.isArray() && !doc.array().isEmpty();
            for (const QJsonValue &p : doc.array()) {
                const QString t = p.toObject().value("type"_L1).toString();
                parts = parts && (t == "input_text"_L1 || t == "input_image"_L1 ||
                                  t == "output_text"_L1 || t == "text"_L1);
            }
            if (parts) {
                Content parsed;
                if (!readContent(doc.array(), where, parsed)) {
                    out = parsed;
                    return std::nullopt;
                }
            }
        }
        out.text.append(s);
        return std::nullopt;
    }
    if (v.isArray())
        return readContent(v, where, out);
    if (v.isObject()) { // some clients send {"content": ...} or a JSON value
        out.text.append(
            QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact)));
        return std::nullopt;
    }
    if (v.isUndefined() || v.isNull())
        return invalid(where, u"field required"_s);
    return invalid(where, u"expected a string or an array of content parts"_s);
}

QJsonValue userContent(const Content &c)
{
    const QString text = c.text.join(u"\n"_s);
    if (c.images.isEmpty())
        return text;
    QJsonArray parts;
    if (!text.isEmpty())
        parts.append(QJsonObject{{"type"_L1, "text"_L1}, {"text"_L1, text}});
    for (const QJsonValue &i : c.images)
        parts.append(i);
    return parts;
}

QJsonObject customParameters()
{
    return QJsonObject{
        {"type"_L1, "object"_L1},
        {"properties"_L1, QJsonObject{{"input"_L1, QJsonObject{{"type"_L1, "string"_L1}}}}},
        {"required"_L1, QJsonArray{"input"_L1}}};
}

// Builds the chat messages in order, keeping every tool message right after the assistant
// message that holds its call (strict upstreams reject anything else).
class MessageBuilder
{
public:
    void system(const QString &text)
    {
        if (!text.isEmpty())
            m_system.append(text);
    }
    void message(const QJsonObject &m)
    {
        flushAssistant();
        if (m_pending.isEmpty()) {
            m_out.append(m);
        } else {
            m_deferred.append(m); // a message between a call and its output waits for the outputs
        }
    }
    void assistantText(const QString &text)
    {
        flushAssistant();
        if (!m_pending.isEmpty()) {
            m_deferred.append(QJsonObject{{"role"_L1, "assistant"_L1}, {"content"_L1, text}});
            return;
        }
        closeBlock();
        m_assistantText = text;
        m_haveAssistant = true;
    }
    void call(const QString &callId, const QString &name, const QString &arguments)
    {
        if (!m_pending.isEmpty() || !m_answered.isEmpty())
            closeBlock(); // a call after outputs began starts a new assistant turn
        m_haveAssistant = true;
        m_calls.append(QJsonObject{
            {"id"_L1, callId},
            {"type"_L1, "function"_L1},
            {"function"_L1, QJsonObject{{"name"_L1, name}, {"arguments"_L1, arguments}}}});
        m_callIds.append(callId);
    }
    // Returns false when no call waits for this id.
    bool output(const QString &callId, const Content &c)
    {
        if (!m_calls.isEmpty())
            flushAssistant();
        if (!m_pending.contains(callId))
            return false;
        m_pending.removeOne(callId);
        m_answered.append(callId);
        m_out.append(QJsonObject{{"role"_L1, "tool"_L1},
                                 {"tool_call_id"_L1, callId},
                                 {"content"_L1, c.text.join(u"\n"_s)}});
        if (!c.images.isEmpty())
            m_images.append(QJsonObject{{"role"_L1, "user"_L1},
                                        {"content"_L1, userContent(Content{{}, c.images})}});
        if (m_pending.isEmpty())
            closeBlock();
        return true;
    }
    QJsonArray finish()
    {
        closeBlock();
        flushAssistant();
        closeBlock();
        QJsonArray all;
        if (!m_system.isEmpty())
            all.append(
                QJsonObject{{"role"_L1, "system"_L1}, {"content"_L1, m_system.join(u"\n\n"_s)}});
        for (const QJsonValue &m : std::as_const(m_out))
            all.append(m);
        return all;
    }
    bool started() const { return !m_out.isEmpty() || m_haveAssistant; }

private:
    void flushAssistant()
    {
        if (!m_haveAssistant)
            return;
        QJsonObject a{{"role"_L1, "assistant"_L1}};
        a.insert("content"_L1, m_assistantText.isEmpty() && !m_calls.isEmpty()
                                   ? QJsonValue(QJsonValue::Null)
                                   : QJsonValue(m_assistantText));
        if (!m_calls.isEmpty())
            a.insert("tool_calls"_L1, m_calls);
        m_out.append(a);
        m_pending = m_callIds;
        m_answered.clear();
        m_haveAssistant = false;
        m_assistantText.clear();
        m_calls = {};
        m_callIds.clear();
    }
    // Ends a block of calls: placeholders for calls without output, then what was deferred.
    void closeBlock()
    {
        if (!m_calls.isEmpty())
            flushAssistant();
        for (const QString &id : std::as_const(m_pending))
            m_out.append(QJsonObject{{"role"_L1, "tool"_L1},
                                     {"tool_call_id"_L1, id},
                                     {"content"_L1, u"(no output: the call was not run)"_s}});
        m_pending.clear();
        m_answered.clear();
        for (const QJsonValue &m : std::as_const(m_images))
            m_out.append(m);
        m_images = {};
        for (const QJsonValue &m : std::as_const(m_deferred))
            m_out.append(m);
        m_deferred = {};
    }

    QStringList m_system;
    QJsonArray m_out;
    bool m_haveAssistant = false;
    QString m_assistantText;
    QJsonArray m_calls;
    QStringList m_callIds;
    QStringList m_pending;  // calls of the last assistant message still without output
    QStringList m_answered; // calls of the last assistant message already answered
    QJsonArray m_images;    // images from tool outputs: a user message after the outputs
    QJsonArray m_deferred;
};

QString callName(const QJsonObject &item)
{
    const QString name = item.value("name"_L1).toString();
    const QString ns = item.value("namespace"_L1).toString();
    return ns.isEmpty() ? name : flatToolName(ns, name);
}

std::optional<Error> translateTools(const QJsonValue &toolsValue, bool strict, QJsonArray &out,
                                    ToolTable &table)
{
    if (toolsValue.isUndefined() || toolsValue.isNull())
        return std::nullopt;
    if (!toolsValue.isArray())
        return invalid(u"tools"_s, u"expected an array"_s);
    const auto addFunction = [&](const QJsonObject &t, const QString &name,
                                 const QString &where) -> std::optional<Error> {
        if (name.isEmpty())
            return invalid(where % u".name"_s, u"expected a non-empty string"_s);
        const QJsonValue schema = t.value("parameters"_L1);
        QJsonObject fn{{"name"_L1, name},
                       {"parameters"_L1, schema.isObject()
                                             ? anthropic::cleanToolSchema(schema.toObject(), strict)
                                             : QJsonObject{{"type"_L1, "object"_L1},
                                                           {"properties"_L1, QJsonObject{}}}}};
        if (t.value("description"_L1).isString())
            fn.insert("description"_L1, t.value("description"_L1));
        out.append(QJsonObject{{"type"_L1, "function"_L1}, {"function"_L1, fn}});
        return std::nullopt;
    };
    const auto addCustom = [&](const QJsonObject &t, const QString &name,
                               const QString &where) -> std::optional<Error> {
        if (name.isEmpty())
            return invalid(where % u".name"_s, u"expected a non-empty string"_s);
        QJsonObject fn{{"name"_L1, name}, {"parameters"_L1, customParameters()}};
        QString description = t.value("description"_L1).toString();
        const QJsonObject format = t.value("format"_L1).toObject();
        if (format.value("type"_L1).toString() == "grammar"_L1)
            description += u"\n\nThe input follows this %1 grammar:\n%2"_s.arg(
                format.value("syntax"_L1).toString(), format.value("definition"_L1).toString());
        fn.insert("description"_L1, description.trimmed());
        out.append(QJsonObject{{"type"_L1, "function"_L1}, {"function"_L1, fn}});
        table.custom.insert(name);
        return std::nullopt;
    };
    const QJsonArray tools = toolsValue.toArray();
    for (qsizetype i = 0; i < tools.size(); ++i) {
        const QString where = u"tools[%1]"_s.arg(i);
        if (!tools.at(i).isObject())
            return invalid(where, u"expected an object"_s);
        const QJsonObject t = tools.at(i).toObject();
        const QString type = t.value("type"_L1).toString();
        if (type == "function"_L1) {
            if (auto e = addFunction(t, t.value("name"_L1).toString(), where))
                return e;
        } else if (type == "custom"_L1) {
            if (auto e = addCustom(t, t.value("name"_L1).toString(), where))
                return e;
        } else if (type == "namespace"_L1) {
            const QString ns = t.value("name"_L1).toString();
            if (ns.isEmpty())
                return invalid(where % u".name"_s, u"expected a non-empty string"_s);
            const QJsonArray children = t.value("tools"_L1).toArray();
            for (qsizetype j = 0; j < children.size(); ++j) {
                const QString w = where % u".tools[%1]"_s.arg(j);
                const QJsonObject c = children.at(j).toObject();
                const QString child = c.value("name"_L1).toString();
                const QString flat = flatToolName(ns, child);
                const QString ctype = c.value("type"_L1).toString();
                std::optional<Error> e;
                if (ctype == "custom"_L1)
                    e = addCustom(c, flat, w);
                else if (ctype == "function"_L1 || ctype.isEmpty())
                    e = addFunction(c, flat, w);
                else
                    continue;
                if (e)
                    return e;
                if (flat != child)
                    table.namespaced.insert(flat, ToolTable::Namespaced{ns, child});
            }
        }
        // Hosted tools (web_search, local_shell, file_search, computer_use, mcp...) are dropped:
        // the upstream cannot run them.
    }
    return std::nullopt;
}

} // namespace

QString flatToolName(const QString &ns, const QString &name)
{
    if (name.startsWith(ns % u"__"_s) || name.startsWith(u"mcp__"_s))
        return name;
    return ns % u"__"_s % name;
}

bool requestHasImages(const QJsonObject &body)
{
    const QJsonArray input = body.value("input"_L1).toArray();
    for (const QJsonValue &v : input) {
        const QJsonObject item = v.toObject();
        for (const char *key : {"content", "output"}) {
            const QJsonValue c = item.value(QLatin1String(key));
            QJsonArray parts = c.toArray();
            if (c.isString() && c.toString().contains(u"input_image"_s))
                parts = QJsonDocument::fromJson(c.toString().toUtf8()).array();
            for (const QJsonValue &p : std::as_const(parts))
                if (p.toObject().value("type"_L1).toString() == "input_image"_L1)
                    return true;
        }
    }
    return false;
}

Result<Translated> toChatRequest(const QJsonObject &body, const RequestOptions &opt)
{
    Translated t;
    QJsonObject &out = t.chat;
    const QJsonValue model = body.value("model"_L1);
    if (!model.isString() || model.toString().isEmpty())
        return invalid(u"model"_s, u"expected a non-empty string"_s);
    out.insert("model"_L1, model);
    for (const char *unsupported : {"background", "conversation", "prompt"}) {
        const QJsonValue v = body.value(QLatin1String(unsupported));
        if (!v.isUndefined() && !v.isNull() && v != QJsonValue(false))
            return invalid(QLatin1String(unsupported), u"not supported by this proxy"_s);
    }
    if (body.contains("stream"_L1)) {
        if (!body.value("stream"_L1).isBool() && !body.value("stream"_L1).isNull())
            return invalid(u"stream"_s, u"expected a boolean"_s);
        out.insert("stream"_L1, body.value("stream"_L1).toBool());
    }

    QJsonArray tools;
    if (auto e = translateTools(body.value("tools"_L1), opt.strictSchema, tools, t.tools))
        return *e;

    MessageBuilder b;
    const QJsonValue instructions = body.value("instructions"_L1);
    if (instructions.isString())
        b.system(instructions.toString());
    else if (!instructions.isUndefined() && !instructions.isNull())
        return invalid(u"instructions"_s, u"expected a string"_s);

    const QJsonValue inputValue = body.value("input"_L1);
    QJsonArray input;
    if (inputValue.isString())
        input.append(QJsonObject{{"role"_L1, "user"_L1}, {"content"_L1, inputValue}});
    else if (inputValue.isArray())
        input = inputValue.toArray();
    else
        return invalid(u"input"_s, u"expected a string or an array of items"_s);

    for (qsizetype i = 0; i < input.size(); ++i) {
        const QString where = u"input[%1]"_s.arg(i);
        if (!input.at(i).isObject())
            return invalid(where, u"expected an object"_s);
        const QJsonObject item = input.at(i).toObject();
        QString type = item.value("type"_L1).toString();
        if (type.isEmpty() && item.contains("role"_L1))
            type = u"message"_s;
        if (type == "message"_L1) {
            const QString role = item.value("role"_L1).toString();
            Content c;
            if (auto e = readContent(item.value("content"_L1), where % u".content"_s, c))
                return *e;
            if (role == "system"_L1 || role == "developer"_L1) {
                if (!b.started()) {
                    b.system(c.text.join(u"\n"_s));
                } else {
                    c.images = {};
                    b.message(QJsonObject{{"role"_L1, "user"_L1}, {"content"_L1, userContent(c)}});
                }
            } else if (role == "user"_L1) {
                b.message(QJsonObject{{"role"_L1, "user"_L1}, {"content"_L1, userContent(c)}});
            } else if (role == "assistant"_L1) {
                b.assistantText(c.text.join(QString()));
            } else {
                return invalid(where % u".role"_s,
                               u"expected one of user, assistant, system, developer"_s);
            }
        } else if (type == "function_call"_L1 || type == "custom_tool_call"_L1) {
            const QJsonValue callId = item.value("call_id"_L1);
            if (!callId.isString() || callId.toString().isEmpty())
                return invalid(where % u".call_id"_s, u"expected a non-empty string"_s);
            const QString name = callName(item);
            if (name.isEmpty())
                return invalid(where % u".name"_s, u"expected a non-empty string"_s);
            QString args;
            if (type == "custom_tool_call"_L1) {
                args = QString::fromUtf8(
                    QJsonDocument(QJsonObject{{"input"_L1, item.value("input"_L1).toString()}})
                        .toJson(QJsonDocument::Compact));
            } else {
                const QJsonValue a = item.value("arguments"_L1);
                args = a.isObject()
                           ? QString::fromUtf8(
                                 QJsonDocument(a.toObject()).toJson(QJsonDocument::Compact))
                           : a.toString();
                if (args.trimmed().isEmpty())
                    args = u"{}"_s;
            }
            b.call(callId.toString(), name, args);
        } else if (type == "function_call_output"_L1 || type == "custom_tool_call_output"_L1) {
            const QJsonValue callId = item.value("call_id"_L1);
            if (!callId.isString() || callId.toString().isEmpty())
                return invalid(where % u".call_id"_s, u"expected a non-empty string"_s);
            Content c;
            if (auto e = readToolOutput(item.value("output"_L1), where % u".output"_s, c))
                return *e;
            if (!b.output(callId.toString(), c)) {
                // No call for it in this history (trimmed by the client): its text as a user note
                // keeps the information without breaking the tool-message order.
                Content note = c;
                note.text.prepend(u"Output of tool call %1:"_s.arg(callId.toString()));
                b.message(QJsonObject{{"role"_L1, "user"_L1}, {"content"_L1, userContent(note)}});
            }
        } else if (type == "item_reference"_L1) {
            return invalid(where % u".id"_s,
                           u"unknown item '%1'"_s.arg(item.value("id"_L1).toString()));
        }
        // reasoning, web_search_call, compaction, local_shell_call and unknown items: dropped.
    }
    const QJsonArray messages = b.finish();
    if (messages.isEmpty())
        return invalid(u"input"_s, u"at least one input item is required"_s);
    out.insert("messages"_L1, messages);

    if (!tools.isEmpty()) {
        out.insert("tools"_L1, tools);
        const QJsonValue choice = body.value("tool_choice"_L1);
        if (choice.isString()) {
            const QString c = choice.toString();
            if (c == "auto"_L1 || c == "none"_L1 || c == "required"_L1)
                out.insert("tool_choice"_L1, c);
        } else if (choice.isObject()) {
            const QJsonObject c = choice.toObject();
            const QString type = c.value("type"_L1).toString();
            QString name = c.value("name"_L1).toString();
            if (!c.value("namespace"_L1).toString().isEmpty())
                name = flatToolName(c.value("namespace"_L1).toString(), name);
            bool known = false;
            for (const QJsonValue &tool : std::as_const(tools))
                known =
                    known ||
                    tool.toObject().value("function"_L1).toObject().value("name"_L1).toString() ==
                        name;
            if ((type == "function"_L1 || type == "custom"_L1) && known)
                out.insert("tool_choice"_L1,
                           QJsonObject{{"type"_L1, "function"_L1},
                                       {"function"_L1, QJsonObject{{"name"_L1, name}}}});
            else
                out.insert("tool_choice"_L1,
                           "auto"_L1); // a dropped (hosted) tool or a mode we lack
        }
        if (body.value("parallel_tool_calls"_L1).isBool())
            out.insert("parallel_tool_calls"_L1, body.value("parallel_tool_calls"_L1));
    }

    const QJsonValue maxOut = body.value("max_output_tokens"_L1);
    if (maxOut.isDouble()) {
        if (maxOut.toDouble() < 1)
            return invalid(u"max_output_tokens"_s, u"expected a positive integer"_s);
        out.insert("max_tokens"_L1, jsonInteger(std::floor(maxOut.toDouble())));
    } else if (!maxOut.isUndefined() && !maxOut.isNull()) {
        return invalid(u"max_output_tokens"_s, u"expected a positive integer"_s);
    }
    for (const char *key : {"temperature", "top_p"}) {
        const QJsonValue v = body.value(QLatin1String(key));
        if (v.isDouble())
            out.insert(QLatin1String(key), v);
        else if (!v.isUndefined() && !v.isNull())
            return invalid(QLatin1String(key), u"expected a number"_s);
    }
    const QJsonObject reasoning = body.value("reasoning"_L1).toObject();
    const QString effort = reasoning.value("effort"_L1).toString();
    if (!effort.isEmpty())
        out.insert("reasoning"_L1,
                   QJsonObject{{"effort"_L1, effort == "minimal"_L1 ? u"none"_s : effort}});
    t.reasoningSummary = reasoning.value("summary"_L1).isString() &&
                         !reasoning.value("summary"_L1).toString().isEmpty();
    const QJsonObject format = body.value("text"_L1).toObject().value("format"_L1).toObject();
    const QString formatType = format.value("type"_L1).toString();
    if (formatType == "json_schema"_L1) {
        QJsonObject schema{{"name"_L1, format.value("name"_L1).toString(u"response"_s)},
                           {"schema"_L1, format.value("schema"_L1)}};
        if (format.value("strict"_L1).isBool())
            schema.insert("strict"_L1, format.value("strict"_L1));
        out.insert("response_format"_L1,
                   QJsonObject{{"type"_L1, "json_schema"_L1}, {"json_schema"_L1, schema}});
    } else if (formatType == "json_object"_L1) {
        out.insert("response_format"_L1, QJsonObject{{"type"_L1, "json_object"_L1}});
    }
    return t;
}

} // namespace qp::responses
