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

} // namespace qp
