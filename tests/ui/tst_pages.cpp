// The main window's pages driven through a real Engine (its own thread, a fake upstream): what a
// user adds in a dialog is stored, a request made through the running server shows up in the logs
// page, the usage chart's bars are the numbers `qwen-proxy usage` prints, the accounts table
// follows a `qwen-proxy provider add` made by another process, and the settings page validates
// with the core's own specs before it writes the config file.
#include "accountsmodel.h"
#include "accountspage.h"
#include "addproviderdialog.h"
#include "common/compactcount.h"
#include "engine.h"
#include "engineclient.h"
#include "logging/logging.h"
#include "logspage.h"
#include "mainwindow.h"
#include "offthread.h"
#include "pool/accountpool.h"
#include "providers/providerservice.h"
#include "providerspage.h"
#include "requestlogmodel.h"
#include "secrets/secretstoreprobe.h"
#include "settingspage.h"
#include "usagepage.h"

#include <QApplication>
#include <QBarSet>
#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStackedBarSeries>
#include <QStackedWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace qp;
using namespace qp::test;

namespace {
const QString kGoodKey = u"sk-sp-goodkey-7f3a9c"_s;

QString binary()
{
    return QStringLiteral(QP_BINARY_DIR "/src/cli/qwen-proxy");
}

bool hasRow(const QAbstractItemModel *m, int role, const QString &value)
{
    for (int r = 0; r < m->rowCount(); ++r)
        if (m->index(r, 0).data(role).toString() == value)
            return true;
    return false;
}

// Every text a user could see or copy out of the window.
QStringList visibleTexts(QWidget *root)
{
    QStringList out;
    for (QLabel *l : root->findChildren<QLabel *>())
        out << l->text();
    for (QLineEdit *e : root->findChildren<QLineEdit *>())
        if (e->echoMode() == QLineEdit::Normal)
            out << e->text();
    for (QPlainTextEdit *e : root->findChildren<QPlainTextEdit *>())
        out << e->toPlainText();
    for (QAbstractItemView *v : root->findChildren<QAbstractItemView *>()) {
        const QAbstractItemModel *m = v->model();
        if (!m)
            continue;
        for (int r = 0; r < m->rowCount(); ++r)
            for (int c = 0; c < m->columnCount(); ++c) {
                out << m->index(r, c).data().toString();
                out << m->index(r, c).data(Qt::ToolTipRole).toString();
            }
    }
    return out;
}
} // namespace

class TestPages : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    UpstreamThread m_upstream;
    std::unique_ptr<Engine> m_engine;
    std::unique_ptr<MainWindow> m_window;
    int m_confirmations = 0;
    bool m_confirmAnswer = true;

    QProcessEnvironment baseEnv() const
    {
        QProcessEnvironment env;
        env.insert(u"LANG"_s, u"C.UTF-8"_s);
        env.insert(u"HOME"_s, m_dir.path());
        env.insert(u"PATH"_s, qEnvironmentVariable("PATH"));
        env.insert(u"QP_SECRET_STORE"_s, u"file"_s);
        env.insert(u"QWEN_CODE_AUTH_USE"_s, u"false"_s);
        env.insert(u"QWEN_HOME"_s, m_dir.filePath(u"qwen"_s));
        return env;
    }

    // The CLI on the same data dir, while this process's event loop keeps the window alive.
    QByteArray runCli(const QStringList &args, const QByteArray &stdinBytes = {})
    {
        QProcess p;
        p.setProcessEnvironment(baseEnv());
        p.start(binary(), args + QStringList{u"--data-dir"_s, m_dir.filePath(u"data"_s)});
        if (!p.waitForStarted(10000))
            return {};
        p.write(stdinBytes);
        p.closeWriteChannel();
        QEventLoop loop;
        connect(&p, &QProcess::finished, &loop, &QEventLoop::quit);
        QTimer::singleShot(30000, &loop, &QEventLoop::quit);
        if (p.state() != QProcess::NotRunning)
            loop.exec();
        if (p.state() != QProcess::NotRunning || p.exitCode() != 0) {
            qWarning().noquote() << "qwen-proxy" << args.join(u' ')
                                 << "failed:" << QString::fromUtf8(p.readAllStandardError());
            return {};
        }
        return p.readAllStandardOutput();
    }

    int chat(const QString &model, const QString &account = {})
    {
        QNetworkAccessManager nam;
        QNetworkRequest req(
            QUrl(u"http://127.0.0.1:%1/v1/chat/completions"_s.arg(m_engine->endpoints().port)));
        req.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
        req.setHeader(QNetworkRequest::UserAgentHeader, u"tst-pages/1.0"_s);
        if (!account.isEmpty())
            req.setRawHeader("X-Qwen-Account", account.toUtf8());
        const QByteArray body =
            QJsonDocument(
                QJsonObject{{u"model"_s, model},
                            {u"messages"_s, QJsonArray{QJsonObject{{u"role"_s, u"user"_s},
                                                                   {u"content"_s, u"hi"_s}}}}})
                .toJson(QJsonDocument::Compact);
        QNetworkReply *reply = nam.post(req, body);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        if (!finished.wait(10000))
            return -1;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        reply->deleteLater();
        return status;
    }

private slots:
    void initTestCase();
    void emptyStateBeforeAnyAccount();
    void addProviderThroughTheDialog();
    void requestAppearsOnTheLogsPage();
    void chartSeriesEqualTheUsageCommand();
    void accountsFollowAnotherProcess();
    void accountActions();
    void settingsValidateAndPersist();
    void unlockingThenFileFallbackBanner();
    void cleanupTestCase();
};

void TestPages::initTestCase()
{
    QVERIFY(m_dir.isValid());
    LogHub::instance().install(LogHub::Level::Info);
    m_upstream.configure([](FakeUpstream &u) {
        u.on("/v1/chat/completions", [](const http::HttpRequest &req, http::ResponseWriter *w) {
            if (!req.header("authorization").startsWith("Bearer sk-sp-")) {
                w->sendJson(401, QJsonObject{{u"error"_s, QJsonObject{{u"message"_s,
                                                                       u"Incorrect API key."_s}}}});
                return;
            }
            w->sendJson(200, FakeUpstream::completion(u"OK"_s, 12, 3));
        });
        u.on("/v1/models", [](const http::HttpRequest &, http::ResponseWriter *w) {
            QJsonArray data;
            for (const char *id : {"qwen3-coder-plus", "text-embedding-v4", "qwen3.7-plus"})
                data.append(QJsonObject{{u"id"_s, QString::fromLatin1(id)}});
            w->sendJson(200, QJsonObject{{u"object"_s, u"list"_s}, {u"data"_s, data}});
        });
    });

    Engine::Options o;
    o.runtime.dataDir = m_dir.filePath(u"data"_s);
    o.runtime.env = baseEnv();
    o.runtime.env.insert(u"PORT"_s, u"0"_s);
    m_engine = std::make_unique<Engine>(std::move(o));
    m_window = std::make_unique<MainWindow>(*m_engine);
    const Confirmer confirm = [this](QWidget *, const QString &, const QString &) {
        ++m_confirmations;
        return m_confirmAnswer;
    };
    m_window->accountsPage()->setConfirmer(confirm);
    m_window->providersPage()->setConfirmer(confirm);
    m_window->settingsPage()->setConfirmer(confirm);
    m_window->client().setRefreshInterval(500);
    m_window->show();
    m_engine->start();
    QTRY_COMPARE_WITH_TIMEOUT(m_engine->state(), Engine::State::Serving, 15000);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->client().snapshot().valid, 5000);
    QVERIFY(m_window->statusText().contains(QString::number(m_engine->endpoints().port)));
}

void TestPages::emptyStateBeforeAnyAccount()
{
    AccountsPage *page = m_window->accountsPage();
    QCOMPARE(page->model()->rowCount(), 0);
    auto *empty = page->findChild<QLabel *>(u"emptyState"_s);
    QVERIFY(empty);
    m_window->showPage(MainWindow::Accounts);
    QTRY_VERIFY(empty->isVisible());
    QVERIFY(empty->text().contains(u"No accounts yet"_s));
}

void TestPages::addProviderThroughTheDialog()
{
    m_window->showPage(MainWindow::Providers);
    ProvidersPage *page = m_window->providersPage();
    QPointer<AddProviderDialog> d = page->openAddDialog();
    QVERIFY(d && d->isVisible());
    d->selectPreset(u"coding-plan-intl"_s);
    QCOMPARE(d->idField()->text(), u"coding-plan-intl"_s);
    QVERIFY(d->baseUrlField()->text().startsWith(u"https://"_s)); // the preset's, prefilled
    QCOMPARE(d->keyField()->echoMode(), QLineEdit::Password);
    d->idField()->setText(u"cp"_s);
    d->baseUrlField()->setText(m_upstream.baseUrl());

    // The preset's key format, checked before anything is sent; the message never quotes it.
    d->keyField()->setText(u"sk-wrongplan-123"_s);
    QVERIFY(!d->canSubmit());
    QVERIFY(!d->problemText().isEmpty());
    QVERIFY(!d->problemText().contains(u"sk-wrongplan-123"_s));
    d->keyField()->setText(kGoodKey);
    QVERIFY2(d->canSubmit(), qPrintable(d->problemText()));
    QSignalSpy added(d.data(), &AddProviderDialog::added);
    d->submit();
    QTRY_COMPARE_WITH_TIMEOUT(added.size(), 1, 10000);
    QCOMPARE(added.first().first().toString(), u"cp"_s);

    // Stored: the providers table and the accounts table list it (the pool serves from it).
    QTRY_VERIFY_WITH_TIMEOUT(!page->table()->findItems(u"cp"_s, Qt::MatchExactly).isEmpty(), 5000);
    QTRY_VERIFY_WITH_TIMEOUT(
        hasRow(m_window->accountsPage()->model(), AccountsModel::kIdRole, u"cp"_s), 5000);

    // Test: latency and the answer in plain words.
    page->selectId(u"cp"_s);
    QCOMPARE(page->selectedId(), u"cp"_s);
    page->testSelected();
    QTRY_VERIFY_WITH_TIMEOUT(page->resultText().contains(u"works"_s), 10000);
    QVERIFY2(page->resultText().contains(u"OK"_s), qPrintable(page->resultText()));
    page->modelsOfSelected();
    QTRY_VERIFY_WITH_TIMEOUT(page->resultText().contains(u"qwen3.7-plus"_s), 10000);
    QVERIFY(!page->resultText().contains(u"text-embedding"_s));

    // The key is nowhere to be seen: not in any text of the window, not in the log.
    QTRY_VERIFY(!d || !d->isVisible());
    for (const QString &t : visibleTexts(m_window.get()))
        QVERIFY2(!t.contains(kGoodKey), qPrintable(t));
    for (const LogEntry &e : LogHub::instance().recent(LogHub::capacity))
        QVERIFY2(!e.message.contains(kGoodKey), qPrintable(e.message));
}

void TestPages::requestAppearsOnTheLogsPage()
{
    m_window->showPage(MainWindow::Logs);
    LogsPage *page = m_window->logsPage();
    QCOMPARE(chat(u"qwen3-coder-plus"_s), 200);
    const RequestLogModel *m = page->requests();
    QTRY_VERIFY_WITH_TIMEOUT(m->rowCount() >= 1, 5000);
    const UsageRecord &r = m->records().first();
    QCOMPARE(r.status, 200);
    QCOMPARE(r.accountId, u"cp"_s);
    QCOMPARE(r.clientModel, u"qwen3-coder-plus"_s);
    QCOMPARE(r.dialect, u"openai"_s);
    QVERIFY(r.client.startsWith(u"tst-pages"_s));
    QCOMPARE(r.inputTokens, 12);
    QCOMPARE(r.outputTokens, 3);

    // Filters: errors only hides it, text and account keep it.
    page->statusFilter()->setCurrentIndex(page->statusFilter()->findData(-1));
    QCOMPARE(page->filter()->rowCount(), 0);
    page->statusFilter()->setCurrentIndex(0);
    page->textFilter()->setText(u"TST-PAGES"_s);
    QCOMPARE(page->filter()->rowCount(), m->rowCount());
    page->textFilter()->setText(u"no-such-client"_s);
    QCOMPARE(page->filter()->rowCount(), 0);
    page->textFilter()->clear();
    QTRY_VERIFY(page->accountFilter()->findData(u"cp"_s) > 0);
    page->accountFilter()->setCurrentIndex(page->accountFilter()->findData(u"cp"_s));
    QCOMPARE(page->filter()->rowCount(), m->rowCount());
    page->accountFilter()->setCurrentIndex(0);

    // Details of the selected request.
    page->view()->selectRow(0);
    QTRY_VERIFY(page->details()->toPlainText().contains(u"Model sent: "_s));
    QVERIFY(page->details()->toPlainText().contains(u"Input tokens: 12"_s));

    // Pause: a new request does not show until resumed.
    page->pause()->setChecked(true);
    const int before = m->rowCount();
    QCOMPARE(chat(u"qwen3.7-plus"_s), 200);
    QTest::qWait(1500); // three refresh periods: long enough for a row that should not come
    QCOMPARE(m->rowCount(), before);
    page->pause()->setChecked(false);
    QTRY_COMPARE_WITH_TIMEOUT(m->rowCount(), before + 1, 5000);

    // The console log shows LogHub's lines, filtered by level.
    QTRY_VERIFY(!page->console()->toPlainText().isEmpty());
    qWarning("tst-pages warning line");
    QTRY_VERIFY(page->console()->toPlainText().contains(u"tst-pages warning line"_s));
    page->levelFilter()->setCurrentIndex(page->levelFilter()->findData(3)); // errors only
    QVERIFY(!page->console()->toPlainText().contains(u"tst-pages warning line"_s));
    page->levelFilter()->setCurrentIndex(page->levelFilter()->findData(1));
}

void TestPages::chartSeriesEqualTheUsageCommand()
{
    m_window->showPage(MainWindow::Usage);
    UsagePage *page = m_window->usagePage();
    for (const bool perModel : {false, true}) {
        page->setGrouping(perModel ? UsagePage::Grouping::PerModel
                                   : UsagePage::Grouping::PerAccount);
        for (const auto metric : {UsagePage::Metric::Requests, UsagePage::Metric::InputTokens,
                                  UsagePage::Metric::OutputTokens}) {
            page->setMetric(metric);
            QSignalSpy shown(page, &UsagePage::reportShown);
            page->reload();
            QVERIFY(shown.wait(5000));
            QCOMPARE(page->categories().size(), 7);

            // What the CLI prints for the same days, summed per account (or model) and day.
            QStringList args{u"usage"_s, u"--json"_s, u"--days"_s, u"7"_s};
            if (perModel)
                args << u"--by-model"_s;
            const QByteArray out = runCli(args);
            QVERIFY(!out.isEmpty());
            const QJsonArray daily =
                QJsonDocument::fromJson(out).object().value(u"daily"_s).toArray();
            QVERIFY(!daily.isEmpty());
            const char *field = metric == UsagePage::Metric::Requests      ? "requests"
                                : metric == UsagePage::Metric::InputTokens ? "input_tokens"
                                                                           : "output_tokens";
            QHash<QString, QList<qint64>> expected;
            for (const QJsonValue &v : daily) {
                const QJsonObject o = v.toObject();
                const QString key = o.value(perModel ? u"model"_s : u"account"_s).toString();
                const int day = int(page->categories().indexOf(o.value(u"day"_s).toString()));
                QVERIFY(day >= 0);
                auto &values = expected[key];
                if (values.isEmpty())
                    values.fill(0, 7);
                values[day] += o.value(QLatin1String(field)).toInteger();
            }
            QHash<QString, QList<qint64>> drawn;
            for (QBarSet *set : page->series()->barSets()) {
                QList<qint64> values;
                for (int i = 0; i < set->count(); ++i)
                    values << qint64(set->at(i));
                drawn.insert(set->label(), values);
            }
            QCOMPARE(drawn, expected);
        }
    }
    // Two requests so far through "cp": the chart says so for today.
    page->setGrouping(UsagePage::Grouping::PerAccount);
    page->setMetric(UsagePage::Metric::Requests);
    QCOMPARE(page->series()->barSets().first()->at(6), 2.0);

    // The value axis reads as every other figure: the CLI's compact form, not raw counts.
    QCOMPARE(page->valueAxisLabels(),
             (QStringList{u"0"_s, u"1"_s, u"2"_s, u"3"_s, u"4"_s, u"5"_s}));
    QCOMPARE(UsagePage::axisTicks(330'000), (QList<qint64>{0, 100'000, 200'000, 300'000, 400'000}));
    QCOMPARE(UsagePage::axisTicks(1'100'000), (QList<qint64>{0, 500'000, 1'000'000, 1'500'000}));
    QCOMPARE(UsagePage::axisTicks(100), (QList<qint64>{0, 20, 40, 60, 80, 100}));
    page->setMetric(UsagePage::Metric::InputTokens);
    QStringList expected;
    for (const qint64 t : UsagePage::axisTicks(100)) // a few tokens so far: the 100 floor
        expected << compactCount(t);
    QCOMPARE(page->valueAxisLabels(), expected);
}

void TestPages::accountsFollowAnotherProcess()
{
    AccountsModel *m = m_window->accountsPage()->model();
    QVERIFY(!hasRow(m, AccountsModel::kIdRole, u"ext"_s));
    const QByteArray out = runCli({u"provider"_s, u"add"_s, u"ext"_s, u"--preset"_s,
                                   u"coding-plan-intl"_s, u"--base-url"_s, m_upstream.baseUrl()},
                                  kGoodKey.toUtf8() + '\n');
    QVERIFY(!out.isEmpty());
    // The window's own refresh period (2 s, the product's default), then one read of the store:
    // within 3 s of the other process finishing.
    m_window->client().setRefreshInterval(2000);
    QTRY_VERIFY_WITH_TIMEOUT(hasRow(m, AccountsModel::kIdRole, u"ext"_s), 3000);
    m_window->client().setRefreshInterval(500);
    QTRY_VERIFY_WITH_TIMEOUT(
        !m_window->providersPage()->table()->findItems(u"ext"_s, Qt::MatchExactly).isEmpty(), 3500);
}

void TestPages::accountActions()
{
    AccountsPage *page = m_window->accountsPage();
    m_window->showPage(MainWindow::Accounts);
    const auto row = [&](const QString &id) {
        return page->model()->row(id).value_or(AccountRow{});
    };

    page->selectId(u"ext"_s);
    QCOMPARE(page->selectedId(), u"ext"_s);
    page->setDefault();
    QTRY_VERIFY_WITH_TIMEOUT(row(u"ext"_s).isDefault, 5000);
    QVERIFY(!row(u"cp"_s).isDefault);

    page->selectId(u"cp"_s);
    page->toggleEnabled();
    QTRY_VERIFY_WITH_TIMEOUT(row(u"cp"_s).state == u"disabled"_s, 5000);
    QVERIFY(page->statusText().contains(u"disabled"_s));
    // The pool follows: a request pinned to the disabled account is refused.
    QTRY_VERIFY_WITH_TIMEOUT(chat(u"qwen3-coder-plus"_s, u"cp"_s) >= 400, 5000);
    page->selectId(u"cp"_s);
    page->toggleEnabled();
    QTRY_VERIFY_WITH_TIMEOUT(row(u"cp"_s).state == u"healthy"_s, 5000);

    // Remove asks first; "no" keeps it.
    QSignalSpy relogin(page, &AccountsPage::loginRequested);
    page->selectId(u"ext"_s);
    m_confirmAnswer = false;
    const int asked = m_confirmations;
    page->removeSelected();
    QCOMPARE(m_confirmations, asked + 1);
    QTest::qWait(600);
    QVERIFY(page->model()->row(u"ext"_s).has_value());
    m_confirmAnswer = true;
    page->removeSelected();
    QTRY_VERIFY_WITH_TIMEOUT(!page->model()->row(u"ext"_s).has_value(), 5000);
    QTRY_VERIFY_WITH_TIMEOUT(
        m_window->providersPage()->table()->findItems(u"ext"_s, Qt::MatchExactly).isEmpty(), 5000);
    QCOMPARE(relogin.size(), 0);
    // "Log in…" only asks for the login window (the tray side owns it), with no account id.
    QPushButton *login = nullptr;
    for (QPushButton *b : page->findChildren<QPushButton *>())
        if (b->text() == u"Log in…"_s)
            login = b;
    QVERIFY(login);
    QSignalSpy windowLogin(m_window.get(), &MainWindow::loginRequested);
    login->click();
    QCOMPARE(relogin.size(), 1);
    QCOMPARE(relogin.first().first().toString(), QString());
    QCOMPARE(windowLogin.size(), 1);
}

void TestPages::settingsValidateAndPersist()
{
    m_window->showPage(MainWindow::Settings);
    SettingsPage *page = m_window->settingsPage();
    QTRY_VERIFY(page->isLoaded());
    QCOMPARE(page->hostField()->text(), u"127.0.0.1"_s);
    QVERIFY(!page->canSave()); // nothing changed yet

    page->portField()->setText(u"70000"_s);
    QVERIFY(page->problems().contains(u"port"_s));
    QVERIFY(page->problems().value(u"port"_s).contains(u"0-65535"_s));
    QVERIFY(!page->canSave());
    page->portField()->setText(u"eighty"_s);
    QVERIFY(!page->canSave());
    page->portField()->setText(u"9911"_s);
    page->hostField()->setText(u"127.0.0.1:80"_s);
    QVERIFY(page->problems().contains(u"host"_s));
    page->routesField()->setText(u"claude-*"_s);
    QVERIFY(page->problems().contains(u"routes"_s));
    page->routesField()->clear();

    // Beyond loopback: a warning on the page, and a question before saving.
    auto *exposure = page->findChild<QLabel *>(u"exposureWarning"_s);
    page->hostField()->setText(u"0.0.0.0"_s);
    QVERIFY(page->problems().isEmpty());
    QVERIFY(exposure->isVisible());
    page->reserveBox()->setValue(10);
    page->startMinimizedBox()->setChecked(true);
    QVERIFY(page->canSave());
    const QString config = m_dir.filePath(u"data/config.json"_s);
    m_confirmAnswer = false;
    int asked = m_confirmations;
    page->save();
    QCOMPARE(m_confirmations, asked + 1);
    QTest::qWait(300);
    QVERIFY(!QFile::exists(config) || !QFile(config).readAll().contains("0.0.0.0"));

    m_confirmAnswer = true;
    QSignalSpy saved(page, &SettingsPage::saved);
    page->save();
    QVERIFY(saved.wait(5000));
    QVERIFY(page->statusText().contains(u"Restart"_s));
    QFile f(config);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
    QCOMPARE(o.value(u"host"_s).toString(), u"0.0.0.0"_s);
    QCOMPARE(o.value(u"port"_s).toInt(), 9911);
    QCOMPARE(o.value(u"quota_reserve_percent"_s).toInt(), 10);
    QCOMPARE(o.value(u"start_minimized"_s).toBool(), true);
    QVERIFY(!o.contains(u"upstream_api_key"_s));
    // The pool took the reserve at once; the address waits for a restart (and says so).
    QVERIFY(page->statusText().contains(u"host"_s));
    QVERIFY(!page->statusText().contains(u"quota_reserve_percent"_s));
    int reserve = -1;
    m_engine->call([](Runtime &rt) { return rt.pool().config().reservePercent; }, this,
                   [&reserve](int r) { reserve = r; });
    QTRY_COMPARE(reserve, 10);
    // Reloaded from the engine: the form now equals what runs, so nothing is left to save.
    QTRY_VERIFY(!page->canSave());
    QCOMPARE(page->portField()->text(), u"9911"_s);
}

// The keychain is opened when a secret is first needed (docs/engine-thread.md): the app serves
// without it; the first key stored asks it, and a keychain that gives no store leaves the tokens
// in the file, which the accounts page then says.
void TestPages::unlockingThenFileFallbackBanner()
{
    QTemporaryDir dir;
    int asked = 0;
    std::function<void(SecretStoreChoice)> answer;
    Engine::Options o;
    o.runtime.dataDir = dir.filePath(u"data"_s);
    o.runtime.env = baseEnv();
    o.runtime.env.remove(u"QP_SECRET_STORE"_s); // auto: the chooser below decides
    o.runtime.env.insert(u"PORT"_s, u"0"_s);
    o.chooseSecretStore = [&](const RuntimeSetup &, std::function<void(SecretStoreChoice)> done) {
        ++asked;
        answer = std::move(done);
    };
    Engine engine(std::move(o));
    MainWindow window(engine);
    engine.start();
    QTRY_COMPARE_WITH_TIMEOUT(engine.state(), Engine::State::Serving, 15000);
    QVERIFY(window.statusText().contains(u"Serving"_s));
    QCOMPARE(asked, 0);
    auto *banner = window.accountsPage()->findChild<QLabel *>(u"secretsBanner"_s);
    QVERIFY(banner);
    QVERIFY(banner->isHidden());

    bool added = false;
    engine.call(
        [](Runtime &rt) {
            AddProviderRequest req;
            req.id = u"later"_s;
            req.preset = u"custom"_s;
            req.baseUrl = u"http://127.0.0.1:9/v1"_s;
            req.models = {u"m1"_s};
            req.apiKey = u"sk-pages-banner"_s;
            rt.providers().add(req, [](Result<ProviderConfig>) {});
            return true;
        },
        this, [&](bool) { added = true; });
    QTRY_VERIFY(added);
    QTRY_COMPARE_WITH_TIMEOUT(asked, 1, 5000);
    answer(SecretStoreChoice{}); // no answer from the keychain: the engine falls back to the file
    QTRY_VERIFY_WITH_TIMEOUT(!banner->isHidden(), 5000);
    QVERIFY2(banner->text().contains(u"tokens are kept in"_s), qPrintable(banner->text()));
    bool stopped = false;
    engine.shutdown(500, [&] { stopped = true; });
    QTRY_VERIFY_WITH_TIMEOUT(stopped, 5000);
}

void TestPages::cleanupTestCase()
{
    m_window.reset();
    if (m_engine) {
        bool stopped = false;
        m_engine->shutdown(500, [&] { stopped = true; });
        QTRY_VERIFY_WITH_TIMEOUT(stopped, 5000);
        m_engine.reset();
    }
}

QTEST_MAIN(TestPages)
#include "tst_pages.moc"
