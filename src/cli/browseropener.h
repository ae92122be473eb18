#pragma once
// Opens a URL in the user's browser without QtGui (QDesktopServices would pull QtGui into the
// headless binary): the platform's opener, started detached. Failure is silent by design: the URL
// and the QR code are already on screen.

#include <QString>

namespace qp::cli {

void openInBrowser(const QString &url);

} // namespace qp::cli
