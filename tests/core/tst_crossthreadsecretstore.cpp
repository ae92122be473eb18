// The cross-thread secret store (docs/engine-thread.md): operations issued on a worker thread
// reach a store on the main thread and answer back on the worker, in issue order; an answer that
// arrives after the bridge is gone is dropped, never delivered to a dead object.
#include "secrets/crossthreadsecretstore.h"
#include "secrets/memorysecretstore.h"

#include <QSemaphore>
#include <QTest>
#include <QThread>

using namespace Qt::StringLiterals;
using namespace qp;

class TestCrossThreadSecretStore : public QObject
{
    Q_OBJECT
private slots:
    void answersOnTheCallingThreadInOrder();
    void answersAfterDestructionAreDropped();
};

namespace {
// Runs `f` on `thread` and waits for it.
template <typename F> void runOn(QThread &thread, F f)
{
    QObject anchor;
    anchor.moveToThread(&thread);
    QMetaObject::invokeMethod(&anchor, f, Qt::BlockingQueuedConnection);
    QMetaObject::invokeMethod(
        &anchor, [&anchor] { anchor.moveToThread(QCoreApplication::instance()->thread()); },
        Qt::BlockingQueuedConnection);
}
} // namespace

void TestCrossThreadSecretStore::answersOnTheCallingThreadInOrder()
{
    MemorySecretStore target; // this (main) thread, as the keychain store is
    QThread worker;
    worker.start();
    CrossThreadSecretStore *bridge = nullptr;
    QStringList log; // appended on the worker only; read after the worker answered
    QSemaphore finished;
    QThread *answeredOn[3] = {};
    runOn(worker, [&] {
        bridge = new CrossThreadSecretStore(&target);
        QCOMPARE(bridge->kind(), target.kind());
        bridge->write(u"account/a"_s, "v1", [&](std::optional<Error> e) {
            answeredOn[0] = QThread::currentThread();
            log << (e ? u"write failed"_s : u"written"_s);
        });
        bridge->read(u"account/a"_s, [&](Result<QByteArray> r) {
            answeredOn[1] = QThread::currentThread();
            log << (r ? u"read "_s + QString::fromLatin1(*r) : u"read failed"_s);
        });
        bridge->remove(u"account/a"_s, [&](std::optional<Error> e) {
            answeredOn[2] = QThread::currentThread();
            log << (e ? u"remove failed"_s : u"removed"_s);
            finished.release();
        });
    });
    // The target works on this thread: keep its loop running until the worker has all answers.
    QTRY_COMPARE_WITH_TIMEOUT(finished.available(), 1, 5000);
    QCOMPARE(log, (QStringList{u"written"_s, u"read v1"_s, u"removed"_s}));
    for (QThread *t : answeredOn)
        QCOMPARE(t, &worker);
    runOn(worker, [&] { delete bridge; });
    worker.quit();
    worker.wait();
}

void TestCrossThreadSecretStore::answersAfterDestructionAreDropped()
{
    MemorySecretStore target;
    QThread worker;
    worker.start();
    bool answered = false;
    runOn(worker, [&] {
        auto *bridge = new CrossThreadSecretStore(&target);
        bridge->write(u"account/b"_s, "v", [&](std::optional<Error>) { answered = true; });
        delete bridge; // before the main thread has even run the write
    });
    // The write still happens on the target (it was issued); its answer has nowhere to go.
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            bool has = false;
            target.read(u"account/b"_s, [&](Result<QByteArray> r) { has = bool(r); });
            QCoreApplication::processEvents();
            return has;
        }(),
        5000);
    runOn(worker, [] {}); // anything queued on the worker has run by now
    QVERIFY(!answered);
    worker.quit();
    worker.wait();
}

QTEST_GUILESS_MAIN(TestCrossThreadSecretStore)
#include "tst_crossthreadsecretstore.moc"
