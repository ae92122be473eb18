// The OpenAI chat request as sent upstream (protocol/openaichat.h) and the byte-level edit that
// applies it to the client's own bytes (protocol/jsonbytes.h), on any JSON body. The first input
// byte picks the upstream (and so its quirks). Properties:
//   - validation never crashes; preparing is idempotent: preparing a prepared body changes
//     nothing and says so (changed == false);
//   - `changed` is true exactly when the body differs, and every top-level member that differs
//     is in touchedKeys;
//   - editing the client's bytes with withTopLevelMembers (what the relay sends) parses to the
//     prepared body, and compactJson writes the bytes QJsonDocument would.
#include "fuzzsupport.h"
#include "protocol/jsonbytes.h"
#include "protocol/openaichat.h"
#include "upstream/upstream.h"

#include <QJsonDocument>
#include <QSet>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0 || size > 64 * 1024)
        return 0;
    qp::fuzz::init();
    const uint8_t pick = data[0];
    const QByteArray bytes(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &err);
    if (!doc.isObject())
        return 0;
    const QJsonObject body = doc.object();
    (void)qp::validateChatRequest(body);
    (void)qp::clientWantsUsage(body);
    (void)qp::chatRequestHasImages(body);

    // The upstream: its kind (low two bits) and model decide the quirks, as for a real request;
    // bit 2 gives the model an output cap.
    qp::Upstream upstream;
    switch (pick & 3) {
    case 0:
        upstream.auth = qp::Upstream::Auth::QwenOAuth;
        break;
    case 1:
        upstream.auth = qp::Upstream::Auth::ApiKey;
        upstream.qwenQuirks = true;
        break;
    case 2:
        upstream.auth = qp::Upstream::Auth::ApiKey;
        break;
    default:
        upstream.auth = qp::Upstream::Auth::ApiKey;
        upstream.strictFields = true;
    }
    qp::ChatPrepareOptions options;
    options.upstreamModel =
        (pick & 8) ? QStringLiteral("qwen3.8-max-preview") : body.value(u"model").toString();
    options.quirks = qp::quirksFor(upstream, options.upstreamModel);
    if (pick & 4)
        options.quirks.maxTokensCap = 8192;

    bool changed = false;
    QStringList touched;
    const QJsonObject prepared = qp::prepareChatBody(body, options, &changed, &touched);
    QP_FUZZ_CHECK(changed == (prepared != body));
    QSet<QString> keys;
    for (const QString &k : body.keys() + prepared.keys())
        keys.insert(k);
    for (const QString &k : keys)
        if (body.value(k) != prepared.value(k))
            QP_FUZZ_CHECK(touched.contains(k));

    bool again = true;
    QStringList touchedAgain;
    QP_FUZZ_CHECK(qp::prepareChatBody(prepared, options, &again, &touchedAgain) == prepared);
    QP_FUZZ_CHECK(!again && touchedAgain.isEmpty());

    if (const auto edited = qp::withTopLevelMembers(bytes, prepared, touched)) {
        const QJsonDocument sent = QJsonDocument::fromJson(*edited, &err);
        QP_FUZZ_CHECK(err.error == QJsonParseError::NoError && sent.isObject());
        QP_FUZZ_CHECK(sent.object() == prepared);
    }
    QP_FUZZ_CHECK(qp::compactJson(prepared) ==
                  QJsonDocument(prepared).toJson(QJsonDocument::Compact));
    return 0;
}
