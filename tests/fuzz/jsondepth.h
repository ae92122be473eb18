#pragma once
// Nesting depth of a JSON value, for the translators' "depth stays bounded" properties.
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <algorithm>

namespace qp::fuzz {

inline int jsonDepth(const QJsonValue &v)
{
    int inner = 0;
    if (v.isObject()) {
        const QJsonObject o = v.toObject();
        for (auto it = o.constBegin(); it != o.constEnd(); ++it)
            inner = std::max(inner, jsonDepth(it.value()));
        return inner + 1;
    }
    if (v.isArray()) {
        for (const QJsonValue &item : v.toArray())
            inner = std::max(inner, jsonDepth(item));
        return inner + 1;
    }
    return 0;
}

} // namespace qp::fuzz
