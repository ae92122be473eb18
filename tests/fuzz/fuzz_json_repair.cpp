// JSON repair (protocol/jsonrepair.h) on any text, valid UTF-8 or not. Properties:
//   - whatever it returns is an object that survives a second repair unchanged (a fixed point:
//     the repaired arguments a client gets are plain JSON);
//   - a text that already is a JSON object comes back as exactly that object;
//   - blank text is the no-argument call {};
//   - a valid object's text cut short anywhere after its '{' (a model's truncated output) still
//     yields an object: the first input byte picks the cut.
#include "fuzzsupport.h"
#include "protocol/jsonrepair.h"

#include <QJsonDocument>

static std::optional<QJsonObject> strict(const QByteArray &text)
{
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(text, &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    return doc.object();
}

static void checkFixedPoint(const std::optional<QJsonObject> &repaired)
{
    if (!repaired)
        return;
    const QString again = QString::fromUtf8(QJsonDocument(*repaired).toJson());
    const auto second = qp::repairJsonObject(again);
    QP_FUZZ_CHECK(second.has_value());
    QP_FUZZ_CHECK(*second == *repaired);
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0 || size > 64 * 1024)
        return 0;
    qp::fuzz::init();
    const uint8_t cutSeed = data[0];
    const QByteArray bytes(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    const QString text = QString::fromUtf8(bytes);

    const auto repaired = qp::repairJsonObject(text);
    checkFixedPoint(repaired);
    if (text.trimmed().isEmpty())
        QP_FUZZ_CHECK(repaired && repaired->isEmpty());

    const QByteArray utf8 = text.toUtf8();
    if (const auto object = strict(utf8)) {
        QP_FUZZ_CHECK(repaired && *repaired == *object);
        // Truncated: cut the canonical text somewhere after its opening brace.
        const QByteArray canonical = QJsonDocument(*object).toJson(QJsonDocument::Compact);
        const qsizetype cut = 1 + qsizetype(cutSeed) * (canonical.size() - 1) / 255;
        const auto truncated = qp::repairJsonObject(QString::fromUtf8(canonical.left(cut)));
        QP_FUZZ_CHECK(truncated.has_value());
        checkFixedPoint(truncated);
    }
    return 0;
}
