#include "protocol/anthropicresponse.h"

#include "protocol/anthropiccommon.h"
#include "protocol/jsonrepair.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QStringList>

namespace qp::anthropic {
namespace {

using namespace Qt::StringLiterals;

// Content is normally a string; some OpenAI-compatible servers answer an array of text parts.
QString contentText(const QJsonValue &content)
{
    if (content.isString())
        return content.toString();
    QString text;
    for (const QJsonValue &part : content.toArray()) {
        const QJsonObject p = part.toObject();
        if (p.value("type"_L1).toString() == "text"_L1)
            text += p.value("text"_L1).toString();
    }
    return text;
}

QJsonObject toolInput(const QJsonValue &arguments, const QString &toolName)
{
    if (arguments.isObject()) // some servers send the object itself
        return arguments.toObject();
    if (auto repaired = repairJsonObject(arguments.toString()))
        return *repaired;
    qCWarning(lcAnthropicXlate).noquote()
        << QStringLiteral("tool %1: arguments are not repairable JSON (%2 chars); sending {}")
               .arg(toolName)
               .arg(arguments.toString().size());
    return {};
}

} // namespace

QJsonObject fromOpenAIResponse(const QJsonObject &openai, const QString &clientModel,
                               bool thinkingEnabled)
{
    const QJsonObject choice = openai.value("choices"_L1).toArray().at(0).toObject();
    const QJsonObject message = choice.value("message"_L1).toObject();

    QJsonArray content;
    QString reasoning = message.value("reasoning_content"_L1).toString();
    if (reasoning.isEmpty())
        reasoning = message.value("reasoning"_L1).toString();
    const ThinkSplit split = splitLeakedThinking(contentText(message.value("content"_L1)));
    if (!split.thinking.isEmpty())
        reasoning = reasoning.isEmpty() ? split.thinking : reasoning % u"\n\n"_s % split.thinking;
    if (thinkingEnabled && !reasoning.isEmpty()) {
        content.append(QJsonObject{
            {"type"_L1, "thinking"_L1}, {"thinking"_L1, reasoning}, {"signature"_L1, QString()}});
    }
    if (!split.text.trimmed().isEmpty())
        content.append(QJsonObject{{"type"_L1, "text"_L1}, {"text"_L1, split.text}});

    int toolUses = 0;
    for (const QJsonValue &v : message.value("tool_calls"_L1).toArray()) {
        const QJsonObject call = v.toObject();
        const QJsonObject fn = call.value("function"_L1).toObject();
        const QString name = fn.value("name"_L1).toString();
        if (name.isEmpty()) {
            qCWarning(lcAnthropicXlate) << "dropping a tool call without a name";
            continue;
        }
        QString id = call.value("id"_L1).toString();
        if (id.isEmpty())
            id = randomToolUseId();
        content.append(QJsonObject{{"type"_L1, "tool_use"_L1},
                                   {"id"_L1, id},
                                   {"name"_L1, name},
                                   {"input"_L1, toolInput(fn.value("arguments"_L1), name)}});
        ++toolUses;
    }

    QString stopReason = stopReasonFromFinish(choice.value("finish_reason"_L1).toString());
    if (toolUses > 0 && stopReason == "end_turn"_L1)
        stopReason = u"tool_use"_s;
    if (toolUses == 0 && stopReason == "tool_use"_L1)
        stopReason = u"end_turn"_s; // every call was dropped: nothing for the client to run

    return QJsonObject{
        {"id"_L1, messageIdFrom(openai.value("id"_L1).toString())},
        {"type"_L1, "message"_L1},
        {"role"_L1, "assistant"_L1},
        {"model"_L1, clientModel},
        {"content"_L1, content},
        {"stop_reason"_L1, stopReason},
        {"stop_sequence"_L1, QJsonValue::Null},
        {"usage"_L1, usageToJson(usageFromOpenAI(openai.value("usage"_L1).toObject()))},
    };
}

QJsonObject errorBody(const QString &type, const QString &message)
{
    return QJsonObject{
        {"type"_L1, "error"_L1},
        {"error"_L1, QJsonObject{{"type"_L1, type}, {"message"_L1, message}}},
    };
}

QString errorTypeForStatus(int httpStatus)
{
    switch (httpStatus) {
    case 400:
        return u"invalid_request_error"_s;
    case 401:
        return u"authentication_error"_s;
    case 403:
        return u"permission_error"_s;
    case 404:
        return u"not_found_error"_s;
    case 413:
        return u"request_too_large"_s;
    case 429:
        return u"rate_limit_error"_s;
    case 529:
        return u"overloaded_error"_s;
    default:
        break;
    }
    // Other 4xx have no Anthropic type of their own; the closest is an invalid request.
    if (httpStatus >= 400 && httpStatus < 500)
        return u"invalid_request_error"_s;
    return u"api_error"_s;
}

} // namespace qp::anthropic
