#include "protocol/anthropicrequest.h"

#include "common/jsoninteger.h"
#include "protocol/anthropiccommon.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QStringList>
#include <cmath>

namespace qp::anthropic {
namespace {

using namespace Qt::StringLiterals;

Error invalid(const QString &path, const QString &message)
{
    return Error::make(Error::Kind::InvalidRequest, path % u": "_s % message);
}

QString jsonTypeName(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Null:
        return u"null"_s;
    case QJsonValue::Bool:
        return u"boolean"_s;
    case QJsonValue::Double:
        return u"number"_s;
    case QJsonValue::String:
        return u"string"_s;
    case QJsonValue::Array:
        return u"array"_s;
    case QJsonValue::Object:
        return u"object"_s;
    case QJsonValue::Undefined:
        break;
    }
    return u"missing"_s;
}

Error wrongType(const QString &path, const QString &expected, const QJsonValue &v)
{
    return invalid(path, u"expected "_s % expected % u", got "_s % jsonTypeName(v));
}

QString compact(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

// --- schema cleaning (§D.2) -------------------------------------------------------------------

QJsonValue cleanSchemaValue(const QJsonValue &v, bool strict);

QJsonObject cleanSchemaObject(const QJsonObject &in, bool strict)
{
    QJsonObject out;
    for (auto it = in.constBegin(); it != in.constEnd(); ++it) {
        const QString key = it.key();
        const QJsonValue value = it.value();
        if (key == "$schema"_L1)
            continue;
        if (key == "format"_L1) {
            const QString fmt = value.toString();
            if (fmt == "uri"_L1)
                continue;
            if (strict && fmt != "date-time"_L1 && fmt != "enum"_L1)
                continue;
        }
        if (strict && (key == "additionalProperties"_L1 || key == "default"_L1 ||
                       key == "examples"_L1 || key == "title"_L1 || key == "$id"_L1))
            continue;
        // Keys whose values are maps from names to schemas; the names themselves (a property
        // called "title", say) must survive.
        if ((key == "properties"_L1 || key == "$defs"_L1 || key == "definitions"_L1 ||
             key == "patternProperties"_L1) &&
            value.isObject()) {
            QJsonObject map;
            const QJsonObject src = value.toObject();
            for (auto p = src.constBegin(); p != src.constEnd(); ++p)
                map.insert(p.key(), cleanSchemaValue(p.value(), strict));
            out.insert(key, map);
            continue;
        }
        if (key == "items"_L1 || key == "additionalProperties"_L1 || key == "anyOf"_L1 ||
            key == "allOf"_L1 || key == "oneOf"_L1 || key == "not"_L1 || key == "prefixItems"_L1 ||
            key == "if"_L1 || key == "then"_L1 || key == "else"_L1) {
            out.insert(key, cleanSchemaValue(value, strict));
            continue;
        }
        out.insert(key, value);
    }
    return out;
}

QJsonValue cleanSchemaValue(const QJsonValue &v, bool strict)
{
    if (v.isObject())
        return cleanSchemaObject(v.toObject(), strict);
    if (v.isArray()) {
        QJsonArray out;
        for (const QJsonValue &item : v.toArray())
            out.append(cleanSchemaValue(item, strict));
        return out;
    }
    return v;
}

// --- content blocks -----------------------------------------------------------------------------

// Known block types. The two server-tool ones can appear in a history that came from the real
// API (Claude Code resuming a session); they have no OpenAI equivalent and are dropped.
bool isKnownBlockType(const QString &t)
{
    static const QStringList known = {
        u"text"_s,
        u"image"_s,
        u"tool_use"_s,
        u"tool_result"_s,
        u"thinking"_s,
        u"redacted_thinking"_s,
        u"document"_s,
        u"search_result"_s,
        u"server_tool_use"_s,
        u"web_search_tool_result"_s,
    };
    return known.contains(t);
}

// Returns an image_url part, or an empty object when the source kind has no OpenAI form.
Result<QJsonObject> imagePart(const QJsonObject &block, const QString &path)
{
    const QJsonValue srcValue = block.value("source"_L1);
    if (!srcValue.isObject())
        return wrongType(path % u".source"_s, u"object"_s, srcValue);
    const QJsonObject src = srcValue.toObject();
    const QString kind = src.value("type"_L1).toString();
    QString url;
    if (kind == "base64"_L1) {
        const QJsonValue media = src.value("media_type"_L1);
        const QJsonValue data = src.value("data"_L1);
        if (!media.isString())
            return wrongType(path % u".source.media_type"_s, u"string"_s, media);
        if (!data.isString())
            return wrongType(path % u".source.data"_s, u"string"_s, data);
        url = u"data:"_s % media.toString() % u";base64,"_s % data.toString();
    } else if (kind == "url"_L1) {
        const QJsonValue u = src.value("url"_L1);
        if (!u.isString())
            return wrongType(path % u".source.url"_s, u"string"_s, u);
        url = u.toString();
    } else {
        qCWarning(lcAnthropicXlate) << "dropping image with unsupported source type" << kind;
        return QJsonObject{};
    }
    return QJsonObject{{"type"_L1, "image_url"_L1}, {"image_url"_L1, QJsonObject{{"url"_L1, url}}}};
}

// A document's text, when it has one (plain-text or content sources); PDFs have no text form.
QString documentText(const QJsonObject &block)
{
    const QJsonObject src = block.value("source"_L1).toObject();
    const QString kind = src.value("type"_L1).toString();
    QString text;
    if (kind == "text"_L1) {
        text = src.value("data"_L1).toString();
    } else if (kind == "content"_L1) {
        const QJsonValue content = src.value("content"_L1);
        if (content.isString()) {
            text = content.toString();
        } else {
            QStringList parts;
            for (const QJsonValue &b : content.toArray()) {
                if (b.toObject().value("type"_L1).toString() == "text"_L1)
                    parts << b.toObject().value("text"_L1).toString();
            }
            text = parts.join(u"\n"_s);
        }
    } else {
        qCWarning(lcAnthropicXlate) << "dropping document with source type" << kind;
        return {};
    }
    const QString title = block.value("title"_L1).toString();
    if (!title.isEmpty() && !text.isEmpty())
        text = title % u"\n\n"_s % text;
    return text;
}

QString searchResultText(const QJsonObject &block)
{
    QStringList parts;
    const QString title = block.value("title"_L1).toString();
    if (!title.isEmpty())
        parts << title;
    for (const QJsonValue &b : block.value("content"_L1).toArray()) {
        if (b.toObject().value("type"_L1).toString() == "text"_L1)
            parts << b.toObject().value("text"_L1).toString();
    }
    return parts.join(u"\n"_s);
}

// Validates that a block is an object with a known string type; returns that type.
Result<QString> blockType(const QJsonValue &v, const QString &path)
{
    if (!v.isObject())
        return wrongType(path, u"object"_s, v);
    const QJsonValue t = v.toObject().value("type"_L1);
    if (!t.isString())
        return wrongType(path % u".type"_s, u"string"_s, t);
    if (!isKnownBlockType(t.toString()))
        return invalid(path % u".type"_s,
                       u"unknown content block type '"_s % t.toString() % u"'"_s);
    return t.toString();
}

Result<QString> textOf(const QJsonObject &block, const QString &path)
{
    const QJsonValue text = block.value("text"_L1);
    if (!text.isString())
        return wrongType(path % u".text"_s, u"string"_s, text);
    return text.toString();
}

struct ToolResultOut {
    QString text;
    QJsonArray images;
};

Result<ToolResultOut> toolResultContent(const QJsonObject &block, const QString &path)
{
    ToolResultOut out;
    const QJsonValue content = block.value("content"_L1);
    if (content.isString()) {
        out.text = content.toString();
    } else if (content.isArray()) {
        QStringList texts;
        const QJsonArray arr = content.toArray();
        for (qsizetype i = 0; i < arr.size(); ++i) {
            const QString p = path % u".content."_s % QString::number(i);
            auto type = blockType(arr.at(i), p);
            if (!type)
                return type.error();
            const QJsonObject b = arr.at(i).toObject();
            if (*type == "text"_L1) {
                auto t = textOf(b, p);
                if (!t)
                    return t.error();
                texts << *t;
            } else if (*type == "image"_L1) {
                auto img = imagePart(b, p);
                if (!img)
                    return img.error();
                if (!img->isEmpty())
                    out.images.append(*img);
            } else if (*type == "document"_L1) {
                texts << documentText(b);
            } else if (*type == "search_result"_L1) {
                texts << searchResultText(b);
            } else {
                return invalid(p % u".type"_s,
                               u"'"_s % *type %
                                   u"' blocks are not allowed in tool_result content"_s);
            }
        }
        texts.removeAll(QString());
        out.text = texts.join(u"\n"_s);
    } else if (!content.isUndefined() && !content.isNull()) {
        return wrongType(path % u".content"_s, u"string or array"_s, content);
    }
    if (block.value("is_error"_L1).toBool())
        out.text = u"Error: "_s % out.text;
    return out;
}

// A user turn: tool results first (as tool messages), then images that came with them, then the
// rest of the turn as one user message.
std::optional<Error> translateUser(const QJsonArray &blocks, const QString &path,
                                   QJsonArray &messages)
{
    QJsonArray parts;
    QJsonArray toolImages;
    bool onlyText = true;
    for (qsizetype i = 0; i < blocks.size(); ++i) {
        const QString p = path % u"."_s % QString::number(i);
        auto type = blockType(blocks.at(i), p);
        if (!type)
            return type.error();
        const QJsonObject b = blocks.at(i).toObject();
        const QString &t = *type;
        if (t == "text"_L1) {
            auto text = textOf(b, p);
            if (!text)
                return text.error();
            if (!text->isEmpty())
                parts.append(QJsonObject{{"type"_L1, "text"_L1}, {"text"_L1, *text}});
        } else if (t == "image"_L1) {
            auto img = imagePart(b, p);
            if (!img)
                return img.error();
            if (!img->isEmpty()) {
                parts.append(*img);
                onlyText = false;
            }
        } else if (t == "tool_result"_L1) {
            const QJsonValue id = b.value("tool_use_id"_L1);
            if (!id.isString())
                return wrongType(p % u".tool_use_id"_s, u"string"_s, id);
            auto result = toolResultContent(b, p);
            if (!result)
                return result.error();
            messages.append(QJsonObject{{"role"_L1, "tool"_L1},
                                        {"tool_call_id"_L1, id.toString()},
                                        {"content"_L1, result->text}});
            for (const QJsonValue &img : std::as_const(result->images))
                toolImages.append(img);
        } else if (t == "document"_L1) {
            const QString text = documentText(b);
            if (!text.isEmpty())
                parts.append(QJsonObject{{"type"_L1, "text"_L1}, {"text"_L1, text}});
        } else if (t == "search_result"_L1) {
            const QString text = searchResultText(b);
            if (!text.isEmpty())
                parts.append(QJsonObject{{"type"_L1, "text"_L1}, {"text"_L1, text}});
        } else if (t == "tool_use"_L1) {
            return invalid(p % u".type"_s,
                           u"tool_use blocks are only allowed in assistant messages"_s);
        }
        // thinking, redacted_thinking and server-tool blocks carry nothing for the upstream.
    }
    if (!toolImages.isEmpty())
        messages.append(QJsonObject{{"role"_L1, "user"_L1}, {"content"_L1, toolImages}});
    if (parts.isEmpty())
        return std::nullopt;
    if (onlyText) {
        // Text-only turns go as one string: some Qwen endpoints reject array user content, and
        // Claude Code splits a turn into several text blocks (reminders, then the prompt).
        QStringList texts;
        for (const QJsonValue &part : std::as_const(parts))
            texts << part.toObject().value("text"_L1).toString();
        messages.append(QJsonObject{{"role"_L1, "user"_L1}, {"content"_L1, texts.join(u"\n\n"_s)}});
    } else {
        messages.append(QJsonObject{{"role"_L1, "user"_L1}, {"content"_L1, parts}});
    }
    return std::nullopt;
}

std::optional<Error> translateAssistant(const QJsonArray &blocks, const QString &path,
                                        QJsonArray &messages)
{
    QStringList texts;
    QJsonArray toolCalls;
    for (qsizetype i = 0; i < blocks.size(); ++i) {
        const QString p = path % u"."_s % QString::number(i);
        auto type = blockType(blocks.at(i), p);
        if (!type)
            return type.error();
        const QJsonObject b = blocks.at(i).toObject();
        const QString &t = *type;
        if (t == "text"_L1) {
            auto text = textOf(b, p);
            if (!text)
                return text.error();
            if (!text->isEmpty())
                texts << *text;
        } else if (t == "tool_use"_L1) {
            const QJsonValue id = b.value("id"_L1);
            const QJsonValue name = b.value("name"_L1);
            const QJsonValue input = b.value("input"_L1);
            if (!id.isString())
                return wrongType(p % u".id"_s, u"string"_s, id);
            if (!name.isString())
                return wrongType(p % u".name"_s, u"string"_s, name);
            if (!input.isObject() && !input.isUndefined() && !input.isNull())
                return wrongType(p % u".input"_s, u"object"_s, input);
            toolCalls.append(QJsonObject{
                {"id"_L1, id.toString()},
                {"type"_L1, "function"_L1},
                {"function"_L1, QJsonObject{{"name"_L1, name.toString()},
                                            {"arguments"_L1, compact(input.toObject())}}},
            });
        } else if (t == "tool_result"_L1) {
            return invalid(p % u".type"_s,
                           u"tool_result blocks are only allowed in user messages"_s);
        } else if (t == "image"_L1) {
            return invalid(p % u".type"_s, u"image blocks are only allowed in user messages"_s);
        }
        // thinking/redacted_thinking are dropped: Qwen cannot verify Anthropic signatures and
        // its own reasoning is not replayed. Documents are not valid assistant content either
        // but are harmless to drop.
    }
    if (texts.isEmpty() && toolCalls.isEmpty())
        return std::nullopt; // e.g. a turn that held only thinking: nothing to send
    QJsonObject msg{{"role"_L1, "assistant"_L1}, {"content"_L1, texts.join(u"\n"_s)}};
    if (!toolCalls.isEmpty())
        msg.insert("tool_calls"_L1, toolCalls);
    messages.append(msg);
    return std::nullopt;
}

Result<QString> systemText(const QJsonValue &system)
{
    if (system.isString())
        return system.toString();
    if (!system.isArray())
        return wrongType(u"system"_s, u"string or array"_s, system);
    QStringList texts;
    const QJsonArray arr = system.toArray();
    for (qsizetype i = 0; i < arr.size(); ++i) {
        const QString p = u"system."_s % QString::number(i);
        if (!arr.at(i).isObject())
            return wrongType(p, u"object"_s, arr.at(i));
        const QJsonObject b = arr.at(i).toObject();
        if (b.value("type"_L1).toString() != "text"_L1)
            return invalid(p % u".type"_s, u"system blocks must be of type 'text'"_s);
        auto t = textOf(b, p);
        if (!t)
            return t.error();
        if (!t->isEmpty())
            texts << *t;
    }
    return texts.join(u"\n\n"_s);
}

Result<QJsonArray> translateTools(const QJsonValue &toolsValue, bool strict)
{
    if (!toolsValue.isArray())
        return wrongType(u"tools"_s, u"array"_s, toolsValue);
    QJsonArray out;
    const QJsonArray tools = toolsValue.toArray();
    for (qsizetype i = 0; i < tools.size(); ++i) {
        const QString p = u"tools."_s % QString::number(i);
        if (!tools.at(i).isObject())
            return wrongType(p, u"object"_s, tools.at(i));
        const QJsonObject tool = tools.at(i).toObject();
        const QJsonValue schema = tool.value("input_schema"_L1);
        const QString type = tool.value("type"_L1).toString();
        // Anthropic server tools (web_search_20250305, bash_20250124, ...) run on Anthropic's
        // side; Qwen cannot run them, so they are not offered.
        if (schema.isUndefined() && !type.isEmpty() && type != "custom"_L1)
            continue;
        const QJsonValue name = tool.value("name"_L1);
        if (!name.isString() || name.toString().isEmpty())
            return wrongType(p % u".name"_s, u"non-empty string"_s, name);
        if (name.toString() == "BatchTool"_L1)
            continue;
        QJsonObject parameters = schema.isObject() ? cleanSchemaObject(schema.toObject(), strict)
                                                   : QJsonObject{{"type"_L1, "object"_L1},
                                                                 {"properties"_L1, QJsonObject{}}};
        out.append(QJsonObject{
            {"type"_L1, "function"_L1},
            {"function"_L1, QJsonObject{{"name"_L1, name.toString()},
                                        {"description"_L1, tool.value("description"_L1).toString()},
                                        {"parameters"_L1, parameters}}},
        });
    }
    return out;
}

// Sets tool_choice / parallel_tool_calls on out.
std::optional<Error> translateToolChoice(const QJsonValue &choice, QJsonObject &out)
{
    if (!choice.isObject())
        return wrongType(u"tool_choice"_s, u"object"_s, choice);
    const QJsonObject c = choice.toObject();
    const QString type = c.value("type"_L1).toString();
    if (type == "auto"_L1) {
        out.insert("tool_choice"_L1, "auto"_L1);
    } else if (type == "any"_L1) {
        out.insert("tool_choice"_L1, "required"_L1);
    } else if (type == "none"_L1) {
        out.insert("tool_choice"_L1, "none"_L1);
    } else if (type == "tool"_L1) {
        const QJsonValue name = c.value("name"_L1);
        if (!name.isString() || name.toString().isEmpty())
            return wrongType(u"tool_choice.name"_s, u"non-empty string"_s, name);
        out.insert("tool_choice"_L1,
                   QJsonObject{{"type"_L1, "function"_L1},
                               {"function"_L1, QJsonObject{{"name"_L1, name.toString()}}}});
    } else {
        return invalid(u"tool_choice.type"_s,
                       u"expected one of auto, any, tool, none, got '"_s % type % u"'"_s);
    }
    if (c.value("disable_parallel_tool_use"_L1).toBool())
        out.insert("parallel_tool_calls"_L1, false);
    return std::nullopt;
}

std::optional<Error> translateThinking(const QJsonValue &thinking, QJsonObject &out)
{
    if (!thinking.isObject())
        return wrongType(u"thinking"_s, u"object"_s, thinking);
    const QJsonObject t = thinking.toObject();
    const QString type = t.value("type"_L1).toString();
    if (type == "enabled"_L1) {
        out.insert("enable_thinking"_L1, true);
        const QJsonValue budget = t.value("budget_tokens"_L1);
        if (!budget.isUndefined()) {
            if (!budget.isDouble() || budget.toDouble() != std::floor(budget.toDouble()) ||
                budget.toDouble() < 1)
                return invalid(u"thinking.budget_tokens"_s, u"expected a positive integer"_s);
            out.insert("thinking_budget"_L1, jsonInteger(budget.toDouble()));
        }
    } else if (type == "disabled"_L1) {
        out.insert("enable_thinking"_L1, false);
    } else if (type == "adaptive"_L1 || type == "auto"_L1) {
        out.insert("enable_thinking"_L1, true);
        out.insert("thinking_budget"_L1, 8192);
    } else {
        // Newer clients may send modes we do not know yet; leave the upstream default.
        qCWarning(lcAnthropicXlate) << "ignoring unknown thinking type" << type;
    }
    return std::nullopt;
}

std::optional<Error> copyNumber(const QJsonObject &body, QLatin1String key, QJsonObject &out)
{
    const QJsonValue v = body.value(key);
    if (v.isUndefined() || v.isNull())
        return std::nullopt;
    if (!v.isDouble())
        return wrongType(QString(key), u"number"_s, v);
    out.insert(key, v);
    return std::nullopt;
}

} // namespace

QJsonObject cleanToolSchema(const QJsonObject &schema, bool strict)
{
    return cleanSchemaObject(schema, strict);
}

Result<QJsonObject> toOpenAIRequest(const QJsonObject &body, const RequestOptions &opt)
{
    QJsonObject out;

    const QJsonValue model = body.value("model"_L1);
    if (!model.isString() || model.toString().isEmpty())
        return wrongType(u"model"_s, u"non-empty string"_s, model);
    out.insert("model"_L1, model);

    const QJsonValue maxTokens = body.value("max_tokens"_L1);
    if (!maxTokens.isDouble() || maxTokens.toDouble() != std::floor(maxTokens.toDouble()) ||
        maxTokens.toDouble() < 1)
        return invalid(u"max_tokens"_s, maxTokens.isUndefined() ? u"field required"_s
                                                                : u"expected a positive integer"_s);
    // The caller clamps it to the model's cap; 1e300 only has to arrive as a number.
    out.insert("max_tokens"_L1, jsonInteger(maxTokens.toDouble()));

    const QJsonValue messagesValue = body.value("messages"_L1);
    if (!messagesValue.isArray())
        return wrongType(u"messages"_s, u"array"_s, messagesValue);
    const QJsonArray messagesIn = messagesValue.toArray();
    if (messagesIn.isEmpty())
        return invalid(u"messages"_s, u"at least one message is required"_s);

    QJsonArray messages;
    const QJsonValue system = body.value("system"_L1);
    if (!system.isUndefined() && !system.isNull()) {
        auto text = systemText(system);
        if (!text)
            return text.error();
        if (!text->isEmpty())
            messages.append(QJsonObject{{"role"_L1, "system"_L1}, {"content"_L1, *text}});
    }

    for (qsizetype i = 0; i < messagesIn.size(); ++i) {
        const QString p = u"messages."_s % QString::number(i);
        if (!messagesIn.at(i).isObject())
            return wrongType(p, u"object"_s, messagesIn.at(i));
        const QJsonObject m = messagesIn.at(i).toObject();
        const QString role = m.value("role"_L1).toString();
        if (role == "system"_L1) {
            // Claude Code's mid-conversation system messages (beta mid-conversation-system-*,
            // sent for its default model): forwarded as OpenAI system messages in place. Qwen's
            // chat template renders a system turn anywhere in the conversation.
            const QJsonValue content = m.value("content"_L1);
            QString text;
            if (content.isString()) {
                text = content.toString();
            } else if (content.isArray()) {
                QStringList parts;
                for (const QJsonValue &b : content.toArray())
                    if (b.toObject().value("type"_L1).toString() == "text"_L1)
                        parts.append(b.toObject().value("text"_L1).toString());
                text = parts.join(u"\n\n"_s);
            } else {
                return wrongType(p % u".content"_s, u"string or array"_s, content);
            }
            if (!text.isEmpty())
                messages.append(QJsonObject{{"role"_L1, "system"_L1}, {"content"_L1, text}});
            continue;
        }
        if (role != "user"_L1 && role != "assistant"_L1)
            return invalid(p % u".role"_s, u"expected 'user', 'assistant' or 'system', got '"_s %
                                               m.value("role"_L1).toVariant().toString() % u"'"_s);
        const QJsonValue content = m.value("content"_L1);
        if (content.isString()) {
            messages.append(QJsonObject{{"role"_L1, role}, {"content"_L1, content}});
            continue;
        }
        if (!content.isArray())
            return wrongType(p % u".content"_s, u"string or array"_s, content);
        const QString cp = p % u".content"_s;
        const auto err = role == "user"_L1 ? translateUser(content.toArray(), cp, messages)
                                           : translateAssistant(content.toArray(), cp, messages);
        if (err)
            return *err;
    }
    out.insert("messages"_L1, messages);

    const QJsonValue tools = body.value("tools"_L1);
    if (!tools.isUndefined() && !tools.isNull()) {
        auto translated = translateTools(tools, opt.strictSchema);
        if (!translated)
            return translated.error();
        // Only send tools (and a choice about them) when there are some: providers reject
        // tools: [] and a tool_choice without tools.
        if (!translated->isEmpty()) {
            out.insert("tools"_L1, *translated);
            const QJsonValue choice = body.value("tool_choice"_L1);
            if (!choice.isUndefined() && !choice.isNull()) {
                if (auto err = translateToolChoice(choice, out))
                    return *err;
            }
        }
    }

    const QJsonValue stops = body.value("stop_sequences"_L1);
    if (!stops.isUndefined() && !stops.isNull()) {
        if (!stops.isArray())
            return wrongType(u"stop_sequences"_s, u"array"_s, stops);
        for (qsizetype i = 0; i < stops.toArray().size(); ++i) {
            if (!stops.toArray().at(i).isString())
                return wrongType(u"stop_sequences."_s % QString::number(i), u"string"_s,
                                 stops.toArray().at(i));
        }
        if (!stops.toArray().isEmpty())
            out.insert("stop"_L1, stops);
    }

    for (QLatin1String key : {"temperature"_L1, "top_p"_L1, "top_k"_L1}) {
        if (auto err = copyNumber(body, key, out))
            return *err;
    }

    const QJsonValue thinking = body.value("thinking"_L1);
    if (!thinking.isUndefined() && !thinking.isNull()) {
        if (auto err = translateThinking(thinking, out))
            return *err;
    }

    const QJsonValue stream = body.value("stream"_L1);
    if (!stream.isUndefined() && !stream.isNull()) {
        if (!stream.isBool())
            return wrongType(u"stream"_s, u"boolean"_s, stream);
        out.insert("stream"_L1, stream);
    }
    // metadata, service_tier, container, mcp_servers, context_management: nothing upstream.
    return out;
}

bool requestHasImages(const QJsonObject &anthropicBody)
{
    const QJsonArray messages = anthropicBody.value("messages"_L1).toArray();
    for (const QJsonValue &m : messages) {
        for (const QJsonValue &b : m.toObject().value("content"_L1).toArray()) {
            const QJsonObject block = b.toObject();
            const QString type = block.value("type"_L1).toString();
            if (type == "image"_L1)
                return true;
            if (type == "tool_result"_L1) {
                for (const QJsonValue &inner : block.value("content"_L1).toArray()) {
                    if (inner.toObject().value("type"_L1).toString() == "image"_L1)
                        return true;
                }
            }
        }
    }
    return false;
}

bool thinkingEnabled(const QJsonObject &anthropicBody)
{
    const QString type = anthropicBody.value("thinking"_L1).toObject().value("type"_L1).toString();
    return type == "enabled"_L1 || type == "adaptive"_L1 || type == "auto"_L1;
}

} // namespace qp::anthropic
