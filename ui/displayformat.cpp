#include "displayformat.h"

using namespace Qt::StringLiterals;

namespace qp {

QString DisplayFormat::count(qint64 n, const QLocale &locale)
{
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
