// The OpenAI chunk -> Anthropic event stream translator (protocol/anthropicstream.h), driven the
// way the relay drives it, on any upstream event stream. The input after the first byte is the
// upstream's SSE body; the first byte says whether thinking is on and how the stream ends (its
// [DONE], an EOF after a finish_reason, or a mid-stream failure). Property: whatever the upstream
// sends, the client gets a stream the strict checker (protocol/anthropicstreamchecker.h) accepts:
// one message_start, well-nested blocks, tool input that is a complete JSON object, one
// message_delta and message_stop, or a clean error ending. And nothing after the end.
#include "fuzzsupport.h"
#include "protocol/anthropicstream.h"
#include "protocol/anthropicstreamchecker.h"
#include "upstream/ssesplitter.h"

#include <QJsonDocument>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0 || size > 64 * 1024)
        return 0;
    qp::fuzz::init();
    const uint8_t flags = data[0];
    const QByteArrayView upstream(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));

    qp::anthropic::StreamTranslator t(QStringLiteral("claude-sonnet-4"), flags & 1, 42);
    QByteArray sse = t.begin();
    qp::SseSplitter splitter;
    QList<QByteArray> events = splitter.feed(upstream);
    events += splitter.flush();
    bool done = false;
    for (const QByteArray &event : events) {
        if (event == "[DONE]") {
            sse += t.finish();
            done = true;
            break;
        }
        const QJsonDocument doc = QJsonDocument::fromJson(event);
        if (!doc.isObject())
            continue; // the relay skips what is not JSON
        sse += t.onChunk(doc.object());
        if (t.error()) {
            done = true; // an in-band error chunk ended the stream
            break;
        }
    }
    if (!done) {
        if ((flags & 2) || t.stopReason().isEmpty())
            sse += t.fail(qp::Error::make(qp::Error::Kind::UpstreamUnavailable,
                                          QStringLiteral("upstream closed the stream")));
        else
            sse += t.finish();
    }
    QP_FUZZ_CHECK(t.finished());
    QP_FUZZ_CHECK(t.onChunk(QJsonObject{{QStringLiteral("choices"), QJsonValue()}}).isEmpty());
    QP_FUZZ_CHECK(t.finish().isEmpty() && t.ping().isEmpty());

    const QStringList problems = qp::anthropic::checkAnthropicStream(sse);
    if (!problems.isEmpty()) {
        std::fprintf(stderr, "%s\n---\n%s\n", qPrintable(problems.join(u'\n')), sse.constData());
        QP_FUZZ_CHECK(problems.isEmpty());
    }
    (void)qp::anthropic::accumulateAnthropicStream(sse);
    const qp::anthropic::MessageUsage usage = t.usage();
    QP_FUZZ_CHECK(usage.inputTokens >= 0);
    return 0;
}
