#pragma once
// Counts as people read them in a table: 9999, 12.3k, 312k, 1.2M. One function, so the CLI's
// `usage`, `auth list` and the tray's pages print the same figure for the same number.

#include <QString>

namespace qp {

QString compactCount(qint64 n);

} // namespace qp
