// Account reloads are asynchronous end to end (issue 16 §2): a reload never spins a nested event
// loop while the server runs, reloads asked for during one merge into one more, and the pool
// gets the whole list at once.
#include "accountsync.h"
#include "logging/logging.h"
#include "pool/accountpool.h"
#include "proxyharness.h"

#include <QSignalSpy>
#include <QtTest>

using namespace Qt::StringLiterals;
using namespace qp::test;

class TestAccountSync : public QObject
{
    Q_OBJECT
    std::unique_ptr<ProxyHarness> h;

    void start()
    {
        h = std::make_unique<ProxyHarness>();
        QString err;
        QVERIFY2(h->start({{u"QWEN_CODE_AUTH_USE"_s, u"false"_s}}, &err), qPrintable(err));
        QVERIFY2(h->addAccount(u"a"_s, u"tok-a"_s, {}, &err), qPrintable(err));
        QVERIFY2(h->addProvider(u"cp"_s, u"coding-plan-intl"_s, h->upstream().baseUrl(),
                                u"sk-sp-x"_s, {}, {}, &err),
                 qPrintable(err));
    }

private Q_SLOTS:
    void initTestCase() { qp::LogHub::instance().install(qp::LogHub::Level::Off); }
    void cleanup() { h.reset(); }

    void aReloadReturnsAtOnceAndProcessesNoEventsInside()
    {
        start();
        // An event posted before the call: a nested event loop inside reloadAccounts() would
        // deliver it before the call returns.
        bool posted = false;
        QTimer::singleShot(0, this, [&] { posted = true; });
        bool done = false;
        h->runtime().reloadAccounts([&] { done = true; });
        QVERIFY2(!posted, "reloadAccounts() ran a nested event loop");
        QVERIFY(!done); // the secrets come back later, from the event loop
        QTRY_VERIFY(done);
        QVERIFY(posted);
        QCOMPARE(h->runtime().pool().accountIds(), (QStringList{u"a"_s, u"cp"_s}));
    }

    void reloadsAskedForDuringOneMergeIntoOneMore()
    {
        start();
        auto *sync = h->runtime().findChild<qp::AccountSync *>();
        QVERIFY(sync);
        QSignalSpy reloaded(sync, &qp::AccountSync::reloaded);
        int callbacks = 0;
        for (int i = 0; i < 5; ++i)
            h->runtime().reloadAccounts([&] { ++callbacks; });
        QTRY_COMPARE(callbacks, 5);
        QCOMPARE(reloaded.count(), 2); // the first, and one for the four asked during it
        QVERIFY(!sync->busy());
    }

    void aStreamKeepsFlowingWhileTheAccountsReload()
    {
        start();
        h->upstream().replySse(
            {{0, FakeUpstream::chunk(QJsonObject{{u"content"_s, u"one "_s}})},
             {40, FakeUpstream::chunk(QJsonObject{{u"content"_s, u"two"_s}}, u"stop"_s)},
             {0, FakeUpstream::usageChunk(3, 2)},
             {0, "[DONE]"}});
        // Reload in the middle of the stream: the relay and the pool must not notice.
        QTimer::singleShot(20, this, [this] { h->runtime().reloadAccounts(); });
        const ClientReply r = h->postJson(
            u"/v1/chat/completions"_s,
            QJsonObject{{u"model"_s, u"claude-sonnet-4-5"_s},
                        {u"stream"_s, true},
                        {u"messages"_s,
                         QJsonArray{QJsonObject{{u"role"_s, u"user"_s}, {u"content"_s, u"hi"_s}}}}},
            {{"X-Qwen-Account", "a"}});
        QCOMPARE(r.status, 200);
        QVERIFY(r.body.contains("one "));
        QVERIFY(r.body.contains("two"));
        QVERIFY(r.body.contains("[DONE]"));
    }
};

QTEST_MAIN(TestAccountSync)
#include "tst_accountsync.moc"
