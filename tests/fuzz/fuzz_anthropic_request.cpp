// The Anthropic Messages -> OpenAI chat request translator and the tool-schema cleaner
// (protocol/anthropicrequest.h) on any JSON body. The first input byte picks the options.
// Properties:
//   - the translation either fails with an InvalidRequest naming a field, or yields a request
//     with a model, a positive integer max_tokens and messages that each have a role;
//   - nesting depth stays bounded: the output is at most a few levels deeper than the input
//     (wrapping content in parts), never deeper with the input's size;
//   - the schema cleaner never deepens a schema and is idempotent (cleaning a cleaned schema
//     changes nothing), strict or not;
//   - numbers far outside any token count (1e300) are handled without undefined behaviour.
#include "fuzzsupport.h"
#include "jsondepth.h"
#include "protocol/anthropicrequest.h"
#include "tokenizer/tokencount.h"

#include <QJsonArray>
#include <QJsonDocument>

using qp::fuzz::jsonDepth;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0 || size > 64 * 1024)
        return 0;
    qp::fuzz::init();
    const bool strict = data[0] & 1;
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(
        QByteArray(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1)), &err);
    if (!doc.isObject())
        return 0;
    const QJsonObject body = doc.object();
    const int depth = jsonDepth(body);

    const auto out = qp::anthropic::toOpenAIRequest(body, {strict});
    if (!out) {
        QP_FUZZ_CHECK(out.error().kind == qp::Error::Kind::InvalidRequest);
        QP_FUZZ_CHECK(!out.error().message.isEmpty());
    } else {
        QP_FUZZ_CHECK(out->value(u"model").isString());
        QP_FUZZ_CHECK(out->value(u"max_tokens").toDouble() >= 1);
        const QJsonValue messages = out->value(u"messages");
        QP_FUZZ_CHECK(messages.isArray());
        for (const QJsonValue &m : messages.toArray())
            QP_FUZZ_CHECK(m.isObject() && m.toObject().value(u"role").isString());
        QP_FUZZ_CHECK(jsonDepth(out.value()) <= depth + 3);
    }
    (void)qp::anthropic::requestHasImages(body);
    (void)qp::anthropic::thinkingEnabled(body);

    // Every object in the body, as a schema: the cleaner must be idempotent wherever it starts.
    const QJsonObject schema =
        body.value(u"input_schema").isObject() ? body.value(u"input_schema").toObject() : body;
    for (bool s : {false, true}) {
        const QJsonObject once = qp::anthropic::cleanToolSchema(schema, s);
        QP_FUZZ_CHECK(jsonDepth(once) <= jsonDepth(schema));
        QP_FUZZ_CHECK(qp::anthropic::cleanToolSchema(once, s) == once);
    }

    // The same body through the token counter (count_tokens): any shape, a non-negative count.
    const qp::RenderedPrompt prompt = qp::renderAnthropicPrompt(body);
    QP_FUZZ_CHECK(prompt.images >= 0);
    return 0;
}
