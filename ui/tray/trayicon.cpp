#include "tray/trayicon.h"

#include <QPainter>
#include <QPainterPath>
#include <QPixmap>
#include <algorithm>
#include <cmath>

namespace qp {

namespace {

struct Colors {
    QColor glyph;
    QColor track; // the used part of the quota ring
    QColor warning;
    QColor error;
};

Colors colorsFor(TrayTheme theme)
{
    // Near-black / near-white like the platforms' own symbolic icons; the accents are only a
    // second cue next to the shapes and are picked to stay readable on their own panel colour.
    if (theme == TrayTheme::Dark)
        return {QColor(0xf2, 0xf2, 0xf4), QColor(0xf2, 0xf2, 0xf4, 90), QColor(0xfb, 0xbc, 0x04),
                QColor(0xf2, 0x8b, 0x82)};
    return {QColor(0x1f, 0x1f, 0x22), QColor(0x1f, 0x1f, 0x22, 80), QColor(0xd9, 0x6c, 0x00),
            QColor(0xd9, 0x30, 0x25)};
}

QPainterPath circle(QPointF c, qreal r)
{
    QPainterPath p;
    p.addEllipse(c, r, r);
    return p;
}

// The share `fraction` of a ring, clockwise from 12 o'clock.
QPainterPath arcOf(const QPainterPath &ring, QPointF c, qreal r, double fraction)
{
    if (fraction >= 0.999)
        return ring;
    QPainterPath pie;
    pie.moveTo(c);
    pie.arcTo(QRectF(c.x() - r, c.y() - r, 2 * r, 2 * r), 90, -360.0 * fraction);
    pie.closeSubpath();
    return ring.intersected(pie);
}

// An equilateral triangle pointing up around `centroid`, its corners rounded by `radius`.
QPainterPath roundedTriangle(QPointF centroid, qreal side, qreal radius)
{
    // A smaller triangle grown by `radius` on every side: the same outline with round corners.
    const qreal inner = std::max<qreal>(0, side - 2 * std::sqrt(3.0) * radius);
    const qreal h = inner * std::sqrt(3.0) / 2;
    QPainterPath p;
    p.moveTo(centroid.x(), centroid.y() - 2 * h / 3);
    p.lineTo(centroid.x() + inner / 2, centroid.y() + h / 3);
    p.lineTo(centroid.x() - inner / 2, centroid.y() + h / 3);
    p.closeSubpath();
    QPainterPathStroker stroker;
    stroker.setWidth(2 * radius);
    stroker.setJoinStyle(Qt::RoundJoin);
    return stroker.createStroke(p).united(p).simplified();
}

} // namespace

QImage TrayIconPainter::render(TrayIconState state, TrayTheme theme,
                               std::optional<double> quotaLeft, int logicalSize, qreal dpr)
{
    // Everything is laid out in device pixels, with widths rounded to whole pixels, so the edges
    // of rings and squares fall on pixel boundaries at every size.
    const int s = std::max(8, int(std::lround(logicalSize * dpr)));
    QImage img(s, s, QImage::Format_ARGB32_Premultiplied);
    img.fill(Qt::transparent);
    const Colors col = colorsFor(theme);

    const qreal margin = std::lround(s * 0.03);
    const qreal w = std::max<qreal>(2, std::lround(s * 0.125)); // ring and outline width
    const qreal gap = std::max<qreal>(1, std::lround(s * 0.0625));
    const QPointF c(s / 2.0, s / 2.0);
    const qreal outer = s / 2.0 - margin;
    const qreal inner = outer - w;
    const QPainterPath ring = circle(c, outer).subtracted(circle(c, inner));

    QPainter p(&img);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(Qt::NoPen);

    switch (state) {
    case TrayIconState::Serving:
    case TrayIconState::Degraded: {
        QPainterPath glyph = circle(c, inner - gap);
        QPainterPath left = ring;
        QPainterPath used;
        if (quotaLeft) {
            // A sliver stays visible while anything is left: "almost empty" must not look like
            // "empty".
            double f = std::clamp(*quotaLeft, 0.0, 1.0);
            if (f > 0)
                f = std::max(f, 0.04);
            left = f > 0 ? arcOf(ring, c, outer + 1, f) : QPainterPath();
            used = ring.subtracted(left);
        }
        QPainterPath badge;
        QPainterPath badgeCut;
        if (state == TrayIconState::Degraded) {
            // A triangle in the lower right corner, with a transparent moat so it reads as a
            // separate mark on top of the ring even at 16 px.
            const qreal side = std::round(s * 0.62);
            const qreal h = side * std::sqrt(3.0) / 2;
            const QPointF centroid(s - side / 2, s - h / 3);
            const qreal moat = std::max<qreal>(1, std::lround(s / 16.0));
            badge = roundedTriangle(centroid, side, std::max<qreal>(0.5, s / 40.0));
            badgeCut = roundedTriangle(centroid, side + 2 * std::sqrt(3.0) * moat, moat);
            glyph = glyph.subtracted(badgeCut);
            left = left.subtracted(badgeCut);
            used = used.subtracted(badgeCut);
        }
        p.fillPath(used, col.track);
        p.fillPath(left, col.glyph);
        p.fillPath(glyph, col.glyph);
        if (!badge.isEmpty()) {
            p.fillPath(badge, col.warning);
            // The exclamation mark, knocked out of the triangle.
            const QRectF box = badge.boundingRect();
            const qreal bar = std::max<qreal>(1, std::lround(box.width() * 0.14));
            const qreal x = std::round(box.center().x() - bar / 2);
            const qreal top = box.top() + box.height() * 0.34;
            const qreal dot = box.bottom() - box.height() * 0.12 - bar;
            p.setCompositionMode(QPainter::CompositionMode_Clear);
            p.fillRect(QRectF(x, top, bar, std::max<qreal>(1, dot - top - bar * 0.8)), Qt::black);
            p.fillRect(QRectF(x, dot, bar, bar), Qt::black);
            p.setCompositionMode(QPainter::CompositionMode_SourceOver);
        }
        break;
    }
    case TrayIconState::NoUsableAccount: {
        // The slash runs from upper left to lower right across the whole ring.
        QPainterPath slash;
        const qreal half = w / 2;
        const qreal d = outer * std::sqrt(0.5);
        QLineF line(c.x() - d, c.y() - d, c.x() + d, c.y() + d);
        const QLineF normal = line.normalVector().unitVector();
        const QPointF n(normal.dx() * half, normal.dy() * half);
        slash.moveTo(line.p1() + n);
        slash.lineTo(line.p2() + n);
        slash.lineTo(line.p2() - n);
        slash.lineTo(line.p1() - n);
        slash.closeSubpath();
        slash = slash.intersected(circle(c, inner + 0.5));
        p.fillPath(ring, col.glyph);
        p.fillPath(slash, col.error);
        break;
    }
    case TrayIconState::Stopped: {
        const QRectF outerRect(margin, margin, s - 2 * margin, s - 2 * margin);
        const qreal radius = outerRect.width() * 0.22;
        QPainterPath frame;
        frame.addRoundedRect(outerRect, radius, radius);
        QPainterPath hole;
        hole.addRoundedRect(outerRect.adjusted(w, w, -w, -w), std::max<qreal>(0, radius - w),
                            std::max<qreal>(0, radius - w));
        frame = frame.subtracted(hole);
        const qreal side = std::round(s * 0.375 / 2) * 2; // even, so it centres on the grid
        const QRectF square(c.x() - side / 2, c.y() - side / 2, side, side);
        QPainterPath stop;
        const qreal r = std::max<qreal>(0.5, side * 0.12);
        stop.addRoundedRect(square, r, r);
        p.fillPath(frame, col.glyph);
        p.fillPath(stop, col.glyph);
        break;
    }
    }
    p.end();
    img.setDevicePixelRatio(dpr);
    return img;
}

QIcon TrayIconPainter::icon(TrayIconState state, TrayTheme theme, std::optional<double> quotaLeft)
{
    QIcon icon;
    for (const int size : {16, 20, 22, 24, 32, 48, 64})
        for (const qreal dpr : {1.0, 2.0})
            icon.addPixmap(QPixmap::fromImage(render(state, theme, quotaLeft, size, dpr)));
    return icon;
}

QIcon TrayIconPainter::quotaPie(double usedFraction, const QPalette &palette)
{
    const double f = std::clamp(usedFraction, 0.0, 1.0);
    const bool dark = themeFor(palette) == TrayTheme::Dark;
    const Colors col = colorsFor(dark ? TrayTheme::Dark : TrayTheme::Light);
    QColor fill = palette.color(QPalette::Text);
    if (f >= 1.0)
        fill = col.error;
    else if (f >= 0.8)
        fill = col.warning;
    QColor outline = palette.color(QPalette::Text);
    outline.setAlphaF(0.55f);

    QIcon icon;
    for (const qreal dpr : {1.0, 2.0}) {
        const int s = int(16 * dpr);
        QImage img(s, s, QImage::Format_ARGB32_Premultiplied);
        img.fill(Qt::transparent);
        QPainter p(&img);
        p.setRenderHint(QPainter::Antialiasing);
        const qreal line = dpr;
        const QRectF box(2 * dpr + line / 2, 2 * dpr + line / 2, s - 4 * dpr - line,
                         s - 4 * dpr - line);
        p.setPen(QPen(outline, line));
        p.setBrush(Qt::NoBrush);
        p.drawEllipse(box);
        if (f > 0) {
            p.setPen(Qt::NoPen);
            p.setBrush(fill);
            const QRectF pie = box.adjusted(line, line, -line, -line);
            if (f >= 1.0)
                p.drawEllipse(pie);
            else
                p.drawPie(pie, 90 * 16, -int(std::lround(std::max(f, 0.04) * 360 * 16)));
        }
        p.end();
        img.setDevicePixelRatio(dpr);
        icon.addPixmap(QPixmap::fromImage(img));
    }
    return icon;
}

TrayTheme TrayIconPainter::themeFor(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightness() < 128 ? TrayTheme::Dark : TrayTheme::Light;
}

} // namespace qp
