#include "tokenizer/qwentokenizer.h"

#include <QChar>
#include <QFile>
#include <QHash>
#include <QLoggingCategory>
#include <QMutex>
#include <QMutexLocker>
#include <QThreadPool>
#include <QtEndian>
#include <algorithm>
#include <cstring>
#include <queue>
#include <vector>

// Q_INIT_RESOURCE must be used outside any namespace. qp_core is a static library, so without an
// explicit reference the linker may drop the object that registers core.qrc.
static void qpInitCoreResources()
{
    Q_INIT_RESOURCE(core);
}

namespace qp {

Q_LOGGING_CATEGORY(lcTokenizer, "qp.core.tokenizer")

namespace {

// The Split regex this file implements by hand. make_resource.py refuses any other, and the
// loader checks it again so a regenerated resource cannot silently change the meaning.
const char kExpectedRegex[] = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| "
                              "?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

constexpr quint32 kFlagNfc = 1;
// Words up to this many bytes are remembered; longer ones rarely repeat and would bloat the cache.
constexpr int kMaxCachedWordBytes = 48;
constexpr int kMaxCacheEntries = 32768; // ~4 MB at most

// Character classes the pre-tokenizer regex distinguishes.
enum CharClass : quint8 {
    Other = 0,
    Letter = 1,    // \p{L}
    Number = 2,    // \p{N}
    Space = 4,     // \s
    LineBreak = 8, // [\r\n] (always also Space)
};

// \s is Unicode White_Space, as in the Oniguruma regex Hugging Face's tokenizers use.
// (JavaScript's \s differs on U+0085 and U+FEFF; the test corpus avoids those two.)
bool isWhiteSpace(char32_t c)
{
    return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
           c == 0x205F || c == 0x3000;
}

quint8 classifySlow(char32_t c)
{
    if (isWhiteSpace(c))
        return (c == '\r' || c == '\n') ? (Space | LineBreak) : Space;
    switch (QChar::category(c)) {
    case QChar::Letter_Uppercase:
    case QChar::Letter_Lowercase:
    case QChar::Letter_Titlecase:
    case QChar::Letter_Modifier:
    case QChar::Letter_Other:
        return Letter;
    case QChar::Number_DecimalDigit:
    case QChar::Number_Letter:
    case QChar::Number_Other:
        return Number;
    default:
        return Other;
    }
}

struct AsciiClasses {
    quint8 table[128];
    constexpr AsciiClasses() : table()
    {
        for (int c = 0; c < 128; ++c) {
            quint8 k = Other;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
                k = Letter;
            else if (c >= '0' && c <= '9')
                k = Number;
            else if (c == '\r' || c == '\n')
                k = Space | LineBreak;
            else if ((c >= 0x09 && c <= 0x0D) || c == ' ')
                k = Space;
            table[c] = k;
        }
    }
};
constexpr AsciiClasses kAscii;

inline quint8 classify(char32_t c)
{
    return c < 128 ? kAscii.table[c] : classifySlow(c);
}

// One pre-tokenizer match starting at i (the regex is tried left to right, first alternative that
// matches wins, as in a backtracking engine). Returns the end index; always > i.
int matchPreToken(const std::vector<char32_t> &cp, const std::vector<quint8> &cls, int i)
{
    const int n = int(cp.size());
    const auto lower = [](char32_t c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; };

    // (?i:'s|'t|'re|'ve|'m|'ll|'d)
    if (cp[i] == '\'' && i + 1 < n) {
        const char32_t a = lower(cp[i + 1]);
        if (a == 's' || a == 't' || a == 'm' || a == 'd')
            return i + 2;
        if (i + 2 < n) {
            const char32_t b = lower(cp[i + 2]);
            if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l'))
                return i + 3;
        }
    }
    // [^\r\n\p{L}\p{N}]?\p{L}+
    {
        int j = i;
        if (!(cls[j] & Letter) && !(cls[j] & (LineBreak | Number)) && j + 1 < n &&
            (cls[j + 1] & Letter))
            ++j;
        if (cls[j] & Letter) {
            while (j < n && (cls[j] & Letter))
                ++j;
            return j;
        }
    }
    // \p{N}
    if (cls[i] & Number)
        return i + 1;
    // ' ?[^\s\p{L}\p{N}]+[\r\n]*'
    {
        int j = i;
        if (cp[j] == ' ' && j + 1 < n)
            ++j;
        if (cls[j] == Other) {
            while (j < n && cls[j] == Other)
                ++j;
            while (j < n && (cls[j] & LineBreak))
                ++j;
            return j;
        }
    }
    // Only whitespace is left (every character is Letter, Number, Space or Other).
    int end = i;
    int lastBreak = -1;
    while (end < n && (cls[end] & Space)) {
        if (cls[end] & LineBreak)
            lastBreak = end;
        ++end;
    }
    // \s*[\r\n]+ : greedy \s* backs off to the last line break of the run.
    if (lastBreak >= 0)
        return lastBreak + 1;
    // \s+(?!\S) : the whole run at the end of text, else all but the last whitespace character.
    if (end == n || end - 1 > i)
        return end == n ? end : end - 1;
    // \s+
    return end;
}

// Open-addressing map (left id, right id) -> (merge rank, merged id). A QHash of 151k entries
// costs more to build and to probe than this flat table.
class PairTable
{
public:
    void reserve(int entries)
    {
        int bits = 1;
        while ((1 << bits) < entries + entries / 2) // load factor <= 2/3
            ++bits;
        m_shift = 64 - bits;
        m_mask = (quint64(1) << bits) - 1;
        m_keys.assign(size_t(1) << bits, kEmpty);
        m_values.assign(size_t(1) << bits, 0);
    }
    void insert(quint32 left, quint32 right, quint32 rank, quint32 merged)
    {
        const quint64 key = (quint64(left) << 32) | right;
        quint64 slot = hash(key);
        while (m_keys[slot] != kEmpty) {
            if (m_keys[slot] == key)
                return; // duplicate pair: the first (lowest) rank wins, as in tokenizers
            slot = (slot + 1) & m_mask;
        }
        m_keys[slot] = key;
        m_values[slot] = (quint64(rank) << 32) | merged;
    }
    // Returns false when the pair has no merge.
    bool find(quint32 left, quint32 right, quint32 *rank, quint32 *merged) const
    {
        const quint64 key = (quint64(left) << 32) | right;
        quint64 slot = hash(key);
        for (;;) {
            const quint64 k = m_keys[slot];
            if (k == key) {
                *rank = quint32(m_values[slot] >> 32);
                *merged = quint32(m_values[slot]);
                return true;
            }
            if (k == kEmpty)
                return false;
            slot = (slot + 1) & m_mask;
        }
    }

private:
    static constexpr quint64 kEmpty = ~quint64(0);
    quint64 hash(quint64 key) const { return (key * 0x9E3779B97F4A7C15ull) >> m_shift; }
    std::vector<quint64> m_keys;
    std::vector<quint64> m_values;
    int m_shift = 63;
    quint64 m_mask = 1;
};

struct AddedToken {
    QString text;
    int id = 0;
};

class Reader
{
public:
    explicit Reader(const QByteArray &b) : m_p(b.constData()), m_end(b.constData() + b.size()) {}
    bool ok() const { return m_ok; }
    template <typename T> T num()
    {
        if (m_end - m_p < qsizetype(sizeof(T))) {
            m_ok = false;
            return T{};
        }
        const T v = qFromLittleEndian<T>(m_p);
        m_p += sizeof(T);
        return v;
    }
    const char *bytes(qsizetype n)
    {
        if (n < 0 || m_end - m_p < n) {
            m_ok = false;
            return nullptr;
        }
        const char *p = m_p;
        m_p += n;
        return p;
    }

private:
    const char *m_p;
    const char *m_end;
    bool m_ok = true;
};

} // namespace

struct QwenTokenizer::Data {
    bool loaded = false;
    QString error;
    bool nfc = false;
    QByteArray vocabBytes;          // all token byte strings back to back
    std::vector<quint32> vocabEnds; // end offset of token i in vocabBytes
    quint32 byteToId[256] = {};
    PairTable pairs;
    std::vector<AddedToken> added; // longest first, so a longer token wins at the same position
    int vocabularySize = 0;

    mutable QMutex cacheMutex;
    mutable QHash<QByteArray, QList<int>> cache;

    bool load(const QByteArray &compressed);
    template <typename Sink> void encodeText(QStringView text, Sink &&sink) const;
    template <typename Sink> void encodeSegment(QStringView segment, Sink &sink) const;
    template <typename Sink> void encodeWord(const char *bytes, int len, Sink &sink) const;
    void bpe(const char *bytes, int len, QList<int> &out) const;
};

bool QwenTokenizer::Data::load(const QByteArray &compressed)
{
    // qUncompress() warns on input too short to hold its length header; say it ourselves.
    const QByteArray raw = compressed.size() > 4 ? qUncompress(compressed) : QByteArray();
    if (raw.isEmpty()) {
        error = QStringLiteral("tokenizer data is not qCompress()ed");
        return false;
    }
    Reader r(raw);
    const char *magic = r.bytes(4);
    if (!magic || std::memcmp(magic, "QPTK", 4) != 0 || r.num<quint32>() != 1) {
        error = QStringLiteral("tokenizer data has an unknown format");
        return false;
    }
    const quint32 flags = r.num<quint32>();
    nfc = flags & kFlagNfc;
    const quint16 regexLen = r.num<quint16>();
    const char *regex = r.bytes(regexLen);
    if (!regex || QByteArray(regex, regexLen) != QByteArray(kExpectedRegex)) {
        error = QStringLiteral("tokenizer data uses a pre-tokenizer this build does not implement");
        return false;
    }

    const quint32 vocabCount = r.num<quint32>();
    if (!r.ok() || vocabCount < 256 || vocabCount > 10'000'000) {
        error = QStringLiteral("tokenizer vocabulary is truncated");
        return false;
    }
    vocabEnds.resize(vocabCount);
    vocabBytes.reserve(raw.size());
    std::fill(std::begin(byteToId), std::end(byteToId), quint32(-1));
    for (quint32 id = 0; id < vocabCount; ++id) {
        const quint8 len = r.num<quint8>();
        const char *p = r.bytes(len);
        if (!p)
            break;
        if (len == 1)
            byteToId[quint8(p[0])] = id;
        vocabBytes.append(p, len);
        vocabEnds[id] = quint32(vocabBytes.size());
    }
    if (!r.ok() ||
        std::find(std::begin(byteToId), std::end(byteToId), quint32(-1)) != std::end(byteToId)) {
        error = QStringLiteral("tokenizer vocabulary is truncated or lacks a byte token");
        return false;
    }

    const quint32 mergeCount = r.num<quint32>();
    if (!r.ok() || mergeCount > 10'000'000) {
        error = QStringLiteral("tokenizer merges are truncated");
        return false;
    }
    pairs.reserve(int(mergeCount));
    for (quint32 rank = 0; rank < mergeCount && r.ok(); ++rank) {
        const quint32 left = r.num<quint32>();
        const quint32 right = r.num<quint32>();
        const quint32 merged = r.num<quint32>();
        if (left >= vocabCount || right >= vocabCount || merged >= vocabCount) {
            error = QStringLiteral("tokenizer merge %1 names an unknown token").arg(rank);
            return false;
        }
        pairs.insert(left, right, rank, merged);
    }

    const quint32 addedCount = r.num<quint32>();
    vocabularySize = int(vocabCount);
    for (quint32 i = 0; i < addedCount && r.ok(); ++i) {
        AddedToken t;
        t.id = int(r.num<quint32>());
        r.num<quint8>(); // special flag: both kinds are matched in text alike
        const quint16 len = r.num<quint16>();
        const char *p = r.bytes(len);
        if (!p || len == 0)
            break;
        t.text = QString::fromUtf8(p, len);
        vocabularySize = std::max(vocabularySize, t.id + 1);
        added.push_back(std::move(t));
    }
    if (!r.ok()) {
        error = QStringLiteral("tokenizer added tokens are truncated");
        return false;
    }
    std::stable_sort(added.begin(), added.end(), [](const AddedToken &a, const AddedToken &b) {
        return a.text.size() > b.text.size();
    });
    loaded = true;
    return true;
}

// Byte-level BPE over one pre-token: start from one symbol per byte and repeatedly apply the
// lowest-ranked merge, leftmost first on ties (what tokenizers' Word::merge_all does).
void QwenTokenizer::Data::bpe(const char *bytes, int len, QList<int> &out) const
{
    std::vector<quint32> ids(len);
    for (int i = 0; i < len; ++i)
        ids[i] = byteToId[quint8(bytes[i])];

    if (len <= 64) {
        // Short words: a linear scan for the best pair beats a heap.
        std::vector<quint32> ranks(len > 1 ? len - 1 : 0);
        std::vector<quint32> mergedIds(ranks.size());
        const auto pairAt = [&](int k) {
            quint32 rank, merged;
            if (pairs.find(ids[k], ids[k + 1], &rank, &merged)) {
                ranks[k] = rank;
                mergedIds[k] = merged;
            } else {
                ranks[k] = quint32(-1);
            }
        };
        for (int k = 0; k + 1 < len; ++k)
            pairAt(k);
        while (!ranks.empty()) {
            const auto best = std::min_element(ranks.begin(), ranks.end());
            if (*best == quint32(-1))
                break;
            const int k = int(best - ranks.begin());
            ids[k] = mergedIds[k];
            ids.erase(ids.begin() + k + 1);
            ranks.erase(ranks.begin() + k);
            mergedIds.erase(mergedIds.begin() + k);
            if (k > 0)
                pairAt(k - 1);
            if (k + 1 < int(ids.size()))
                pairAt(k);
        }
        for (quint32 id : ids)
            out.append(int(id));
        return;
    }

    // Long words (runs of spaces, punctuation, base64...): linked symbols and a min-heap keep
    // this O(n log n). Stale heap entries are skipped when popped.
    std::vector<int> prev(len), next(len);
    for (int i = 0; i < len; ++i) {
        prev[i] = i - 1;
        next[i] = i + 1 < len ? i + 1 : -1;
    }
    struct Entry {
        quint32 rank;
        int pos;
        bool operator>(const Entry &o) const
        {
            return rank != o.rank ? rank > o.rank : pos > o.pos;
        }
    };
    std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> heap;
    const auto push = [&](int pos) {
        quint32 rank, merged;
        if (pos >= 0 && next[pos] >= 0 && pairs.find(ids[pos], ids[next[pos]], &rank, &merged))
            heap.push({rank, pos});
    };
    for (int i = 0; i + 1 < len; ++i)
        push(i);
    std::vector<bool> dead(len, false);
    while (!heap.empty()) {
        const Entry e = heap.top();
        heap.pop();
        if (dead[e.pos] || next[e.pos] < 0)
            continue;
        quint32 rank, merged;
        if (!pairs.find(ids[e.pos], ids[next[e.pos]], &rank, &merged) || rank != e.rank)
            continue;
        const int right = next[e.pos];
        ids[e.pos] = merged;
        dead[right] = true;
        next[e.pos] = next[right];
        if (next[right] >= 0)
            prev[next[right]] = e.pos;
        push(prev[e.pos]);
        push(e.pos);
    }
    for (int i = 0; i >= 0; i = next[i])
        out.append(int(ids[i]));
}

template <typename Sink>
void QwenTokenizer::Data::encodeWord(const char *bytes, int len, Sink &sink) const
{
    if (len == 1) {
        const int id = int(byteToId[quint8(bytes[0])]);
        sink(&id, 1);
        return;
    }
    if (len > kMaxCachedWordBytes) {
        QList<int> ids;
        bpe(bytes, len, ids);
        sink(ids.constData(), int(ids.size()));
        return;
    }
    const QByteArray key = QByteArray::fromRawData(bytes, len);
    {
        QMutexLocker lock(&cacheMutex);
        const auto it = cache.constFind(key);
        if (it != cache.constEnd()) {
            const QList<int> ids = *it; // implicitly shared copy; sink outside the lock
            lock.unlock();
            sink(ids.constData(), int(ids.size()));
            return;
        }
    }
    QList<int> ids;
    bpe(bytes, len, ids);
    sink(ids.constData(), int(ids.size()));
    QMutexLocker lock(&cacheMutex);
    if (cache.size() >= kMaxCacheEntries)
        cache.clear(); // crude bound; refilling is cheap
    cache.insert(QByteArray(bytes, len), ids);
}

template <typename Sink>
void QwenTokenizer::Data::encodeSegment(QStringView segment, Sink &sink) const
{
    if (segment.isEmpty())
        return;
    // Text below U+0300 has no combining marks and no singleton decompositions, so it is
    // already NFC; skipping the copy matters for large ASCII prompts.
    QString normalized;
    if (nfc &&
        std::any_of(segment.begin(), segment.end(), [](QChar c) { return c.unicode() >= 0x300; })) {
        normalized = segment.toString().normalized(QString::NormalizationForm_C);
        segment = normalized;
    }

    std::vector<char32_t> cp;
    std::vector<quint8> cls;
    std::vector<int> byteStart; // UTF-8 offset of each code point, plus the end
    QByteArray utf8;
    cp.reserve(segment.size());
    cls.reserve(segment.size());
    byteStart.reserve(segment.size() + 1);
    utf8.reserve(segment.size() * 3);
    const qsizetype n = segment.size();
    for (qsizetype i = 0; i < n; ++i) {
        char32_t c = segment[i].unicode();
        if (QChar::isHighSurrogate(c) && i + 1 < n && segment[i + 1].isLowSurrogate()) {
            c = QChar::surrogateToUcs4(char16_t(c), segment[i + 1].unicode());
            ++i;
        } else if (QChar::isSurrogate(c)) {
            c = 0xFFFD; // a lone surrogate cannot be UTF-8 encoded; TextEncoder does the same
        }
        cp.push_back(c);
        cls.push_back(classify(c));
        byteStart.push_back(int(utf8.size()));
        if (c < 0x80) {
            utf8.append(char(c));
        } else if (c < 0x800) {
            utf8.append(char(0xC0 | (c >> 6)));
            utf8.append(char(0x80 | (c & 0x3F)));
        } else if (c < 0x10000) {
            utf8.append(char(0xE0 | (c >> 12)));
            utf8.append(char(0x80 | ((c >> 6) & 0x3F)));
            utf8.append(char(0x80 | (c & 0x3F)));
        } else {
            utf8.append(char(0xF0 | (c >> 18)));
            utf8.append(char(0x80 | ((c >> 12) & 0x3F)));
            utf8.append(char(0x80 | ((c >> 6) & 0x3F)));
            utf8.append(char(0x80 | (c & 0x3F)));
        }
    }
    byteStart.push_back(int(utf8.size()));

    const int count = int(cp.size());
    for (int i = 0; i < count;) {
        const int end = matchPreToken(cp, cls, i);
        encodeWord(utf8.constData() + byteStart[i], byteStart[end] - byteStart[i], sink);
        i = end;
    }
}

template <typename Sink> void QwenTokenizer::Data::encodeText(QStringView text, Sink &&sink) const
{
    // Added tokens are cut out before normalisation, so they are matched on the raw text.
    qsizetype segmentStart = 0;
    const qsizetype n = text.size();
    for (qsizetype i = 0; i < n; ++i) {
        if (text[i] != u'<')
            continue;
        const QStringView rest = text.mid(i);
        for (const AddedToken &t : added) {
            if (rest.startsWith(t.text)) {
                encodeSegment(text.mid(segmentStart, i - segmentStart), sink);
                sink(&t.id, 1);
                i += t.text.size() - 1;
                segmentStart = i + 1;
                break;
            }
        }
    }
    encodeSegment(text.mid(segmentStart), sink);
}

QwenTokenizer &QwenTokenizer::shared()
{
    static QwenTokenizer instance([] {
        qpInitCoreResources();
        QFile f(QStringLiteral(":/qp/tokenizer/qwen3.bin"));
        if (!f.open(QIODevice::ReadOnly)) {
            qCWarning(lcTokenizer) << "tokenizer resource missing; counts will be estimates";
            return QByteArray();
        }
        return f.readAll();
    }());
    return instance;
}

void QwenTokenizer::preloadInBackground()
{
    QThreadPool::globalInstance()->start([] { shared(); });
}

QwenTokenizer::QwenTokenizer(const QByteArray &compressedData) : d(std::make_unique<Data>())
{
    if (!d->load(compressedData)) {
        qCWarning(lcTokenizer) << "tokenizer not loaded:" << d->error;
        const QString error = d->error;
        d = std::make_unique<Data>(); // drop whatever was half read
        d->error = error;
    }
}

QwenTokenizer::~QwenTokenizer() = default;

bool QwenTokenizer::loaded() const
{
    return d->loaded;
}

QString QwenTokenizer::errorString() const
{
    return d->error;
}

int QwenTokenizer::count(QStringView text) const
{
    if (!d->loaded) {
        const qsizetype bytes = text.toUtf8().size();
        return int((bytes + 3) / 4);
    }
    qsizetype total = 0;
    d->encodeText(text, [&total](const int *, int n) { total += n; });
    return int(total);
}

QList<int> QwenTokenizer::encode(QStringView text) const
{
    QList<int> out;
    if (!d->loaded)
        return out;
    out.reserve(text.size() / 3);
    d->encodeText(text, [&out](const int *ids, int n) {
        for (int i = 0; i < n; ++i)
            out.append(ids[i]);
    });
    return out;
}

QString QwenTokenizer::decode(const QList<int> &ids) const
{
    QByteArray bytes;
    for (int id : ids) {
        if (id >= 0 && size_t(id) < d->vocabEnds.size()) {
            const quint32 begin = id == 0 ? 0 : d->vocabEnds[id - 1];
            bytes.append(d->vocabBytes.constData() + begin, d->vocabEnds[id] - begin);
            continue;
        }
        for (const AddedToken &t : d->added) {
            if (t.id == id) {
                bytes.append(t.text.toUtf8());
                break;
            }
        }
    }
    return QString::fromUtf8(bytes);
}

int QwenTokenizer::vocabularySize() const
{
    return d->vocabularySize;
}

} // namespace qp
