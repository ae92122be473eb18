#include "secrets/secretstoreprobe.h"

#include "secrets/chunkedsecretstore.h"
#include "secrets/filesecretstore.h"
#include "secrets/keychainsecretstore.h"

#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QTimer>
#include <QUuid>
#include <memory>

Q_LOGGING_CATEGORY(lcProbe, "qp.core.secrets.probe")

namespace qp {

SecretStore *SecretStoreProbe::makeKeychainStore(const QString &service)
{
    return new ChunkedSecretStore(new KeychainSecretStore(service));
}

namespace {

// One probe in flight. Shared between the store callbacks and the timeout so whichever comes
// first decides, and the loser finds `finished` set.
struct ProbeRun {
    SecretStore *candidate = nullptr;
    QString fallbackPath;
    std::function<void(SecretStoreChoice)> done;
    QTimer timer;
    bool finished = false;

    void succeed()
    {
        if (finished)
            return;
        finished = true;
        timer.stop();
        timer.disconnect(); // releases the timeout lambda, which holds a reference to this run
        qCInfo(lcProbe) << "secrets are kept in" << candidate->describe();
        done(SecretStoreChoice{candidate, false, {}});
    }

    void fail(const QString &why)
    {
        if (finished)
            return;
        finished = true;
        timer.stop();
        timer.disconnect(); // releases the timeout lambda, which holds a reference to this run
        const QString what = candidate->describe();
        // The candidate may still have a job running; deleteLater drops its callbacks safely.
        candidate->deleteLater();
        auto *file = new FileSecretStore(fallbackPath);
        SecretStoreChoice c{file, true,
                            QStringLiteral("The %1 is not usable (%2). Account tokens are stored "
                                           "in %3 instead, readable only by your user but NOT "
                                           "encrypted.")
                                .arg(what, why, fallbackPath)};
        qCWarning(lcProbe).noquote() << c.warning;
        done(std::move(c));
    }
};

} // namespace

void SecretStoreProbe::choose(SecretStore *candidate, const QString &fallbackFilePath,
                              std::function<void(SecretStoreChoice)> done, int timeoutMs)
{
    auto run = std::make_shared<ProbeRun>();
    run->candidate = candidate;
    run->fallbackPath = fallbackFilePath;
    run->done = std::move(done);
    run->timer.setSingleShot(true);
    QObject::connect(&run->timer, &QTimer::timeout, candidate, [run, timeoutMs] {
        run->fail(QStringLiteral("no answer within %1 s").arg(timeoutMs / 1000.0));
    });
    run->timer.start(timeoutMs);

    const QString key =
        QStringLiteral("probe/") + QUuid::createUuid().toString(QUuid::WithoutBraces);
    const QByteArray value = QByteArray::number(QRandomGenerator::system()->generate64(), 16);
    candidate->write(key, value, [run, key, value](std::optional<Error> e) {
        if (run->finished)
            return;
        if (e)
            return run->fail(e->message);
        run->candidate->read(key, [run, key, value](Result<QByteArray> r) {
            if (run->finished)
                return;
            if (!r || r.value() != value) {
                const QString why =
                    r ? QStringLiteral("read back a different value") : r.error().message;
                run->candidate->remove(key, [](std::optional<Error>) {});
                return run->fail(why);
            }
            run->candidate->remove(key, [run](std::optional<Error> e) {
                if (e)
                    return run->fail(e->message);
                run->succeed();
            });
        });
    });
}

void SecretStoreProbe::chooseDefault(const QString &service, const QString &fallbackFilePath,
                                     bool skipKeychain, std::function<void(SecretStoreChoice)> done,
                                     int timeoutMs)
{
    if (skipKeychain) {
        auto *file = new FileSecretStore(fallbackFilePath);
        QTimer::singleShot(0, file, [file, done = std::move(done)] {
            done(SecretStoreChoice{file, true, {}});
        });
        return;
    }
    choose(makeKeychainStore(service), fallbackFilePath, std::move(done), timeoutMs);
}

} // namespace qp
