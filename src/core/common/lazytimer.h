#pragma once
// A single-shot timeout that is cheap to re-arm.
//
// Why: every QTimer::start() unregisters and registers a timer with the event dispatcher, and a
// proxied request re-arms its timeouts several times (connect, first byte, each stream chunk,
// the keep-alive idle wait): tests/bench measured ~5 % of the proxy's CPU there. This timer only
// stores the new deadline when it is later than the one the underlying timer will fire at; when
// that fires early it re-arms itself for the rest. stop() only disarms: a stale firing is
// ignored. The API mirrors the subset of QTimer we use, so swapping it in changes no logic.

#include <QBasicTimer>
#include <QObject>

namespace qp {

class LazyTimer : public QObject
{
    Q_OBJECT
public:
    explicit LazyTimer(QObject *parent = nullptr) : QObject(parent) {}

    // timeout() fires once, `ms` from now, unless start() or stop() is called again first.
    void start(int ms);
    void stop() { m_armed = false; }
    bool isActive() const { return m_armed; }

Q_SIGNALS:
    void timeout();

protected:
    void timerEvent(QTimerEvent *event) override;

private:
    QBasicTimer m_timer;
    qint64 m_deadlineMs = 0; // when timeout() is due, on a monotonic clock
    qint64 m_fireAtMs = 0;   // when m_timer is set to fire
    bool m_armed = false;
};

} // namespace qp
