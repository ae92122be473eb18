#pragma once
// The tray icon, drawn with QPainter paths at the exact device pixel size asked for, so every
// size from 16 px to 64 px @2x is crisp (an SVG scaled to 16 px blurs its 1.5 px strokes). Each
// state has its own silhouette, not just a colour:
//
//   Serving          a ring around a solid disc; the ring's bright arc is the quota left
//   Degraded         the same, with a warning triangle cut into the lower right
//   NoUsableAccount  a ring crossed by a slash (the "prohibited" sign), no disc
//   Stopped          a rounded square outline around a solid square (the "stop" sign)
//
// Light variants are for light panels (dark glyph), dark variants for dark panels (light glyph).

#include "tray/traystatus.h"

#include <QIcon>
#include <QImage>
#include <QPalette>
#include <optional>

namespace qp {

enum class TrayTheme { Light, Dark };

class TrayIconPainter
{
public:
    // One image of `logicalSize` x `logicalSize` points at `dpr` (the image's device pixel ratio
    // is set, so it paints at logicalSize points). quotaLeft in 0..1; empty draws a full ring.
    static QImage render(TrayIconState state, TrayTheme theme, std::optional<double> quotaLeft,
                         int logicalSize, qreal dpr = 1.0);
    // Every size a tray host asks for (16, 20, 22, 24, 32, 48, 64 at 1x and 2x).
    static QIcon icon(TrayIconState state, TrayTheme theme, std::optional<double> quotaLeft);
    // A small pie for a quota window in the menu: the used share filled, clockwise from 12.
    static QIcon quotaPie(double usedFraction, const QPalette &palette);
    // Dark when the palette's window colour is dark (Qt 6.4 has no colour-scheme query).
    static TrayTheme themeFor(const QPalette &palette);
};

} // namespace qp
