#include "protocol/jsonbytes.h"

#include <QJsonArray>
#include <QJsonDocument>

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

} // namespace qp
