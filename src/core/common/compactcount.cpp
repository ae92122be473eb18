#include "common/compactcount.h"

namespace qp {

namespace {
QString scaled(qint64 n, double unit, QChar suffix)
{
    const double v = double(n) / unit;
    // One decimal while it says something (1.2k, 45.6M); none from 100 up (312k).
    QString text = QString::number(v, 'f', v < 100 ? 1 : 0);
    if (text.endsWith(u".0"))
        text.chop(2);
    return text + suffix;
}
} // namespace

QString compactCount(qint64 n)
{
    const qint64 a = n < 0 ? -n : n;
    if (a < 10000)
        return QString::number(n);
    // Rounding may carry into the next unit (999,600 is "1M", not "1000k").
    if (a < 999'500)
        return scaled(n, 1e3, u'k');
    if (a < 999'500'000)
        return scaled(n, 1e6, u'M');
    return scaled(n, 1e9, u'G');
}

} // namespace qp
