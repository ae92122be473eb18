#include "protocol/jsonrepair.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QList>

namespace qp {
namespace {

std::optional<QJsonObject> strictObject(const QString &text)
{
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &err);
    if (err.error == QJsonParseError::NoError && doc.isObject())
        return doc.object();
    return std::nullopt;
}

// A model sometimes double-encodes: the arguments are a JSON string whose content is the object.
std::optional<QString> decodeJsonString(const QString &text)
{
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray("[" + text.toUtf8() + "]"), &err);
    if (err.error != QJsonParseError::NoError || doc.array().size() != 1 ||
        !doc.array().at(0).isString())
        return std::nullopt;
    return doc.array().at(0).toString();
}

QString stripCodeFence(const QString &s)
{
    if (!s.startsWith(QLatin1String("```")))
        return s;
    qsizetype start = s.indexOf(QLatin1Char('\n'));
    if (start < 0)
        return {};
    qsizetype end = s.lastIndexOf(QLatin1String("```"));
    if (end <= start)
        end = s.size();
    return s.mid(start + 1, end - start - 1).trimmed();
}

bool isOpenQuote(QChar c)
{
    return c == u'"' || c == u'\'' || c == QChar(0x201C) || c == QChar(0x2018);
}

QChar closingQuoteFor(QChar open)
{
    if (open == QChar(0x201C))
        return QChar(0x201D);
    if (open == QChar(0x2018))
        return QChar(0x2019);
    return open;
}

bool isIdentStart(QChar c)
{
    return c.isLetter() || c == u'_' || c == u'$';
}
bool isIdentChar(QChar c)
{
    return c.isLetterOrNumber() || c == u'_' || c == u'$' || c == u'-';
}

void appendEscaped(QString &out, QChar c)
{
    switch (c.unicode()) {
    case '"':
        out += QLatin1String("\\\"");
        break;
    case '\\':
        out += QLatin1String("\\\\");
        break;
    case '\n':
        out += QLatin1String("\\n");
        break;
    case '\r':
        out += QLatin1String("\\r");
        break;
    case '\t':
        out += QLatin1String("\\t");
        break;
    case '\b':
        out += QLatin1String("\\b");
        break;
    case '\f':
        out += QLatin1String("\\f");
        break;
    default:
        if (c.unicode() < 0x20)
            out += QStringLiteral("\\u%1").arg(c.unicode(), 4, 16, QLatin1Char('0'));
        else
            out += c;
    }
}

// Single forward pass that rewrites the input into strict JSON. Each open bracket is a frame that
// remembers what it expects next, so missing or extra separators can be fixed locally.
class Repairer
{
public:
    explicit Repairer(const QString &in) : m_in(in) { m_out.reserve(in.size() + 16); }

    QString run()
    {
        qsizetype i = 0;
        const qsizetype n = m_in.size();
        while (i < n) {
            const QChar c = m_in.at(i);
            if (c.isSpace()) {
                ++i;
                continue;
            }
            if (c == u'/' && i + 1 < n && m_in.at(i + 1) == u'/') {
                while (i < n && m_in.at(i) != u'\n')
                    ++i;
                continue;
            }
            if (c == u'/' && i + 1 < n && m_in.at(i + 1) == u'*') {
                const qsizetype end = m_in.indexOf(QLatin1String("*/"), i + 2);
                i = end < 0 ? n : end + 2;
                continue;
            }
            if (c == u'{' || c == u'[') {
                if (!m_frames.isEmpty() && !beginValue())
                    return {};
                m_out += c;
                m_frames.append(Frame{c == u'{', c == u'{' ? Expect::Key : Expect::Value, 0});
                ++i;
                continue;
            }
            if (c == u'}' || c == u']') {
                ++i;
                if (!closeMatching(c == u'}'))
                    continue; // a stray closer with no matching frame: ignore it
                if (m_frames.isEmpty())
                    return m_out; // the object is complete; trailing prose is ignored
                continue;
            }
            if (m_frames.isEmpty())
                return {}; // only possible for input that is not an object at all
            Frame &f = m_frames.last();
            if (c == u',') {
                if (f.expect == Expect::Colon) {
                    m_out += QLatin1String(":null");
                    f.expect = Expect::Comma;
                }
                if (f.expect == Expect::Comma) {
                    m_out += u',';
                    f.expect = f.isObject ? Expect::Key : Expect::Value;
                }
                ++i; // doubled or leading commas are dropped
                continue;
            }
            if (c == u':' || c == u'=') {
                if (f.isObject && f.expect == Expect::Colon) {
                    m_out += u':';
                    f.expect = Expect::Value;
                }
                ++i;
                continue;
            }
            if (isOpenQuote(c)) {
                i = readString(i);
                continue;
            }
            if (c.isDigit() || c == u'-' || c == u'+' || c == u'.') {
                i = readNumber(i);
                continue;
            }
            i = readBare(i);
        }
        // Truncated input: drop a key that never got its value, close everything still open.
        while (!m_frames.isEmpty())
            closeTop();
        return m_out;
    }

private:
    enum class Expect { Key, Colon, Value, Comma };
    struct Frame {
        bool isObject;
        Expect expect;
        qsizetype keyStart; // offset in m_out where the current key (and its comma) began
    };

    // Called before writing a value; fixes a missing ':' or ','. Returns false for a value where
    // a key belongs, which we cannot repair meaningfully.
    bool beginValue()
    {
        Frame &f = m_frames.last();
        switch (f.expect) {
        case Expect::Key:
            return false;
        case Expect::Colon:
            m_out += u':';
            break;
        case Expect::Comma:
            if (f.isObject)
                return false;
            m_out += u',';
            break;
        case Expect::Value:
            break;
        }
        f.expect = Expect::Comma;
        return true;
    }

    // Called before writing a key; inserts a missing comma.
    void beginKey()
    {
        Frame &f = m_frames.last();
        f.keyStart = m_out.size();
        if (f.expect == Expect::Comma)
            m_out += u',';
        f.expect = Expect::Colon;
    }

    bool atKeyPosition() const
    {
        const Frame &f = m_frames.last();
        return f.isObject && (f.expect == Expect::Key || f.expect == Expect::Comma);
    }

    void writeScalar(const QString &json, bool couldBeKey)
    {
        if (couldBeKey && atKeyPosition()) {
            beginKey();
            if (json.startsWith(u'"'))
                m_out += json;
            else
                m_out += u'"' % json % u'"';
            return;
        }
        if (beginValue())
            m_out += json;
    }

    void closeTop()
    {
        Frame f = m_frames.takeLast();
        if (f.isObject && f.expect == Expect::Colon)
            m_out.truncate(f.keyStart); // a key without a value: drop it
        else if (f.isObject && f.expect == Expect::Value)
            m_out += QLatin1String("null");
        while (m_out.endsWith(u','))
            m_out.chop(1);
        m_out += f.isObject ? u'}' : u']';
    }

    bool closeMatching(bool object)
    {
        bool found = false;
        for (const Frame &f : m_frames)
            found = found || f.isObject == object;
        if (!found)
            return false;
        while (m_frames.last().isObject != object)
            closeTop();
        closeTop();
        return true;
    }

    // A quote closes the string only when what follows could follow a string in JSON; otherwise
    // it is an unescaped quote inside the text.
    bool closesString(qsizetype pos, bool singleQuoted) const
    {
        qsizetype j = pos + 1;
        while (j < m_in.size() && m_in.at(j).isSpace() && m_in.at(j) != u'\n')
            ++j;
        if (j >= m_in.size() || m_in.at(j) == u'\n')
            return true;
        const QChar next = m_in.at(j);
        if (next == u',' || next == u'}' || next == u']' || next == u':')
            return true;
        // Apostrophes inside single-quoted text are common ('it's'); a double quote followed by
        // a number or another string is more likely a closing quote with a separator missing.
        return !singleQuoted && !next.isLetter();
    }

    qsizetype readString(qsizetype i)
    {
        const QChar open = m_in.at(i);
        const QChar close = closingQuoteFor(open);
        QString s = QStringLiteral("\"");
        ++i;
        const qsizetype n = m_in.size();
        while (i < n) {
            const QChar c = m_in.at(i);
            if (c == u'\\' && i + 1 < n) {
                const QChar e = m_in.at(i + 1);
                if (e == u'u' && i + 6 <= n) {
                    bool ok = false;
                    m_in.mid(i + 2, 4).toUShort(&ok, 16);
                    if (ok) {
                        s += m_in.mid(i, 6);
                        i += 6;
                        continue;
                    }
                }
                if (e == u'"' || e == u'\\' || e == u'/' || e == u'b' || e == u'f' || e == u'n' ||
                    e == u'r' || e == u't') {
                    s += c;
                    s += e;
                } else if (e == u'\'') {
                    s += e; // JSON has no \' escape
                } else {
                    s += QLatin1String(
                        "\\\\"); // unknown escape (a Windows path): keep the backslash
                    appendEscaped(s, e);
                }
                i += 2;
                continue;
            }
            if (c == close && closesString(i, open == u'\'' || open == QChar(0x2018))) {
                ++i;
                break;
            }
            appendEscaped(s, c);
            ++i;
        }
        // An unterminated string (truncated output) is closed here.
        s += u'"';
        writeScalar(s, true);
        return i;
    }

    qsizetype readNumber(qsizetype i)
    {
        const qsizetype start = i;
        while (i < m_in.size()) {
            const QChar c = m_in.at(i);
            if (!(c.isDigit() || c == u'-' || c == u'+' || c == u'.' || c == u'e' || c == u'E'))
                break;
            ++i;
        }
        QString num = m_in.mid(start, i - start);
        if (num.startsWith(u'+'))
            num.remove(0, 1);
        if (num.startsWith(u'.'))
            num.prepend(u'0');
        if (num.startsWith(QLatin1String("-.")))
            num.insert(1, u'0');
        if (num.endsWith(u'.') || num.endsWith(u'e') || num.endsWith(u'E') || num.endsWith(u'-'))
            num.append(u'0');
        bool ok = false;
        num.toDouble(&ok);
        if (!ok || num == QLatin1String("-0")) // keep text that only looks numeric as a string
            num = u'"' % m_in.mid(start, i - start) % u'"';
        writeScalar(num, true);
        return i;
    }

    qsizetype readBare(qsizetype i)
    {
        const qsizetype n = m_in.size();
        const QChar first = m_in.at(i);
        if (isIdentStart(first)) {
            qsizetype j = i;
            while (j < n && isIdentChar(m_in.at(j)))
                ++j;
            const QString word = m_in.mid(i, j - i);
            if (atKeyPosition()) {
                writeScalar(u'"' % word % u'"', true);
                return j;
            }
            static const QList<QPair<QLatin1String, QLatin1String>> literals = {
                {QLatin1String("true"), QLatin1String("true")},
                {QLatin1String("True"), QLatin1String("true")},
                {QLatin1String("false"), QLatin1String("false")},
                {QLatin1String("False"), QLatin1String("false")},
                {QLatin1String("null"), QLatin1String("null")},
                {QLatin1String("None"), QLatin1String("null")},
                {QLatin1String("undefined"), QLatin1String("null")},
                {QLatin1String("NaN"), QLatin1String("null")},
                {QLatin1String("Infinity"), QLatin1String("null")},
            };
            for (const auto &[from, to] : literals) {
                if (word == from) {
                    writeScalar(to, false);
                    return j;
                }
            }
        } else if (atKeyPosition()) {
            return i + 1; // punctuation where a key belongs: skip it
        }
        // An unquoted string value: take everything up to the next delimiter on this line.
        qsizetype j = i;
        while (j < n) {
            const QChar c = m_in.at(j);
            if (c == u',' || c == u'}' || c == u']' || c == u'\n')
                break;
            ++j;
        }
        QString s = QStringLiteral("\"");
        for (const QChar c : m_in.mid(i, j - i).trimmed())
            appendEscaped(s, c);
        s += u'"';
        writeScalar(s, false);
        return j;
    }

    const QString &m_in;
    QString m_out;
    QList<Frame> m_frames;
};

std::optional<QJsonObject> repairImpl(const QString &input, int depth)
{
    QString s = input.trimmed();
    if (s.isEmpty())
        return QJsonObject{};
    if (s.startsWith(u'{')) {
        if (auto obj = strictObject(s))
            return obj;
    }
    s = stripCodeFence(s);
    if (s.isEmpty())
        return QJsonObject{};
    if (depth == 0 && (s.startsWith(u'"'))) {
        if (auto inner = decodeJsonString(s))
            return repairImpl(*inner, depth + 1);
    }
    const qsizetype brace = s.indexOf(u'{');
    if (brace < 0)
        return std::nullopt;
    // Leading prose ("Here are the arguments: {...}") is dropped, but an array is not an object.
    if (brace > 0 && s.left(brace).contains(u'['))
        return std::nullopt;
    const QString repaired = Repairer(s.mid(brace)).run();
    if (repaired.isEmpty())
        return std::nullopt;
    return strictObject(repaired);
}

} // namespace

std::optional<QJsonObject> repairJsonObject(const QString &text)
{
    return repairImpl(text, 0);
}

} // namespace qp
