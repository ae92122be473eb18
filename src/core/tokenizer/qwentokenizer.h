#pragma once
// Qwen3's byte-level BPE tokenizer (the one Qwen2/2.5/3 share), used to count prompt tokens for
// the Anthropic count_tokens endpoint and for input-token estimates. It reproduces Hugging Face's
// tokenizer.json pipeline: added tokens split out first, NFC on the rest, the Qwen pre-tokenizer
// regex (hand-coded, see qwentokenizer.cpp), UTF-8 bytes, then BPE merges by rank.
//
// The data (vocabulary, merges, added tokens) comes from resources/tokenizer/qwen3-tokenizer.bin,
// made by tools/tokenizer/make_resource.py, and is loaded on first use of shared().

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringView>
#include <memory>

namespace qp {

class QwenTokenizer
{
public:
    // The process-wide tokenizer built from the compiled-in resource. The first call loads it;
    // concurrent first calls wait for that one load.
    static QwenTokenizer &shared();
    // Starts loading shared() on the global thread pool and returns at once, so that the
    // first count_tokens request does not pay the load (~60-90 ms on the 2-core machine).
    static void preloadInBackground();

    // Builds a tokenizer from qCompress()ed data in the make_resource.py format. On bad data
    // loaded() is false and errorString() says why.
    explicit QwenTokenizer(const QByteArray &compressedData);
    ~QwenTokenizer();
    QwenTokenizer(const QwenTokenizer &) = delete;
    QwenTokenizer &operator=(const QwenTokenizer &) = delete;

    bool loaded() const;
    QString errorString() const;

    // Number of tokens encode() would return. When the data failed to load this is the
    // ceil(UTF-8 bytes / 4) estimate, so callers always get a usable number.
    int count(QStringView text) const;
    // Token ids; added tokens such as <|im_start|>, <|im_end|>, <|endoftext|>, <think> found in
    // the text become their single ids (like the reference with split_special_tokens=false).
    // Empty when the data failed to load.
    QList<int> encode(QStringView text) const;
    // Concatenated token bytes decoded as UTF-8 (invalid sequences become U+FFFD).
    QString decode(const QList<int> &ids) const;
    int vocabularySize() const; // including added tokens

private:
    struct Data;
    std::unique_ptr<Data> d;
};

} // namespace qp
