#include "common/compactcount.h"

#include <cmath>

namespace qp {

namespace {
QString scaled(qint64 n, double unit, QChar suffix, const QLocale &locale)
{
    const double v = double(n) / unit;
    // One decimal while it says something (1.2k, 45.6M); none from 100 up (312k).
    QString text = locale.toString(v, 'f', std::fabs(v) < 100 ? 1 : 0);
    const QString pointZero = locale.decimalPoint() + locale.zeroDigit();
    if (text.endsWith(pointZero))
        text.chop(pointZero.size());
    return text + suffix;
}
} // namespace

QString compactCount(qint64 n, const QLocale &locale)
{
    QLocale plain = locale;
    plain.setNumberOptions(plain.numberOptions() | QLocale::OmitGroupSeparator);
    const qint64 a = n < 0 ? -n : n;
    if (a < 10000)
        return plain.toString(n);
    // Rounding may carry into the next unit (999,600 is "1M", not "1000k").
    if (a < 999'500)
        return scaled(n, 1e3, u'k', plain);
    if (a < 999'500'000)
        return scaled(n, 1e6, u'M', plain);
    return scaled(n, 1e9, u'G', plain);
}

} // namespace qp
