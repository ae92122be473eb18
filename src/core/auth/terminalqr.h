#pragma once
// The verification URL as a QR code in a terminal, for `qwen-proxy auth login` on a headless box
// the user scans with a phone (the seeds print one too, §A.2). Two module rows per text line using
// Unicode half blocks, so the code is square-ish and small enough for an 80x24 terminal.

#include <QList>
#include <QString>

namespace qp::terminalqr {

// The QR modules (true = dark), row-major, without the quiet zone. Empty on failure (text too
// long).
struct Matrix {
    int size = 0;
    QList<bool> modules;
    bool dark(int x, int y) const { return modules.at(y * size + x); }
};

Matrix encode(const QString &text);

// Lines of half blocks with a `quietZone`-module light border (the spec asks for 4; 2 scans fine
// from a screen and saves lines). Terminals draw text light on dark, so by default a *light*
// module is drawn as a block and a dark one as a space; pass darkOnLight for light-background
// terminals. Each line is followed by '\n'.
QString render(const Matrix &m, int quietZone = 2, bool darkOnLight = false);
QString render(const QString &text, int quietZone = 2, bool darkOnLight = false);

// The inverse of render(), for tests: recovers the module grid (quiet zone stripped).
Matrix parse(const QString &rendered, int quietZone = 2, bool darkOnLight = false);

} // namespace qp::terminalqr
