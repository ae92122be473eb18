#pragma once
// Counts as people read them at a glance: 9999 in full, then 12.3k, 312k, 1.2M, 3.4G. The one
// formatter for the CLI's tables (`qwen-proxy usage`, `auth list`) and the tray app (its pages,
// chart axes, menu and tooltip), so a number reads the same wherever it is shown; issue 17 asks
// that the Usage page's figures equal `qwen-proxy usage` exactly.
//
// The unit letters are SI (k, M, G) and not translated: they read the same in English and Chinese
// developer tools. `locale` supplies the digits and the decimal separator, and defaults to the
// process's locale, which the CLI and the tray app both run with (the tray's language setting
// sets it for the app: en_US or zh_CN, both with a decimal point). Counts below 10,000 have no
// group separator, so a column of them reads the same in every locale.

#include <QLocale>
#include <QString>

namespace qp {

QString compactCount(qint64 n, const QLocale &locale = QLocale());

} // namespace qp
