// Qwen OAuth credentials (auth/qwencredentials.h): the oauth_creds.json file qwen-code writes and
// the token endpoint's answer, from any JSON text. Fields (0x1e between): the file, a token
// answer. Properties:
//   - a file that is accepted writes back (toJson, and toFileBytes as qwen-code's 2-space file)
//     to one that reads as the same credentials;
//   - any number in expiry_date or expires_in gives a defined expiry (no float-to-integer
//     overflow), and a non-negative expires_in never puts the expiry before now;
//   - an accepted token answer has both tokens; the base URL is http(s).
#include "auth/qwencredentials.h"
#include "fuzzsupport.h"

#include <QJsonDocument>

static QJsonObject object(QByteArrayView text)
{
    return QJsonDocument::fromJson(text.toByteArray()).object();
}

static bool same(const qp::QwenCredentials &a, const qp::QwenCredentials &b)
{
    return a.accessToken == b.accessToken && a.refreshToken == b.refreshToken &&
           a.tokenType == b.tokenType && a.resourceUrl == b.resourceUrl && a.idToken == b.idToken &&
           a.expiryDateMs == b.expiryDateMs;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 64 * 1024)
        return 0;
    qp::fuzz::init();
    const auto f = qp::fuzz::fields(data, size, 2);
    const qint64 now = 1'780'000'000'000; // a fixed clock: same input, same run

    const auto file = qp::QwenCredentials::fromJson(object(f[0]));
    if (file) {
        const auto again = qp::QwenCredentials::fromJson(file->toJson());
        QP_FUZZ_CHECK(again && same(again.value(), file.value()));
        const auto fromBytes = qp::QwenCredentials::fromJson(object(file->toFileBytes()));
        QP_FUZZ_CHECK(fromBytes && same(fromBytes.value(), file.value()));
        QP_FUZZ_CHECK(file->toFileBytes().endsWith("}\n"));
        (void)file->isValidAt(now, 30'000);
    }

    const QJsonObject answer = object(f[1]);
    const auto refreshed =
        qp::QwenCredentials::fromTokenResponse(answer, now, file ? &file.value() : nullptr);
    if (refreshed) {
        QP_FUZZ_CHECK(!refreshed->accessToken.isEmpty() && !refreshed->refreshToken.isEmpty());
        if (answer.value(u"expires_in").toDouble(3600) >= 0)
            QP_FUZZ_CHECK(refreshed->expiryDateMs >= now);
        const auto stored = qp::QwenCredentials::fromJson(refreshed->toJson());
        QP_FUZZ_CHECK(stored && same(stored.value(), refreshed.value()));
        const QUrl base =
            qp::qwenApiBaseUrl(refreshed->resourceUrl, QStringLiteral("https://example.com"));
        if (base.isValid())
            QP_FUZZ_CHECK(base.scheme() == u"https" || base.scheme() == u"http");
    }
    return 0;
}
