#include "quotabardelegate.h"

#include "accountsmodel.h"
#include "uiformat.h"

#include <QApplication>
#include <QPainter>

using namespace Qt::StringLiterals;

namespace qp {

namespace {
constexpr int kNameWidth = 44;
constexpr int kBarWidth = 90;
constexpr int kGap = 6;

QColor barColor(double fraction)
{
    if (fraction >= 1.0)
        return QColor(0xcf, 0x22, 0x2e);
    if (fraction * 100 >= QuotaMeter::kWarnPercent)
        return QColor(0xd2, 0x99, 0x22);
    return QColor(0x2e, 0xa0, 0x43);
}
} // namespace

void QuotaBarDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                             const QModelIndex &index) const
{
    const auto windows =
        index.data(AccountsModel::kWindowsRole).value<QList<QuotaMeter::WindowUse>>();
    if (windows.isEmpty()) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }
    // Background and selection as the style draws them, then the bars on top.
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    opt.text.clear();
    QStyle *style = opt.widget ? opt.widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget);

    painter->save();
    const QFontMetrics fm(opt.font);
    const int lineH = fm.height() + 4;
    const QColor text = opt.state & QStyle::State_Selected
                            ? opt.palette.color(QPalette::HighlightedText)
                            : opt.palette.color(QPalette::Text);
    int y = opt.rect.top() + (opt.rect.height() - lineH * int(windows.size())) / 2;
    for (const auto &w : windows) {
        QRect line(opt.rect.left() + kGap, y, opt.rect.width() - 2 * kGap, lineH);
        painter->setPen(text);
        painter->drawText(QRect(line.left(), line.top(), kNameWidth, lineH),
                          Qt::AlignLeft | Qt::AlignVCenter, w.limit.windowName());
        // A narrow cell gets a shorter bar, so the numbers keep their room.
        const int barWidth = std::clamp(line.width() / 4, 40, kBarWidth);
        const QRect bar(line.left() + kNameWidth, line.center().y() - 4, barWidth, 8);
        painter->setPen(Qt::NoPen);
        QColor track = opt.palette.color(QPalette::Mid);
        track.setAlpha(90);
        painter->setBrush(track);
        painter->drawRoundedRect(bar, 3, 3);
        const double f = std::clamp(w.usedFraction, 0.0, 1.0);
        if (f > 0) {
            painter->setBrush(barColor(w.usedFraction));
            painter->drawRoundedRect(
                QRect(bar.left(), bar.top(), std::max(4, int(bar.width() * f)), bar.height()), 3,
                3);
        }
        painter->setPen(text);
        const QRect label(bar.right() + kGap, line.top(), line.right() - bar.right() - kGap, lineH);
        QString words = ui::windowUsedText(w) + u" · "_s + ui::windowResetText(w, m_nowMs);
        if (fm.horizontalAdvance(words) > label.width())
            words = ui::windowUsedText(w); // the reset time is in the tooltip
        painter->drawText(label, Qt::AlignLeft | Qt::AlignVCenter,
                          fm.elidedText(words, Qt::ElideRight, label.width()));
        y += lineH;
    }
    painter->restore();
}

QSize QuotaBarDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const auto windows =
        index.data(AccountsModel::kWindowsRole).value<QList<QuotaMeter::WindowUse>>();
    if (windows.isEmpty())
        return QStyledItemDelegate::sizeHint(option, index);
    const QFontMetrics fm(option.font);
    return QSize(kNameWidth + kBarWidth + 3 * kGap +
                     fm.horizontalAdvance(u"1200/1200 req · resets 15:01 (in 4h 59m)"_s),
                 (fm.height() + 4) * int(windows.size()) + 6);
}

} // namespace qp
