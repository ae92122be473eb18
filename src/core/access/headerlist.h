#pragma once
// A request's header fields as the access rules read them: lower-case names, duplicates kept, in
// the order they came (the HTTP server's parser hands them over this way).

#include <QByteArray>
#include <QList>
#include <QPair>

namespace qp {

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

inline int countHeader(const HeaderList &headers, QByteArrayView name)
{
    int n = 0;
    for (const auto &h : headers)
        n += h.first == name;
    return n;
}

// The first field's value, trimmed; empty when absent.
inline QByteArray headerValue(const HeaderList &headers, QByteArrayView name)
{
    for (const auto &h : headers)
        if (h.first == name)
            return h.second.trimmed();
    return {};
}

} // namespace qp
