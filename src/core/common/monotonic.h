#pragma once
// The monotonic clock the event loop's own timing uses (timer deadlines, idle ages): never
// stepped by NTP or the user, unlike Clock (clock.h), which is for calendars and quota windows.

#include <QtGlobal>
#include <chrono>

namespace qp {

constexpr qint64 kNsPerMs = 1000000;

// Nanoseconds: a millisecond clock truncates, and a timer could fire up to 1 ms early.
inline qint64 monotonicNs()
{
    using namespace std::chrono;
    return duration_cast<nanoseconds>(steady_clock::now().time_since_epoch()).count();
}

inline qint64 monotonicMs()
{
    return monotonicNs() / kNsPerMs;
}

} // namespace qp
