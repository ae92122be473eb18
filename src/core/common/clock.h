#pragma once
// Wall-clock time for everything that reasons about calendars and windows (quota windows, UTC
// days, cool-downs, retention). Services take a Clock& so tests can move time with a FakeClock
// instead of sleeping; timeouts of a single request stay on monotonic timers (LazyTimer).

#include <QDateTime>
#include <QtGlobal>

namespace qp {

class Clock
{
public:
    virtual ~Clock() = default;
    // Milliseconds since the Unix epoch, UTC.
    virtual qint64 nowMs() const = 0;
    QDateTime nowUtc() const { return QDateTime::fromMSecsSinceEpoch(nowMs(), Qt::UTC); }

    // The process-wide real clock.
    static Clock &system();
};

// A clock that moves only when told to. Tests use it through RuntimeOptions::clock.
class FakeClock : public Clock
{
public:
    explicit FakeClock(qint64 startMs) : m_now(startMs) {}
    qint64 nowMs() const override { return m_now; }
    void setMs(qint64 ms) { m_now = ms; }
    void advanceMs(qint64 ms) { m_now += ms; }

private:
    qint64 m_now;
};

} // namespace qp
