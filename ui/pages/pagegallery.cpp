#include "pagegallery.h"

#include "accounts/accountservice.h"
#include "accounts/accountstore.h"
#include "addproviderdialog.h"
#include "clients/clientconfigwriter.h"
#include "clientspage.h"
#include "engine.h"
#include "engineclient.h"
#include "logspage.h"
#include "mainwindow.h"
#include "pool/accountpool.h"
#include "providers/providerservice.h"
#include "providerspage.h"
#include "usage/usagestore.h"
#include "usagepage.h"

#include <QApplication>
#include <QDir>
#include <QEventLoop>
#include <QLineEdit>
#include <QPalette>
#include <QStyle>
#include <QStyleFactory>
#include <QTableView>
#include <QTemporaryDir>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace qp {

namespace {

// Waits in a local loop until `ready` or the timeout; true when ready.
bool waitFor(const std::function<bool()> &ready, int timeoutMs)
{
    QEventLoop loop;
    QTimer tick;
    tick.setInterval(20);
    QObject::connect(&tick, &QTimer::timeout, &loop, [&] {
        if (ready())
            loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    tick.start();
    if (!ready())
        loop.exec();
    return ready();
}

QPalette darkPalette()
{
    QPalette p;
    const QColor window(0x2b, 0x2d, 0x31), base(0x1f, 0x21, 0x24), text(0xe6, 0xe6, 0xe6);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0x27, 0x29, 0x2d));
    p.setColor(QPalette::ToolTipBase, base);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::red);
    p.setColor(QPalette::Highlight, QColor(0x3d, 0x6f, 0xb4));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Mid, QColor(0x60, 0x60, 0x60));
    p.setColor(QPalette::PlaceholderText, QColor(0x90, 0x90, 0x90));
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x90, 0x90, 0x90));
    p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x90, 0x90, 0x90));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x80, 0x80, 0x80));
    return p;
}

// Runs on the engine thread: accounts, providers, a week of requests and some quota use.
void seed(Runtime &rt, std::function<void()> done)
{
    const qint64 now = rt.clock().nowMs();
    struct Demo {
        QString account, provider, model;
        int perDay;
    };
    const QList<Demo> demo{{u"alice"_s, u"qwen-oauth"_s, u"qwen3-coder-plus"_s, 40},
                           {u"bob"_s, u"qwen-oauth"_s, u"qwen3-coder-plus"_s, 18},
                           {u"coding-plan"_s, u"coding-plan"_s, u"qwen3.7-plus"_s, 55},
                           {u"model-studio"_s, u"model-studio"_s, u"qwen3.8-max"_s, 9}};
    const QStringList clients{u"claude-cli/2.1.197"_s, u"codex_cli_rs/0.58.0"_s,
                              u"QwenCode/0.14.3"_s, u"opencode/1.0.12"_s};
    int n = 0;
    for (int day = 6; day >= 0; --day) {
        for (const Demo &d : demo) {
            const int count = d.perDay * (7 - day) / 5 + (day % 3) * 4;
            for (int i = 0; i < count; ++i, ++n) {
                UsageRecord r;
                r.atMs = now - qint64(day) * 86'400'000 - qint64(i) * 97'000;
                r.accountId = d.account;
                r.provider = d.provider;
                r.dialect = n % 3 == 0 ? u"openai"_s : u"anthropic"_s;
                r.client = clients.at(n % clients.size());
                r.clientModel = n % 3 == 0 ? d.model : u"claude-sonnet-4-5"_s;
                r.model = d.model;
                r.status = n % 23 == 0 ? 429 : (n % 37 == 0 ? 502 : 200);
                r.errorClass = r.status == 200 ? QString() : u"quota"_s;
                r.stream = n % 2 == 0;
                r.latencyMs = 800 + (n * 131) % 9000;
                r.firstTokenMs = r.stream ? 300 + (n * 37) % 900 : -1;
                r.inputTokens = r.status == 200 ? 2000 + (n * 977) % 30000 : 0;
                r.outputTokens = r.status == 200 ? 100 + (n * 313) % 2500 : 0;
                rt.usage().record(r);
                if (day == 0 && rt.pool().contains(d.account))
                    rt.pool().recordOutcome(r);
            }
        }
    }
    qInfo("Serving on port 8765 (demo)");
    qWarning("Account \"bob\" cooled for 60 s: the upstream answered 429 (demo)");
    rt.pool().setUserState(u"model-studio"_s, AccountState::Disabled, u"disabled in the app"_s);
    rt.usage().flush();
    done();
}

} // namespace

QStringList renderPageGallery(const QString &dir, const PageGalleryOptions &options, QString *error)
{
    const auto fail = [error](const QString &why) {
        if (error)
            *error = why;
        return QStringList{};
    };
    if (!QDir().mkpath(dir))
        return fail(u"cannot create "_s + dir);
    QTemporaryDir data;
    if (!data.isValid())
        return fail(u"no temporary directory"_s);

    Engine::Options o;
    o.runtime.dataDir = data.filePath(u"data"_s);
    o.runtime.env = QProcessEnvironment();
    o.runtime.env.insert(u"PORT"_s, u"0"_s);
    o.runtime.env.insert(u"QP_SECRET_STORE"_s, u"memory"_s);
    o.runtime.env.insert(u"QWEN_CODE_AUTH_USE"_s, u"false"_s);
    o.runtime.env.insert(u"HOME"_s, data.path());
    Engine engine(std::move(o));
    engine.start();
    if (!waitFor(
            [&] {
                return engine.state() == Engine::State::Serving ||
                       engine.state() == Engine::State::Failed;
            },
            20000) ||
        engine.state() != Engine::State::Serving)
        return fail(u"the demo engine did not start: "_s + engine.errorMessage());

    // Accounts and providers first (their secrets are written asynchronously), then usage.
    int pending = 4;
    bool seeded = false;
    QObject guard;
    engine.post([&engine, &pending, &seeded, g = QPointer<QObject>(&guard)](Runtime &rt) {
        const qint64 now = rt.clock().nowMs();
        const auto oneDone = [&engine, &pending, &seeded, g, &rt] {
            if (--pending > 0)
                return;
            rt.reloadAccounts([&engine, &seeded, g, &rt] {
                seed(rt, [&engine, &seeded, g] {
                    QMetaObject::invokeMethod(
                        &engine,
                        [&seeded, g] {
                            if (g)
                                seeded = true;
                        },
                        Qt::QueuedConnection);
                });
            });
        };
        for (const QString &id : {u"alice"_s, u"bob"_s}) {
            QwenCredentials c;
            c.accessToken = u"demo-access-"_s + id;
            c.refreshToken = u"demo-refresh-"_s + id;
            c.resourceUrl = u"portal.qwen.ai"_s;
            c.expiryDateMs = now + (id == u"alice" ? 5 : 1) * 3'600'000;
            AddAccountOptions opt;
            opt.accountId = id;
            opt.label = id == u"alice" ? u"alice@example.com"_s : u"bob@example.com"_s;
            opt.makeDefault = id == u"alice";
            rt.accounts().addAccount(c, opt, [&rt, id, oneDone](Result<Account>) {
                rt.accounts().store()->setLimits(id, u"5h:120,day:1000"_s, 0, 0);
                oneDone();
            });
        }
        AddProviderRequest cp;
        cp.id = u"coding-plan"_s;
        cp.preset = u"coding-plan-intl"_s;
        cp.apiKey = u"sk-sp-demo0000000000"_s;
        rt.providers().add(cp, [oneDone](auto) { oneDone(); });
        AddProviderRequest ms;
        ms.id = u"model-studio"_s;
        ms.preset = u"modelstudio-singapore"_s;
        ms.apiKey = u"sk-demo0000000000"_s;
        ms.proxyUrl = u"socks5://127.0.0.1:1080"_s;
        rt.providers().add(ms, [oneDone](auto) { oneDone(); });
    });
    if (!waitFor([&] { return seeded; }, 20000))
        return fail(u"seeding the demo data timed out"_s);

    // The clients page looks at a demo home: Claude Code's settings written once, so the page
    // shows its "Restore backup" too.
    {
        const clients::ClientProfile *claude = clients::findClient(u"claude-code");
        const Settings &s = engine.settings();
        clients::ClientConfigWriter(data.path())
            .write(*claude, clients::endpointsFor(s.string(u"host"), engine.endpoints().port,
                                                  s.string(u"default_model"),
                                                  s.string(u"haiku_model_name")));
    }

    const QPalette original = QApplication::palette();
    const QString originalStyle = QApplication::style()->name();
    QStringList written;
    QList<QPair<QString, QPalette>> themes;
    if (options.light)
        themes.append({u"light"_s, QApplication::style()->standardPalette()});
    if (options.dark)
        themes.append({u"dark"_s, darkPalette()});
    // Fusion draws the same on every platform and honours a dark palette.
    QApplication::setStyle(QStyleFactory::create(u"Fusion"_s));
    for (const auto &[theme, palette] : themes) {
        QApplication::setPalette(palette);
        MainWindow window(engine);
        window.clientsPage()->setHomeDir(data.path());
        window.client().refresh();
        if (!waitFor(
                [&] {
                    return window.client().snapshot().valid &&
                           window.client().snapshot().accounts.size() >= 4;
                },
                10000))
            return fail(u"the demo accounts did not show"_s);
        for (const QSize &size : options.sizes) {
            window.resize(size);
            window.show();
            for (int p = 0; p < MainWindow::PageCount; ++p) {
                window.showPage(MainWindow::Page(p));
                if (p == MainWindow::Usage) {
                    bool shown = false;
                    auto c = QObject::connect(window.usagePage(), &UsagePage::reportShown,
                                              [&shown] { shown = true; });
                    window.usagePage()->reload();
                    waitFor([&] { return shown; }, 5000);
                    QObject::disconnect(c);
                }
                if (p == MainWindow::Logs) {
                    waitFor([&] { return window.logsPage()->view()->model()->rowCount() > 0; },
                            5000);
                    window.logsPage()->view()->selectRow(0);
                }
                waitFor([] { return false; }, 150); // layouts and queued paints settle
                static const char *names[] = {"accounts", "providers", "usage",
                                              "logs",     "clients",   "settings"};
                const QString file = QDir(dir).filePath(
                    u"%1%2-%3-%4x%5.png"_s.arg(options.filePrefix, QLatin1String(names[p]), theme)
                        .arg(size.width())
                        .arg(size.height()));
                if (!window.grab().save(file))
                    return fail(u"cannot write "_s + file);
                written << file;
            }
        }
        // Two more views people ask about: a month per model, and adding a provider.
        const QSize wide = options.sizes.isEmpty() ? QSize(1400, 900) : options.sizes.last();
        window.resize(wide);
        window.showPage(MainWindow::Usage);
        window.usagePage()->setGrouping(UsagePage::Grouping::PerModel);
        window.usagePage()->setMetric(UsagePage::Metric::OutputTokens);
        {
            bool shown = false;
            auto c = QObject::connect(window.usagePage(), &UsagePage::reportShown,
                                      [&shown] { shown = true; });
            window.usagePage()->setDays(30);
            waitFor([&] { return shown; }, 5000);
            QObject::disconnect(c);
        }
        waitFor([] { return false; }, 150);
        const QString usageFile =
            QDir(dir).filePath(u"%1usage-models-30d-%2.png"_s.arg(options.filePrefix, theme));
        if (!window.grab().save(usageFile))
            return fail(u"cannot write "_s + usageFile);
        written << usageFile;

        window.showPage(MainWindow::Providers);
        AddProviderDialog *dialog = window.providersPage()->openAddDialog();
        dialog->selectPreset(u"coding-plan-intl"_s);
        dialog->idField()->setText(u"my-coding-plan"_s);
        dialog->keyField()->setText(u"sk-sp-demo-not-a-real-key"_s); // drawn as dots
        dialog->proxyField()->setText(u"direct"_s);
        waitFor([] { return false; }, 150);
        const QString dialogFile =
            QDir(dir).filePath(u"%1add-provider-%2.png"_s.arg(options.filePrefix, theme));
        if (!dialog->grab().save(dialogFile))
            return fail(u"cannot write "_s + dialogFile);
        written << dialogFile;
        dialog->reject();
        window.hide();
    }
    QApplication::setStyle(originalStyle);
    QApplication::setPalette(original);
    bool stopped = false;
    engine.shutdown(500, [&stopped] { stopped = true; });
    waitFor([&] { return stopped; }, 5000);
    return written;
}

} // namespace qp
