#include "protocol/jsonbytes.h"

#include <QCborValue>
#include <QJsonArray>
#include <QJsonDocument>
#include <QVarLengthArray>
#include <cstring>

namespace qp {

std::optional<QByteArray> replaceTopLevelString(QByteArrayView json, QByteArrayView key,
                                                const QString &value)
{
    const qsizetype n = json.size();
    qsizetype i = 0;
    const auto skipSpace = [&] {
        while (i < n && (json[i] == ' ' || json[i] == '\t' || json[i] == '\n' || json[i] == '\r'))
            ++i;
    };
    // From the opening quote at p: one past the closing quote, or -1.
    const auto stringEnd = [&](qsizetype p) -> qsizetype {
        for (++p; p < n; ++p) {
            if (json[p] == '\\')
                ++p;
            else if (json[p] == '"')
                return p + 1;
        }
        return -1;
    };
    skipSpace();
    if (i >= n || json[i] != '{')
        return std::nullopt;
    ++i;
    int depth = 1;
    bool expectKey = true;
    while (i < n) {
        const char c = json[i];
        if (c == '"') {
            const qsizetype end = stringEnd(i);
            if (end < 0)
                return std::nullopt;
            if (depth == 1 && expectKey) {
                const QByteArrayView name = json.sliced(i + 1, end - i - 2);
                i = end;
                skipSpace();
                if (i >= n || json[i] != ':')
                    return std::nullopt;
                ++i;
                skipSpace();
                expectKey = false;
                if (name != key)
                    continue;
                if (i >= n || json[i] != '"')
                    return std::nullopt;
                const qsizetype valueEnd = stringEnd(i);
                if (valueEnd < 0)
                    return std::nullopt;
                // ["value"] -> "value": Qt's own string escaping.
                QByteArray encoded =
                    QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
                encoded = encoded.mid(1, encoded.size() - 2);
                QByteArray out;
                out.reserve(n + encoded.size());
                out += json.first(i);
                out += encoded;
                out += json.sliced(valueEnd);
                return out;
            }
            i = end;
            continue;
        }
        if (c == '{' || c == '[') {
            ++depth;
        } else if (c == '}' || c == ']') {
            if (--depth == 0)
                return std::nullopt;
        } else if (c == ',' && depth == 1) {
            expectKey = true;
        }
        ++i;
    }
    return std::nullopt;
}

namespace {

bool isJsonSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// From the opening quote at `p`: one past the closing quote, or -1. memchr finds each candidate
// quote (a prompt is mostly string bytes); an odd run of backslashes before one escapes it.
qsizetype stringEnd(const char *d, qsizetype n, qsizetype p)
{
    for (qsizetype i = p + 1; i < n;) {
        const auto *q = static_cast<const char *>(std::memchr(d + i, '"', size_t(n - i)));
        if (!q)
            return -1;
        const qsizetype at = q - d;
        qsizetype backslashes = 0;
        while (d[at - 1 - backslashes] == '\\') // stops at the opening quote at the latest
            ++backslashes;
        if (backslashes % 2 == 0)
            return at + 1;
        i = at + 1;
    }
    return -1;
}

// One past the end of the value starting at `i` (no leading space), or -1. Strings are skipped
// with their escapes, containers by depth; a scalar ends before the next ',', '}', ']' or space.
// The text is already known to parse: this only finds where things are.
qsizetype valueEnd(QByteArrayView json, qsizetype i)
{
    const char *d = json.data();
    const qsizetype n = json.size();
    if (i >= n)
        return -1;
    int depth = 0;
    while (i < n) {
        const char c = d[i];
        if (c == '"') {
            i = stringEnd(d, n, i);
            if (i < 0)
                return -1;
            if (depth == 0)
                return i;
            continue;
        }
        if (c == '{' || c == '[') {
            ++depth;
        } else if (c == '}' || c == ']') {
            if (depth == 0)
                return i; // the end of a scalar that touches its container's end
            if (--depth == 0)
                return i + 1;
        } else if (depth == 0 && (c == ',' || isJsonSpace(c))) {
            return i;
        }
        ++i;
    }
    return depth == 0 ? n : -1;
}

QByteArray valueBytes(const QJsonValue &v)
{
    QByteArray out;
    switch (v.type()) {
    case QJsonValue::String:
        appendJsonString(out, v.toString());
        return out;
    case QJsonValue::Bool:
        return v.toBool() ? QByteArrayLiteral("true") : QByteArrayLiteral("false");
    case QJsonValue::Null:
        return QByteArrayLiteral("null");
    default: // numbers, objects and arrays as Qt writes them
        out = QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact);
        return out.mid(1, out.size() - 2);
    }
}

} // namespace

std::optional<QByteArray> withTopLevelMembers(QByteArrayView json, const QJsonObject &to,
                                              const QStringList &keys)
{
    QList<QByteArray> wanted;
    wanted.reserve(keys.size());
    for (const QString &k : keys)
        wanted.append(k.toUtf8());
    QList<bool> seen(wanted.size(), false);

    struct Member {
        qsizetype keyStart, valueStart, valueEnd;
        qsizetype wanted; // index in `keys`, or -1
    };
    QVarLengthArray<Member, 16> members;
    const qsizetype n = json.size();
    qsizetype i = 0;
    const auto skipSpace = [&] {
        while (i < n && isJsonSpace(json[i]))
            ++i;
    };
    skipSpace();
    if (i >= n || json[i] != '{')
        return std::nullopt;
    ++i;
    skipSpace();
    qsizetype close = i; // the closing '}'
    if (i < n && json[i] == '}') {
        close = i;
    } else {
        for (;;) {
            if (i >= n || json[i] != '"')
                return std::nullopt;
            const qsizetype keyStart = i;
            qsizetype k = i + 1;
            for (; k < n && json[k] != '"'; ++k)
                if (json[k] == '\\')
                    return std::nullopt; // an escaped name could be one of ours in disguise
            if (k >= n)
                return std::nullopt;
            const qsizetype w = wanted.indexOf(json.sliced(keyStart + 1, k - keyStart - 1));
            if (w >= 0) {
                if (seen[w])
                    return std::nullopt; // a duplicate: which one counts is Qt's business
                seen[w] = true;
            }
            i = k + 1;
            skipSpace();
            if (i >= n || json[i] != ':')
                return std::nullopt;
            ++i;
            skipSpace();
            const qsizetype valueStart = i;
            const qsizetype end = valueEnd(json, valueStart);
            if (end < 0)
                return std::nullopt;
            members.append({keyStart, valueStart, end, w});
            i = end;
            skipSpace();
            if (i < n && json[i] == ',') {
                ++i;
                skipSpace();
                continue;
            }
            if (i >= n || json[i] != '}')
                return std::nullopt;
            close = i;
            break;
        }
    }

    QByteArray out;
    out.reserve(n + 64);
    out += json.first(members.isEmpty() ? close : members.first().keyStart);
    bool any = false;           // a member is written: the next needs a separator
    qsizetype lastWritten = -1; // index of the member written last, if it was the previous one
    for (qsizetype m = 0; m < members.size(); ++m) {
        const Member &mb = members.at(m);
        std::optional<QJsonValue> replacement;
        if (mb.wanted >= 0) {
            const auto it = to.constFind(keys.at(mb.wanted));
            if (it == to.constEnd())
                continue; // removed
            replacement = it.value();
        }
        if (any) {
            // The client's own separator (",\n  ") when the member before is there too.
            if (lastWritten == m - 1)
                out += json.sliced(members.at(m - 1).valueEnd,
                                   mb.keyStart - members.at(m - 1).valueEnd);
            else
                out += ',';
        }
        if (replacement) {
            out += json.sliced(mb.keyStart, mb.valueStart - mb.keyStart); // name, ':', spacing
            out += valueBytes(*replacement);
        } else {
            out += json.sliced(mb.keyStart, mb.valueEnd - mb.keyStart);
        }
        any = true;
        lastWritten = m;
    }
    // Members `json` did not have go last.
    for (qsizetype w = 0; w < wanted.size(); ++w) {
        if (seen[w])
            continue;
        const auto it = to.constFind(keys.at(w));
        if (it == to.constEnd())
            continue;
        if (any)
            out += ',';
        appendJsonString(out, keys.at(w));
        out += ':';
        out += valueBytes(it.value());
        any = true;
    }
    // The client's spacing before its '}' when its last member is still there.
    const bool lastKept = !members.isEmpty() && lastWritten == members.size() - 1;
    out += json.sliced(lastKept ? members.last().valueEnd : close);
    return out;
}

void appendJsonString(QByteArray &out, QStringView text)
{
    static constexpr char hex[] = "0123456789abcdef";
    const qsizetype start = out.size();
    out.resize(start + 6 * text.size() + 2); // the longest form: \uxxxx per UTF-16 unit
    char *o = out.data() + start;
    *o++ = '"';
    const char16_t *p = text.utf16();
    const char16_t *const end = p + text.size();
    const auto escaped = [&o](char16_t u) {
        *o++ = '\\';
        *o++ = 'u';
        *o++ = hex[(u >> 12) & 0xf];
        *o++ = hex[(u >> 8) & 0xf];
        *o++ = hex[(u >> 4) & 0xf];
        *o++ = hex[u & 0xf];
    };
    while (p != end) {
        const char16_t u = *p++;
        if (u < 0x80) {
            if (u >= 0x20 && u != u'"' && u != u'\\') {
                *o++ = char(u);
                continue;
            }
            switch (u) {
            case u'"':
                *o++ = '\\';
                *o++ = '"';
                break;
            case u'\\':
                *o++ = '\\';
                *o++ = '\\';
                break;
            case u'\b':
                *o++ = '\\';
                *o++ = 'b';
                break;
            case u'\f':
                *o++ = '\\';
                *o++ = 'f';
                break;
            case u'\n':
                *o++ = '\\';
                *o++ = 'n';
                break;
            case u'\r':
                *o++ = '\\';
                *o++ = 'r';
                break;
            case u'\t':
                *o++ = '\\';
                *o++ = 't';
                break;
            default:
                escaped(u);
                break;
            }
        } else if (u < 0x800) {
            *o++ = char(0xc0 | (u >> 6));
            *o++ = char(0x80 | (u & 0x3f));
        } else if (!QChar::isSurrogate(u)) {
            *o++ = char(0xe0 | (u >> 12));
            *o++ = char(0x80 | ((u >> 6) & 0x3f));
            *o++ = char(0x80 | (u & 0x3f));
        } else if (QChar::isHighSurrogate(u) && p != end && QChar::isLowSurrogate(*p)) {
            const char32_t c = QChar::surrogateToUcs4(u, *p++);
            *o++ = char(0xf0 | (c >> 18));
            *o++ = char(0x80 | ((c >> 12) & 0x3f));
            *o++ = char(0x80 | ((c >> 6) & 0x3f));
            *o++ = char(0x80 | (c & 0x3f));
        } else {
            escaped(u); // not valid UTF-16: no UTF-8 for it
        }
    }
    *o++ = '"';
    out.truncate(o - out.constData());
}

void appendCompactJson(QByteArray &out, const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        out += "null";
        return;
    case QJsonValue::Bool:
        out += value.toBool() ? "true" : "false";
        return;
    case QJsonValue::Double: {
        // As Qt's writer: an integer as its digits, a double in its shortest form, and null
        // for what JSON cannot spell (RFC 8259 §6).
        const QCborValue number = QCborValue::fromJsonValue(value);
        if (number.isInteger()) {
            out += QByteArray::number(number.toInteger());
        } else {
            const double d = value.toDouble();
            if (qIsFinite(d))
                out += QByteArray::number(d, 'g', QLocale::FloatingPointShortest);
            else
                out += "null";
        }
        return;
    }
    case QJsonValue::String:
        appendJsonString(out, value.toString());
        return;
    case QJsonValue::Array: {
        out += '[';
        const QJsonArray array = value.toArray();
        bool first = true;
        for (const QJsonValue &v : array) {
            if (!first)
                out += ',';
            first = false;
            appendCompactJson(out, v);
        }
        out += ']';
        return;
    }
    case QJsonValue::Object: {
        out += '{';
        const QJsonObject object = value.toObject();
        bool first = true;
        for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
            if (!first)
                out += ',';
            first = false;
            appendJsonString(out, it.key());
            out += ':';
            appendCompactJson(out, it.value());
        }
        out += '}';
        return;
    }
    }
}

QByteArray compactJson(const QJsonObject &object)
{
    QByteArray out;
    out.reserve(256);
    appendCompactJson(out, object);
    return out;
}

} // namespace qp
