#pragma once
// How numbers and durations read in the tray, its menu, notifications and the login window: one
// place, so "1,200" and "2 h 5 min" look the same everywhere and are translated once. Compact
// counts ("3.4M") are the core's compactCount (common/compactcount.h), shared with the CLI.

#include <QCoreApplication>
#include <QLocale>
#include <QString>

namespace qp {

class DisplayFormat
{
    Q_DECLARE_TR_FUNCTIONS(qp::DisplayFormat)
public:
    // 1,234 with the locale's group separator.
    static QString count(qint64 n, const QLocale &locale = QLocale());
    // A time span rounded up to the minute, two units at most: "45 s" below a minute, "12 min",
    // "2 h 5 min", "3 d 4 h". Negative spans read as 0 s.
    static QString duration(qint64 ms);
    // A countdown: "9:05" (minutes:seconds), rounded up to the second so 0:00 means it is over.
    static QString countdown(qint64 ms);
};

} // namespace qp
