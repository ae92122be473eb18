// The Qwen tokenizer (tokenizer/qwentokenizer.h) on any bytes. The first input byte says how the
// rest becomes text: as UTF-8 (invalid sequences become U+FFFD, as for a request body) or as raw
// UTF-16 code units (lone surrogates, which QString can hold and JSON \ud800 escapes produce).
// Properties:
//   - count() is the length of encode(), and every id is inside the vocabulary;
//   - for text decoded from UTF-8, decoding the ids gives the text back up to Unicode NFC (the
//     tokenizer normalizes what it reads, as Hugging Face's does).
#include "fuzzsupport.h"
#include "tokenizer/qwentokenizer.h"

#include <cstring>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0 || size > 16 * 1024)
        return 0;
    qp::fuzz::init();
    const qp::QwenTokenizer &tok = qp::QwenTokenizer::shared();
    QP_FUZZ_CHECK(tok.loaded());
    const bool utf16 = data[0] & 1;
    const char *rest = reinterpret_cast<const char *>(data + 1);
    const qsizetype n = qsizetype(size - 1);
    QString copy;
    if (utf16) {
        // Copied, not cast: the input bytes need not be aligned for QChar.
        copy = QString(n / 2, Qt::Uninitialized);
        std::memcpy(copy.data(), rest, size_t(n / 2) * 2);
    } else {
        copy = QString::fromUtf8(rest, n);
    }

    const QList<int> ids = tok.encode(copy);
    QP_FUZZ_CHECK(tok.count(copy) == ids.size());
    for (int id : ids)
        QP_FUZZ_CHECK(id >= 0 && id < tok.vocabularySize());
    const QString back = tok.decode(ids);
    if (!utf16)
        QP_FUZZ_CHECK(back.normalized(QString::NormalizationForm_C) ==
                      copy.normalized(QString::NormalizationForm_C));
    return 0;
}
