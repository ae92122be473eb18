#pragma once
// Test pieces that must keep running while the test's main thread is busy or blocked: a fake
// upstream on a thread of its own, and a streaming client that timestamps each event as it
// arrives. The engine tests block the GUI thread on purpose and measure what a client sees.

#include "fakeupstream.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QList>
#include <QMutex>
#include <QThread>
#include <functional>
#include <memory>

namespace qp::test {

// A FakeUpstream living on its own thread; configure() runs on that thread and waits.
class UpstreamThread
{
public:
    UpstreamThread();
    ~UpstreamThread();
    void configure(const std::function<void(FakeUpstream &)> &f);
    quint16 port() const { return m_port; }
    QString baseUrl() const;

private:
    QThread m_thread;
    FakeUpstream *m_upstream = nullptr;
    quint16 m_port = 0;
};

// One HTTP request on a plain blocking socket in a thread of its own. Records when each SSE
// "data:" line arrived (ms since start()) until the answer ends or the connection closes.
class StreamingClient
{
public:
    StreamingClient(quint16 port, QByteArray path, QByteArray body);
    ~StreamingClient();
    void start();
    // Waits (bounded) for the answer to end; true when it ended before the timeout.
    bool wait(int timeoutMs);
    QList<qint64> eventTimesMs() const;
    QList<QByteArray> events() const;
    bool sawDone() const;
    bool closedByServer() const;
    int eventsSoFar() const;

private:
    void run();
    quint16 m_port;
    QByteArray m_path;
    QByteArray m_body;
    std::unique_ptr<QThread> m_thread;
    mutable QMutex m_mutex;
    QList<qint64> m_times;
    QList<QByteArray> m_events;
    bool m_done = false;
    bool m_closed = false;
};

} // namespace qp::test
