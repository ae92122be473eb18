// The SSE splitters (upstream/ssesplitter.h) on any byte stream. Properties:
//   - the same events come out however the stream is cut into pieces (the first input byte picks
//     the cuts): network reads end anywhere, mid-line or between CR and LF;
//   - SseFrameSplitter's frames, concatenated, are the stream byte for byte (relays forward them
//     verbatim);
//   - both splitters agree: the frames that carry data are SseSplitter's events, in order.
#include "fuzzsupport.h"
#include "upstream/ssesplitter.h"

using qp::SseFrame;

static bool sameFrames(const QList<SseFrame> &a, const QList<SseFrame> &b)
{
    if (a.size() != b.size())
        return false;
    for (qsizetype i = 0; i < a.size(); ++i)
        if (a[i].raw != b[i].raw || a[i].event != b[i].event || a[i].data != b[i].data ||
            a[i].hasData != b[i].hasData)
            return false;
    return true;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const uint8_t seed = data[0];
    const QByteArrayView stream(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));

    qp::SseSplitter whole;
    QList<QByteArray> expected = whole.feed(stream);
    expected += whole.flush();
    QP_FUZZ_CHECK(!whole.hasPartial());

    qp::SseFrameSplitter wholeFrames;
    QList<SseFrame> expectedFrames = wholeFrames.feed(stream);
    expectedFrames += wholeFrames.flush();

    qp::SseSplitter cut;
    qp::SseFrameSplitter cutFrames;
    QList<QByteArray> got;
    QList<SseFrame> gotFrames;
    qsizetype at = 0;
    for (qsizetype len : qp::fuzz::pieces(seed, stream.size())) {
        got += cut.feed(stream.sliced(at, len));
        gotFrames += cutFrames.feed(stream.sliced(at, len));
        at += len;
    }
    got += cut.flush();
    gotFrames += cutFrames.flush();

    QP_FUZZ_CHECK(got == expected);
    QP_FUZZ_CHECK(sameFrames(gotFrames, expectedFrames));

    QByteArray joined;
    QList<QByteArray> frameData;
    for (const SseFrame &f : expectedFrames) {
        joined += f.raw;
        if (f.hasData)
            frameData.append(f.data);
    }
    QP_FUZZ_CHECK(joined == stream);
    QP_FUZZ_CHECK(frameData == expected);
    return 0;
}
