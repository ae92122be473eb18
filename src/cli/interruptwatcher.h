#pragma once
// Turns Ctrl-C (SIGINT), SIGTERM and SIGHUP into a call on the Qt event loop while an object of
// this class lives, so `auth add` can cancel its login cleanly instead of dying mid-way. The signal
// handler only writes one byte to a socket pair (async-signal-safe); the callback runs from the
// event loop. The previous handlers are restored on destruction.

#include <QObject>
#include <functional>

namespace qp::cli {

class InterruptWatcher : public QObject
{
public:
    explicit InterruptWatcher(std::function<void()> onInterrupt, QObject *parent = nullptr);
    ~InterruptWatcher() override;
    InterruptWatcher(const InterruptWatcher &) = delete;
    InterruptWatcher &operator=(const InterruptWatcher &) = delete;

private:
    std::function<void()> m_onInterrupt;
    bool m_installed = false;
};

} // namespace qp::cli
