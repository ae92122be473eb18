#include "auth/terminalqr.h"

#include <QStringList>
#include <qrcodegen.hpp>

namespace qp::terminalqr {

namespace {
constexpr char16_t kUpper = u'\u2580'; // ▀ upper half
constexpr char16_t kLower = u'\u2584'; // ▄ lower half
constexpr char16_t kFull = u'\u2588';  // █
constexpr char16_t kNone = u' ';
} // namespace

Matrix encode(const QString &text)
{
    Matrix m;
    try {
        // LOW keeps a ~100-character device URL at version 5-6 (37-41 modules): the code stays
        // within a terminal's height; screens give clean scans, so little error correction is
        // needed.
        const auto qr =
            qrcodegen::QrCode::encodeText(text.toUtf8().constData(), qrcodegen::QrCode::Ecc::LOW);
        m.size = qr.getSize();
        m.modules.reserve(m.size * m.size);
        for (int y = 0; y < m.size; ++y)
            for (int x = 0; x < m.size; ++x)
                m.modules.append(qr.getModule(x, y));
    } catch (const std::exception &) { // qrcodegen::data_too_long
        m = {};
    }
    return m;
}

QString render(const Matrix &m, int quietZone, bool darkOnLight)
{
    if (m.size == 0)
        return {};
    const int full = m.size + 2 * quietZone;
    // "Inked" = drawn with the glyph's foreground colour.
    auto inked = [&](int x, int y) {
        const int mx = x - quietZone, my = y - quietZone;
        const bool dark = mx >= 0 && my >= 0 && mx < m.size && my < m.size && m.dark(mx, my);
        return darkOnLight ? dark : !dark;
    };
    QString out;
    for (int y = 0; y < full; y += 2) {
        for (int x = 0; x < full; ++x) {
            const bool top = inked(x, y);
            // An odd height leaves the last half line empty: draw it as not inked.
            const bool bottom = y + 1 < full ? inked(x, y + 1) : false;
            out += QChar(top && bottom ? kFull : top ? kUpper : bottom ? kLower : kNone);
        }
        out += QLatin1Char('\n');
    }
    return out;
}

QString render(const QString &text, int quietZone, bool darkOnLight)
{
    return render(encode(text), quietZone, darkOnLight);
}

Matrix parse(const QString &rendered, int quietZone, bool darkOnLight)
{
    QStringList lines = rendered.split(QLatin1Char('\n'));
    while (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast();
    if (lines.isEmpty())
        return {};
    const int full = int(lines.first().size());
    Matrix m;
    m.size = full - 2 * quietZone;
    if (m.size <= 0)
        return {};
    m.modules.resize(m.size * m.size);
    for (int y = 0; y < m.size; ++y) {
        const int row = y + quietZone;
        const QString &line = lines.value(row / 2);
        for (int x = 0; x < m.size; ++x) {
            const char16_t c =
                line.size() > x + quietZone ? line.at(x + quietZone).unicode() : kNone;
            const bool top = c == kFull || c == kUpper;
            const bool bottom = c == kFull || c == kLower;
            const bool inked = row % 2 == 0 ? top : bottom;
            m.modules[y * m.size + x] = darkOnLight ? inked : !inked;
        }
    }
    return m;
}

} // namespace qp::terminalqr
