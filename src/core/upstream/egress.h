#pragma once
// Placeholder until the egress branch lands: proxy URL parsing only.
#include "common/error.h"

#include <QNetworkProxy>

namespace qp {
Result<QNetworkProxy> parseProxyUrl(const QString &url);
QString redactedProxyUrl(const QString &url);
} // namespace qp
