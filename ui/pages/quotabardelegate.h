#pragma once
// Draws an account's quota windows as small bars in one table cell: per window its name, a bar of
// the larger used fraction (requests or tokens), used/limit and when it resets. The bar's colour
// follows the pool's thresholds (80 %, 100 %), and the text says the numbers, so colour is never
// the only signal.

#include <QStyledItemDelegate>

namespace qp {

class QuotaBarDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void setNowMs(qint64 nowMs) { m_nowMs = nowMs; }
    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

private:
    qint64 m_nowMs = 0;
};

} // namespace qp
