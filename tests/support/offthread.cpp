#include "offthread.h"

#include <QDeadlineTimer>
#include <QTcpSocket>

using namespace Qt::StringLiterals;

namespace qp::test {

UpstreamThread::UpstreamThread()
{
    m_thread.setObjectName(u"test-upstream"_s);
    m_thread.start();
    // The upstream is made on its thread, so its sockets and timers belong there.
    auto *anchor = new QObject;
    anchor->moveToThread(&m_thread);
    QMetaObject::invokeMethod(
        anchor,
        [this, anchor] {
            m_upstream = new FakeUpstream;
            m_port = m_upstream->port();
            anchor->deleteLater(); // runs once this call has returned
        },
        Qt::BlockingQueuedConnection);
}

UpstreamThread::~UpstreamThread()
{
    FakeUpstream *up = m_upstream;
    QMetaObject::invokeMethod(
        up, [up] { delete up; }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

void UpstreamThread::configure(const std::function<void(FakeUpstream &)> &f)
{
    FakeUpstream *up = m_upstream;
    QMetaObject::invokeMethod(
        up, [up, &f] { f(*up); }, Qt::BlockingQueuedConnection);
}

QString UpstreamThread::baseUrl() const
{
    return u"http://127.0.0.1:%1/v1"_s.arg(m_port);
}

StreamingClient::StreamingClient(quint16 port, QByteArray path, QByteArray body)
    : m_port(port), m_path(std::move(path)), m_body(std::move(body))
{}

StreamingClient::~StreamingClient()
{
    if (m_thread) {
        m_thread->requestInterruption();
        m_thread->wait();
    }
}

void StreamingClient::start()
{
    m_thread.reset(QThread::create([this] { run(); }));
    m_thread->start();
}

bool StreamingClient::wait(int timeoutMs)
{
    return m_thread && m_thread->wait(QDeadlineTimer(timeoutMs));
}

void StreamingClient::run()
{
    QElapsedTimer clock;
    clock.start();
    QTcpSocket socket; // blocking use only: this thread has no event loop running
    socket.connectToHost(u"127.0.0.1"_s, m_port);
    if (!socket.waitForConnected(5000))
        return;
    const QByteArray head = "POST " + m_path +
                            " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            "Connection: close\r\nContent-Length: " +
                            QByteArray::number(m_body.size()) + "\r\n\r\n";
    socket.write(head + m_body);
    socket.waitForBytesWritten(5000);
    QByteArray pending;
    while (!QThread::currentThread()->isInterruptionRequested()) {
        if (!socket.waitForReadyRead(200)) {
            if (socket.state() != QAbstractSocket::ConnectedState) {
                QMutexLocker l(&m_mutex);
                m_closed = true;
                return;
            }
            continue;
        }
        pending += socket.readAll();
        const qint64 now = clock.elapsed();
        qsizetype nl;
        while ((nl = pending.indexOf('\n')) >= 0) {
            QByteArray line = pending.left(nl);
            pending.remove(0, nl + 1);
            if (line.endsWith('\r'))
                line.chop(1);
            if (!line.startsWith("data:"))
                continue;
            const QByteArray data = line.mid(5).trimmed();
            QMutexLocker l(&m_mutex);
            if (data == "[DONE]") {
                m_done = true;
                return;
            }
            m_times.append(now);
            m_events.append(data);
        }
    }
}

QList<qint64> StreamingClient::eventTimesMs() const
{
    QMutexLocker l(&m_mutex);
    return m_times;
}

QList<QByteArray> StreamingClient::events() const
{
    QMutexLocker l(&m_mutex);
    return m_events;
}

bool StreamingClient::sawDone() const
{
    QMutexLocker l(&m_mutex);
    return m_done;
}

bool StreamingClient::closedByServer() const
{
    QMutexLocker l(&m_mutex);
    return m_closed;
}

int StreamingClient::eventsSoFar() const
{
    QMutexLocker l(&m_mutex);
    return int(m_events.size());
}

} // namespace qp::test
