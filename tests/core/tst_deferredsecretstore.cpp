// The secret store chosen on first use: nothing is probed until an operation needs it, the
// operations issued while choosing run in order against the chosen store, a chooser that gives
// no store leaves the 0600 file with a warning, and a choice that arrives after the store is
// gone is deleted.
#include "secrets/deferredsecretstore.h"
#include "secrets/memorysecretstore.h"
#include "secrets/secretstoreprobe.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace qp;

class TestDeferredSecretStore : public QObject
{
    Q_OBJECT
private slots:
    void choosesOnFirstUseAndKeepsOrder()
    {
        int asked = 0;
        std::function<void(SecretStoreChoice)> answer;
        DeferredSecretStore store(
            [&](std::function<void(SecretStoreChoice)> done) {
                ++asked;
                answer = std::move(done);
            },
            u"/nonexistent/secrets.json"_s);
        QSignalSpy choosing(&store, &DeferredSecretStore::choosing);
        QCOMPARE(asked, 0);
        QStringList log;
        store.write(u"k"_s, "one", [&](std::optional<Error> e) { log << (e ? u"E"_s : u"w1"_s); });
        store.read(u"k"_s, [&](Result<QByteArray> r) {
            log << (r ? u"r:"_s + QString::fromLatin1(*r) : u"E"_s);
        });
        store.write(u"k"_s, "two", [&](std::optional<Error> e) { log << (e ? u"E"_s : u"w2"_s); });
        QCOMPARE(asked, 1); // one choice for any number of waiting operations
        QCOMPARE(choosing.size(), 1);
        QVERIFY(log.isEmpty());
        auto *memory = new MemorySecretStore;
        answer(SecretStoreChoice{memory, false, {}});
        QVERIFY(store.isChosen());
        store.read(u"k"_s, [&](Result<QByteArray> r) {
            log << (r ? u"r:"_s + QString::fromLatin1(*r) : u"E"_s);
        });
        QTRY_COMPARE(log.size(), 4);
        QCOMPARE(log, (QStringList{u"w1"_s, u"r:one"_s, u"w2"_s, u"r:two"_s}));
        QCOMPARE(store.kind(), u"memory"_s);
        QCOMPARE(memory->parent(), &store);
    }

    void noStoreMeansTheFileWithAWarning()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(u"secrets.json"_s);
        DeferredSecretStore store(
            [](std::function<void(SecretStoreChoice)> done) { done(SecretStoreChoice{}); }, file);
        QSignalSpy chosen(&store, &DeferredSecretStore::chosen);
        bool written = false;
        store.write(u"k"_s, "v", [&](std::optional<Error> e) { written = !e; });
        QCOMPARE(chosen.size(), 1);
        QVERIFY(chosen.first().first().toString().contains(file));
        QTRY_VERIFY(written);
        QCOMPARE(store.kind(), u"file"_s);
        QVERIFY(QFile::exists(file));
    }

    void aLateChoiceIsDeleted()
    {
        std::function<void(SecretStoreChoice)> answer;
        QPointer<MemorySecretStore> late = new MemorySecretStore;
        {
            DeferredSecretStore store(
                [&](std::function<void(SecretStoreChoice)> done) { answer = std::move(done); },
                u"/nonexistent"_s);
            store.read(u"k"_s, [](Result<QByteArray>) { QFAIL("answered after destruction"); });
        }
        answer(SecretStoreChoice{late.data(), false, {}});
        QVERIFY(late.isNull());
    }
};

QTEST_GUILESS_MAIN(TestDeferredSecretStore)
#include "tst_deferredsecretstore.moc"
