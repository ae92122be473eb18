// The upstream error classifier (upstream/upstreamerror.h, upstream/errorclass.h) on any answer:
// status, Retry-After, Content-Type and body are the four fields of the input (0x1e between).
// Properties:
//   - Retry-After is never negative, whatever the header says: a far-future HTTP date or a
//     number beyond int must not wrap around into a negative wait;
//   - a plain decimal Retry-After that fits is taken as it is, a longer one is clamped;
//   - the Error keeps the upstream status, has a message, and falls into one of the classes;
//   - the in-band stream classifiers accept any text.
#include "fuzzsupport.h"
#include "upstream/errorclass.h"
#include "upstream/upstreamerror.h"

#include <algorithm>
#include <limits>

static void checkError(const qp::Error &e)
{
    QP_FUZZ_CHECK(!e.message.isEmpty());
    QP_FUZZ_CHECK(!e.retryAfterSeconds || *e.retryAfterSeconds >= 0);
    QP_FUZZ_CHECK(!qp::errorClassName(qp::errorClassOf(e)).isEmpty());
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 64 * 1024)
        return 0;
    qp::fuzz::init();
    const auto f = qp::fuzz::fields(data, size, 4);
    bool ok = false;
    int status = f[0].toByteArray().toInt(&ok);
    if (!ok)
        status = f[0].isEmpty() ? 500 : 400 + uchar(f[0][0]) % 200;
    const QByteArray retryAfter = f[1].toByteArray();
    const QByteArray contentType = f[2].toByteArray();
    const QByteArray body = f[3].toByteArray();

    const std::optional<int> wait = qp::parseRetryAfter(retryAfter);
    QP_FUZZ_CHECK(!wait || *wait >= 0);
    // delay-seconds, decided by hand (QByteArray::toInt would stop at a NUL and call
    // "12345\0junk" a number): any run of digits is advice, taken as it is when it fits in an int
    // and clamped, never dropped or wrapped, when it does not.
    const QByteArray trimmed = retryAfter.trimmed();
    const bool digits =
        !trimmed.isEmpty() &&
        std::all_of(trimmed.begin(), trimmed.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (digits) {
        QP_FUZZ_CHECK(wait.has_value());
        const qint64 value = trimmed.size() > 10 ? qint64(1) << 40 : trimmed.toLongLong();
        QP_FUZZ_CHECK(*wait == std::min<qint64>(value, std::numeric_limits<int>::max()));
    }

    const qp::Error e =
        qp::classifyHttpError(status, body, contentType, retryAfter, QStringLiteral("fuzz"));
    checkError(e);
    QP_FUZZ_CHECK(e.upstreamStatus == status);
    QP_FUZZ_CHECK(e.retryAfterSeconds.has_value() == wait.has_value());

    checkError(qp::classifyHttpError(status, body, retryAfter, QStringLiteral("fuzz")));
    const qp::Error inBand =
        qp::classifyStreamError(QString::fromUtf8(body), QString::fromUtf8(contentType));
    QP_FUZZ_CHECK(!qp::errorClassName(qp::errorClassOf(inBand)).isEmpty());
    checkError(qp::classifyAnthropicStreamError(body, QStringLiteral("fuzz")));
    (void)qp::looksLikeHtml(contentType, body);
    return 0;
}
