#include "protocol/openaistream.h"

#include "logging/logging.h"
#include "protocol/jsonbytes.h"
#include "protocol/jsonrepair.h"
#include "upstream/upstreamerror.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <cstring>

using namespace Qt::StringLiterals;

namespace qp {

namespace {
// Whether an event can need more than forwarding: a tool call, usage, an error, a finish or a
// leaked end-of-turn marker. It runs for every streamed event. All but the marker are keys, so
// they follow a '"': memchr jumps from quote to quote and the byte after one picks the needle to
// compare; the marker, anywhere in a text, starts with a '<', rare in JSON. (Seven substring
// searches took ~12 % of the CPU in tests/bench; a switch on every byte ~2,700 instructions per
// event, callgrind; this ~5 times less.)
bool needsParse(const QByteArray &d)
{
    const char *p = d.constData();
    const char *const end = p + d.size();
    const auto at = [&](const char *q, QByteArrayView needle) {
        return end - q >= needle.size() && std::memcmp(q, needle.data(), needle.size()) == 0;
    };
    for (const char *q = p; (q = static_cast<const char *>(std::memchr(q, '<', end - q))); ++q)
        if (at(q, "<|im_end|>"))
            return true;
    for (const char *q = p; (q = static_cast<const char *>(std::memchr(q, '"', end - q))); ++q) {
        if (end - q < 2)
            break;
        switch (q[1]) {
        case 't':
            if (at(q, "\"tool_calls"))
                return true;
            break;
        case 'u':
            if (at(q, "\"usage\":{") || at(q, "\"usage\": {"))
                return true;
            break;
        case 'e':
            if (at(q, "\"error"))
                return true;
            break;
        case 'f':
            if (at(q, "\"finish_reason\":\"") || at(q, "\"finish_reason\": \""))
                return true;
            break;
        default:
            break;
        }
    }
    return false;
}

QString randomCallId()
{
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    QString s = u"call_"_s;
    auto *rng = QRandomGenerator::global();
    for (int i = 0; i < 24; ++i)
        s += QLatin1Char(alphabet[rng->bounded(62)]);
    return s;
}

QByteArray compact(const QJsonObject &o)
{
    return compactJson(o);
}
} // namespace

QByteArray OpenAIStreamNormalizer::chunkWith(const QJsonObject &templ, const QJsonObject &delta,
                                             const QJsonValue &finish) const
{
    QJsonObject c = templ;
    c.insert(u"object"_s, u"chat.completion.chunk"_s);
    c.insert(u"choices"_s,
             QJsonArray{
                 QJsonObject{{u"index"_s, 0}, {u"delta"_s, delta}, {u"finish_reason"_s, finish}}});
    return compact(c);
}

QByteArray OpenAIStreamNormalizer::argsChunk(const Call &c, const QString &args) const
{
    return chunkWith(
        m_template,
        QJsonObject{{u"tool_calls"_s, QJsonArray{QJsonObject{
                                          {u"index"_s, c.outIndex},
                                          {u"function"_s, QJsonObject{{u"arguments"_s, args}}}}}}},
        QJsonValue::Null);
}

OpenAIStreamNormalizer::Call *OpenAIStreamNormalizer::newCall(const QString &id, int index)
{
    Call c;
    c.outIndex = int(m_calls.size());
    c.id = id;
    c.idFromUpstream = !id.isEmpty();
    m_calls.append(c);
    const int pos = int(m_calls.size()) - 1;
    m_byUpstreamIndex.insert(index, pos);
    if (!id.isEmpty())
        m_byId.insert(id, pos);
    m_lastCall = pos;
    return &m_calls[pos];
}

OpenAIStreamNormalizer::Call *OpenAIStreamNormalizer::callFor(const QJsonObject &tc,
                                                              const QString &name)
{
    const QString id = tc.value(u"id"_s).toString();
    const bool hasIndex = tc.value(u"index"_s).isDouble();
    const int index = tc.value(u"index"_s).toInt(0);
    if (!id.isEmpty() && m_byId.contains(id)) {
        // Known id: a continuation, or the whole call replayed, whatever index it claims.
        m_lastCall = m_byId.value(id);
        return &m_calls[m_lastCall];
    }
    int pos = -1;
    if (hasIndex && m_byUpstreamIndex.contains(index))
        pos = m_byUpstreamIndex.value(index);
    else if (!hasIndex && m_lastCall >= 0)
        pos = m_lastCall; // no index: continues the last call
    if (pos >= 0) {
        Call &c = m_calls[pos];
        if (id.isEmpty()) {
            // A name on a finished call's index starts a new call (index reuse); without one it
            // is a late fragment or a replay of that call.
            if (c.done && !name.isEmpty())
                return newCall(id, index);
            m_lastCall = pos;
            return &c;
        }
        if (!c.idFromUpstream && !c.done) {
            // The id after the name or the arguments: the call keeps the id the client already
            // has (if any), and the upstream's id finds it from now on.
            if (c.id.isEmpty())
                c.id = id;
            c.idFromUpstream = true;
            m_byId.insert(id, pos);
            m_lastCall = pos;
            return &c;
        }
        // Index reuse: a different id on a taken index is a new call (seen from Qwen).
    }
    return newCall(id, index);
}

void OpenAIStreamNormalizer::appendArgs(Call &c, const QString &args)
{
    if (args.isEmpty())
        return;
    if (c.done || c.closed) {
        // After a complete object nothing may follow: the call replayed in full after its
        // fragments (it must not reach the client twice), or trailing noise. A replay of a call
        // whose fragments did not parse replaces them (the upstream's own whole version).
        if (!c.done) {
            QJsonParseError err{};
            const QJsonDocument doc = QJsonDocument::fromJson(args.toUtf8(), &err);
            if (err.error == QJsonParseError::NoError && doc.isObject())
                c.args = args;
        }
        return;
    }
    c.args += args;
    for (const QChar ch : args) {
        const char16_t u = ch.unicode();
        if (c.inString) {
            if (c.escape)
                c.escape = false;
            else if (u == u'\\')
                c.escape = true;
            else if (u == u'"')
                c.inString = false;
            continue;
        }
        if (u == u'"') {
            c.inString = true;
        } else if (u == u'{' || u == u'[') {
            ++c.depth;
            c.opened = true;
        } else if (u == u'}' || u == u']') {
            --c.depth;
            if (c.opened && c.depth <= 0) {
                c.closed = true;
                break;
            }
        }
    }
}

void OpenAIStreamNormalizer::tryComplete(Call &c, QList<QByteArray> &out)
{
    if (!c.announced || c.done || !c.closed)
        return;
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(c.args.toUtf8(), &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        return; // not JSON as it stands (qwen3-coder's single quotes): repaired at the finish
    c.done = true;
    out.append(argsChunk(c, c.args));
}

void OpenAIStreamNormalizer::handleToolCalls(const QJsonArray &toolCalls, QList<QByteArray> &out)
{
    for (const auto &v : toolCalls) {
        const QJsonObject tc = v.toObject();
        const QJsonObject fn = tc.value(u"function"_s).toObject();
        const QString name = fn.value(u"name"_s).toString();
        const QJsonValue argsV = fn.value(u"arguments"_s);
        const QString args =
            argsV.isObject()
                ? QString::fromUtf8(QJsonDocument(argsV.toObject()).toJson(QJsonDocument::Compact))
                : argsV.toString();
        Call *c = callFor(tc, name);
        if (c->name.isEmpty() && !name.isEmpty())
            c->name = name;
        appendArgs(*c, args);
        if (!c->announced && !c->name.isEmpty()) {
            if (c->id.isEmpty())
                c->id = randomCallId();
            c->announced = true;
            out.append(chunkWith(
                m_template,
                QJsonObject{{u"tool_calls"_s,
                             QJsonArray{QJsonObject{
                                 {u"index"_s, c->outIndex},
                                 {u"id"_s, c->id},
                                 {u"type"_s, u"function"_s},
                                 {u"function"_s,
                                  QJsonObject{{u"name"_s, c->name}, {u"arguments"_s, u""_s}}}}}}},
                QJsonValue::Null));
        }
        tryComplete(*c, out);
        if (m_argumentProgress && c->announced && !c->done && !c->closed &&
            c->args.size() > c->reported) {
            out.append(chunkWith(
                m_template,
                QJsonObject{{u"tool_calls"_s,
                             QJsonArray{QJsonObject{
                                 {u"index"_s, c->outIndex},
                                 {u"progress"_s, true},
                                 {u"function"_s,
                                  QJsonObject{{u"arguments"_s, c->args.mid(c->reported)}}}}}}},
                QJsonValue::Null));
            c->reported = c->args.size();
        }
    }
}

OpenAIStreamNormalizer::Step OpenAIStreamNormalizer::onEvent(const QByteArray &data)
{
    Step step;
    if (data == "[DONE]") {
        step.done = true;
        return step;
    }
    if (!needsParse(data)) {
        if (m_finishSent && data.contains("\"choices\":[{")) {
            // Content after the final finish chunk (duplicate finish streams): drop it.
            return step;
        }
        step.out.append(data);
        return step;
    }
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(data, &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject()) {
        step.out.append(data); // not ours to judge; the client sees what the upstream sent
        return step;
    }
    QJsonObject chunk = doc.object();
    if (chunk.value(u"error"_s).isObject()) {
        const QJsonObject e = chunk.value(u"error"_s).toObject();
        step.error = classifyStreamError(e.value(u"message"_s).toString(),
                                         e.value(u"code"_s).toVariant().toString());
        return step;
    }
    if (m_template.isEmpty()) {
        for (const QString &k : {u"id"_s, u"created"_s, u"model"_s, u"system_fingerprint"_s})
            if (chunk.contains(k))
                m_template.insert(k, chunk.value(k));
    }
    const QJsonValue usageV = chunk.value(u"usage"_s);
    if (usageV.isObject())
        m_usage = Usage::fromOpenAI(usageV.toObject());

    const QJsonArray choices = chunk.value(u"choices"_s).toArray();
    if (choices.isEmpty()) {
        if (usageV.isObject() && m_forwardUsage)
            step.out.append(data);
        return step;
    }
    const QJsonObject choice = choices.first().toObject();
    QJsonObject delta = choice.value(u"delta"_s).toObject();
    const QString finish = choice.value(u"finish_reason"_s).toString();

    if (finish == u"error_finish") {
        // Qwen reports throttling and other failures in-band: error text in delta.content.
        step.error = classifyStreamError(delta.value(u"content"_s).toString(), QString());
        return step;
    }
    if (m_finishSent) {
        // Duplicate finish chunks and anything after them; a usage riding on one still counts.
        if (usageV.isObject() && m_forwardUsage) {
            QJsonObject u = m_template;
            u.insert(u"object"_s, u"chat.completion.chunk"_s);
            u.insert(u"choices"_s, QJsonArray());
            u.insert(u"usage"_s, usageV);
            step.out.append(compact(u));
        }
        return step;
    }

    const QJsonArray toolCalls = delta.value(u"tool_calls"_s).toArray();
    delta.remove(u"tool_calls"_s);
    if (delta.value(u"content"_s).isString()) {
        QString text = delta.value(u"content"_s).toString();
        if (text.contains(u"<|im_end|>"_s)) {
            text.remove(u"<|im_end|>"_s);
            delta.insert(u"content"_s, text);
        }
    }
    // The non-tool part of the chunk (role, content, reasoning) goes first, as it came.
    bool hasOther = toolCalls.isEmpty() && !delta.isEmpty();
    for (auto it = delta.begin(); it != delta.end() && !hasOther; ++it)
        hasOther = it.key() != u"content" || !it.value().toString().isEmpty();
    if (hasOther) {
        QJsonObject out = chunk;
        QJsonObject ch = choice;
        ch.insert(u"delta"_s, delta);
        ch.insert(u"finish_reason"_s, QJsonValue::Null);
        out.insert(u"choices"_s, QJsonArray{ch});
        if (!m_forwardUsage)
            out.remove(u"usage"_s);
        step.out.append(compact(out));
    }
    handleToolCalls(toolCalls, step.out);

    if (!finish.isEmpty()) {
        const auto tail = finishCalls();
        step.out.append(tail);
        QString reason = finish;
        if (!m_calls.isEmpty() && (reason == u"stop" || reason == u"function_call"))
            reason = u"tool_calls"_s;
        m_finishReason = reason;
        m_finishSent = true;
        QJsonObject out = m_template;
        out.insert(u"object"_s, u"chat.completion.chunk"_s);
        out.insert(u"choices"_s, QJsonArray{QJsonObject{{u"index"_s, 0},
                                                        {u"delta"_s, QJsonObject{}},
                                                        {u"finish_reason"_s, reason}}});
        if (usageV.isObject() && m_forwardUsage)
            out.insert(u"usage"_s, usageV);
        step.out.append(compact(out));
    }
    return step;
}

QList<QByteArray> OpenAIStreamNormalizer::finishCalls()
{
    QList<QByteArray> out;
    for (Call &c : m_calls) {
        if (c.done)
            continue;
        if (!c.announced) {
            // Without a name the client cannot run anything; inventing one makes it fail later
            // and less clearly.
            qCWarning(lcRelay) << "dropping a streamed tool call that never received a name";
            c.done = true;
            continue;
        }
        c.done = true;
        QString args = c.args.trimmed();
        if (args.isEmpty()) {
            args = u"{}"_s; // a no-argument tool: clients JSON.parse the arguments, "" would throw
        } else {
            QJsonParseError err{};
            const QJsonDocument doc = QJsonDocument::fromJson(args.toUtf8(), &err);
            if (err.error != QJsonParseError::NoError || !doc.isObject()) {
                const auto repaired = repairJsonObject(args);
                if (!repaired)
                    qCWarning(lcRelay).noquote()
                        << u"tool %1: arguments are not repairable JSON (%2 chars); sending {}"_s
                               .arg(c.name)
                               .arg(args.size());
                args = QString::fromUtf8(
                    QJsonDocument(repaired.value_or(QJsonObject())).toJson(QJsonDocument::Compact));
            }
        }
        out.append(argsChunk(c, args));
    }
    return out;
}

QList<QByteArray> OpenAIStreamNormalizer::finish()
{
    if (m_finishSent)
        return {};
    QList<QByteArray> out = finishCalls();
    if (!m_calls.isEmpty()) {
        // The upstream ended without a finish chunk after tool calls: close them properly.
        m_finishSent = true;
        m_finishReason = u"tool_calls"_s;
        QJsonObject c = m_template;
        c.insert(u"object"_s, u"chat.completion.chunk"_s);
        c.insert(u"choices"_s, QJsonArray{QJsonObject{{u"index"_s, 0},
                                                      {u"delta"_s, QJsonObject{}},
                                                      {u"finish_reason"_s, u"tool_calls"_s}}});
        out.append(compact(c));
    }
    return out;
}

} // namespace qp
