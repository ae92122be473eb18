#include "displayformat.h"

#include <cmath>

using namespace Qt::StringLiterals;

namespace qp {

QString DisplayFormat::count(qint64 n, const QLocale &locale)
{
    return locale.toString(n);
}

QString DisplayFormat::compact(qint64 n, const QLocale &locale)
{
    if (std::llabs(n) < 10'000)
        return locale.toString(n);
    struct Unit {
        double size;
        const char16_t *suffix;
    };
    // The SI letters read the same in English and Chinese developer tools, so they are not
    // translated.
    static constexpr Unit kUnits[] = {{1e9, u"B"}, {1e6, u"M"}, {1e3, u"K"}};
    for (const Unit &u : kUnits) {
        const double v = double(n) / u.size;
        if (std::fabs(v) >= 1.0) {
            // One decimal below 100 (3.4M), none above (250M): three significant digits at most.
            const int decimals = std::fabs(v) < 100 ? 1 : 0;
            QString s = locale.toString(v, 'f', decimals);
            const QString zero = locale.toString(0.0, 'f', 1).right(2); // ".0" in this locale
            if (decimals == 1 && s.endsWith(zero))
                s.chop(2);
            return s + QString::fromUtf16(u.suffix);
        }
    }
    return locale.toString(n);
}

QString DisplayFormat::duration(qint64 ms)
{
    if (ms < 60'000) {
        const qint64 s = ms <= 0 ? 0 : (ms + 999) / 1000;
        return tr("%1 s").arg(s);
    }
    const qint64 minutes = (ms + 59'999) / 60'000; // rounded up: never promise too early
    const qint64 days = minutes / (24 * 60);
    const qint64 hours = minutes / 60 % 24;
    const qint64 mins = minutes % 60;
    if (days > 0)
        return hours > 0 ? tr("%1 d %2 h").arg(days).arg(hours) : tr("%1 d").arg(days);
    if (hours > 0)
        return mins > 0 ? tr("%1 h %2 min").arg(hours).arg(mins) : tr("%1 h").arg(hours);
    return tr("%1 min").arg(mins);
}

QString DisplayFormat::countdown(qint64 ms)
{
    const qint64 s = ms <= 0 ? 0 : (ms + 999) / 1000;
    return u"%1:%2"_s.arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

} // namespace qp
