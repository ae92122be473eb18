// Full stack: backpressure toward a slow client (docs/backpressure.md). A fake upstream streams a
// large answer as fast as the proxy takes it; a raw client sends the request and stops reading.
// The proxy must stop reading the upstream (the fake gets stuck far before the end), pass the
// whole stream on once the client reads again, and end both sides when the client takes nothing
// for CLIENT_STALL_TIMEOUT_MS, without the process' memory growing with the stream.
#include "metrics/proxymetrics.h"
#include "proxyharness.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTcpSocket>
#include <QtTest>
#include <unistd.h>

using namespace Qt::StringLiterals;
using namespace qp::test;

namespace {

constexpr qint64 MiB = 1024 * 1024;
// What may leave the upstream before it must wait: the proxy's client backlog (1 MiB) plus what
// the kernel holds in the two loopback connections' send and receive buffers, which autotune
// (tcp_rmem's maximum is 32 MiB here). Measured: 9-12 MiB, more under ASan's slower relay. An
// unbounded proxy would take all 200 MiB.
constexpr qint64 kInFlightBound = 32 * MiB;

// The process' peak resident set since the last resetPeakRss() (VmHWM), in bytes.
qint64 peakRss()
{
    QFile f(u"/proc/self/status"_s);
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong() * 1024;
    return -1;
}

// Sets VmHWM to the current RSS (Linux >= 4.0).
bool resetPeakRss()
{
    QFile f(u"/proc/self/clear_refs"_s);
    return f.open(QIODevice::WriteOnly) && f.write("5") == 1;
}

qint64 rss()
{
    QFile f(u"/proc/self/statm"_s);
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    const QList<QByteArray> fields = f.readAll().split(' ');
    return fields.size() > 1 ? fields.at(1).toLongLong() * sysconf(_SC_PAGESIZE) : -1;
}

// A client that speaks raw HTTP/1.1 and reads only when told to.
class SlowClient
{
public:
    bool connectTo(quint16 port)
    {
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        QSignalSpy connected(&m_socket, &QTcpSocket::connected);
        if (m_socket.state() != QAbstractSocket::ConnectedState && !connected.wait(5000))
            return false;
        // Not reading: Qt's buffer takes 4 KiB, the kernel's a little more, then the proxy's
        // writes back up.
        m_socket.setReadBufferSize(4096);
        m_socket.setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, 32 * 1024);
        return true;
    }
    void post(const QByteArray &path, const QJsonObject &body, const QByteArray &extraHeaders = {})
    {
        const QByteArray json = QJsonDocument(body).toJson(QJsonDocument::Compact);
        m_socket.write("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extraHeaders +
                       "Content-Type: application/json\r\nContent-Length: " +
                       QByteArray::number(json.size()) + "\r\n\r\n" + json);
    }
    void startReading()
    {
        m_socket.setReadBufferSize(0);
        QObject::connect(&m_socket, &QTcpSocket::readyRead, [this] { m_in += m_socket.readAll(); });
        m_in += m_socket.readAll(); // also re-enables Qt's reading from the kernel
    }
    bool disconnected() const { return m_socket.state() == QAbstractSocket::UnconnectedState; }
    // The chunked response ended (its last chunk arrived).
    bool complete() const { return m_in.endsWith("\r\n0\r\n\r\n"); }
    int status() const { return m_in.mid(9, 3).toInt(); }
    QByteArray body() const
    {
        QByteArray out;
        qsizetype at = m_in.indexOf("\r\n\r\n");
        if (at < 0)
            return out;
        at += 4;
        while (at < m_in.size()) {
            const qsizetype eol = m_in.indexOf("\r\n", at);
            bool ok = false;
            const qint64 size = m_in.mid(at, eol - at).toLongLong(&ok, 16);
            if (!ok || size == 0)
                break;
            out += m_in.mid(eol + 2, size);
            at = eol + 2 + size + 2;
        }
        return out;
    }

private:
    QTcpSocket m_socket;
    QByteArray m_in;
};

// The text a client sees in an SSE stream of either dialect, and whether it ended properly.
struct Seen {
    QByteArray text;
    bool ended = false;
};

Seen readOpenAI(const QByteArray &body)
{
    Seen s;
    for (const QByteArray &line : body.split('\n')) {
        if (!line.startsWith("data: "))
            continue;
        const QByteArray data = line.mid(6);
        if (data == "[DONE]") {
            s.ended = true;
            continue;
        }
        const QJsonArray choices =
            QJsonDocument::fromJson(data).object().value(u"choices"_s).toArray();
        if (!choices.isEmpty())
            s.text += choices.first()
                          .toObject()
                          .value(u"delta"_s)
                          .toObject()
                          .value(u"content"_s)
                          .toString()
                          .toUtf8();
    }
    return s;
}

Seen readAnthropic(const QByteArray &body)
{
    Seen s;
    for (const QByteArray &line : body.split('\n')) {
        if (!line.startsWith("data: "))
            continue;
        const QJsonObject e = QJsonDocument::fromJson(line.mid(6)).object();
        const QString type = e.value(u"type"_s).toString();
        if (type == u"message_stop")
            s.ended = true;
        else if (type == u"content_block_delta" &&
                 e.value(u"delta"_s).toObject().value(u"type"_s).toString() == u"text_delta")
            s.text += e.value(u"delta"_s).toObject().value(u"text"_s).toString().toUtf8();
    }
    return s;
}

QJsonObject chatBody(bool anthropic)
{
    return QJsonObject{
        {u"model"_s, anthropic ? u"claude-sonnet-4-5"_s : u"qwen3-coder-plus"_s},
        {u"stream"_s, true},
        {u"max_tokens"_s, 1000},
        {u"messages"_s, QJsonArray{QJsonObject{{u"role"_s, u"user"_s}, {u"content"_s, u"hi"_s}}}}};
}

} // namespace

class TestBackpressure : public QObject
{
    Q_OBJECT
    std::unique_ptr<ProxyHarness> h;

    void start(const QHash<QString, QString> &env = {})
    {
        h = std::make_unique<ProxyHarness>();
        h->writeQwenCredentials(u"access-token-valid-0001"_s,
                                QDateTime::currentMSecsSinceEpoch() + 3600000);
        QString err;
        QVERIFY2(h->start(env, &err), qPrintable(err));
    }
    void send(SlowClient &client, bool anthropic)
    {
        if (anthropic)
            client.post("/v1/messages", chatBody(true),
                        "x-api-key: anything\r\nanthropic-version: 2023-06-01\r\n");
        else
            client.post("/v1/chat/completions", chatBody(false));
    }

private Q_SLOTS:
    void cleanup() { h.reset(); }

    void route_data()
    {
        QTest::addColumn<bool>("anthropic");
        QTest::newRow("openai") << false;
        QTest::newRow("anthropic") << true;
    }

    // The client stops reading: the proxy stops reading the upstream long before the end of the
    // answer; once the client reads again, all of it arrives, in order.
    void pausesThenDeliversEverything_data() { route_data(); }
    void pausesThenDeliversEverything()
    {
        QFETCH(bool, anthropic);
        start();
        const int chunks = 2048, chunkBytes = 16 * 1024; // 32 MiB of text
        h->upstream().replyBulkSse(chunks, chunkBytes);
        SlowClient client;
        QVERIFY(client.connectTo(h->runtime().port()));
        send(client, anthropic);

        // The fake is stuck: the proxy paused its upstream and the bytes in between stopped.
        QTRY_VERIFY_WITH_TIMEOUT(
            h->runtime().metrics().upstreamPauses() >= 1 && h->upstream().bulk().blocked, 10000);
        const qint64 sent = h->upstream().bulk().sentBytes;
        qInfo("upstream blocked after %lld KiB of %lld KiB", sent / 1024,
              h->upstream().bulk().totalBytes / 1024);
        QVERIFY2(sent < kInFlightBound, qPrintable(QString::number(sent)));
        QVERIFY(!h->upstream().bulk().done);

        client.startReading();
        QTRY_VERIFY_WITH_TIMEOUT(client.complete(), 30000);
        QCOMPARE(client.status(), 200);
        const Seen seen = anthropic ? readAnthropic(client.body()) : readOpenAI(client.body());
        QVERIFY(seen.ended);
        QCOMPARE(seen.text.size(), qsizetype(chunks) * chunkBytes);
        QVERIFY(seen.text == FakeUpstream::bulkText(chunks, chunkBytes));
        QVERIFY(h->upstream().bulk().done);
        QCOMPARE(h->upstream().abortedStreams(), 0);
        QVERIFY(h->runtime().metrics().upstreamPauses() >= 1);
        QCOMPARE(h->runtime().metrics().clientStalls(), quint64(0));
    }

    // A client that takes nothing for CLIENT_STALL_TIMEOUT_MS: both sides end, and the 200 MiB
    // answer never passes through the proxy's memory.
    void stalledClientEndsBothSides_data() { route_data(); }
    void stalledClientEndsBothSides()
    {
        QFETCH(bool, anthropic);
        start({{u"CLIENT_STALL_TIMEOUT_MS"_s, u"300"_s}});
        const int chunks = 12800, chunkBytes = 16 * 1024; // 200 MiB of text
        h->upstream().replyBulkSse(chunks, chunkBytes);
        const qint64 rssBefore = rss();
        QVERIFY(rssBefore > 0);
        QVERIFY(resetPeakRss());
        SlowClient client;
        QVERIFY(client.connectTo(h->runtime().port()));
        send(client, anthropic);

        QTRY_COMPARE_WITH_TIMEOUT(h->upstream().abortedStreams(), 1, 10000);
        const qint64 growth = peakRss() - rssBefore; // the stream passed, then was freed
        const qint64 sent = h->upstream().bulk().sentBytes;
        qInfo("upstream aborted after %lld KiB; RSS grew by %lld KiB", sent / 1024, growth / 1024);
        QVERIFY2(sent < kInFlightBound, qPrintable(QString::number(sent)));
        QVERIFY2(growth < 64 * MiB, qPrintable(QString::number(growth)));
        QCOMPARE(h->runtime().metrics().clientStalls(), quint64(1));
        QVERIFY(h->runtime().metrics().upstreamPauses() >= 1);
        // The client finds its connection closed, the answer cut short.
        client.startReading();
        QTRY_VERIFY(client.disconnected());
        QVERIFY(!client.complete());
        // Recorded like a client that went away.
        QTRY_VERIFY(h->runtime().metrics().render({}).contains("status=\"499\"} 1"));
    }
};

QTEST_MAIN(TestBackpressure)
#include "tst_backpressure.moc"
