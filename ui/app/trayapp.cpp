#include "app/trayapp.h"

#include "accounts/accountservice.h"
#include "accounts/accountstore.h"
#include "accounts/loginsession.h"
#include "addproviderdialog.h"
#include "http/httpserver.h"
#include "logging/logging.h"
#include "login/loginbinding.h"
#include "login/loginwindow.h"
#include "mainwindow.h"
#include "platform/autostart.h"
#include "platform/portable.h"
#include "pool/accountpool.h"
#include "providerspage.h"
#include "tray/traycontroller.h"
#include "tray/traymenu.h"
#include "usage/usagestore.h"

#include <QApplication>
#include <QClipboard>
#include <QDesktopServices>
#include <QMessageBox>
#include <QStatusBar>
#include <QSystemTrayIcon>
#include <QTimer>
#include <QTranslator>

using namespace Qt::StringLiterals;

namespace qp {

namespace {
// One read of what the tray shows, taken on the engine thread.
struct TraySnapshot {
    QList<AccountSnapshot> accounts;
    QString defaultAccountId;
    qint64 requestsToday = 0;
    qint64 tokensToday = 0;
    qint64 nowMs = 0;
};
} // namespace

TrayApp::TrayApp(Engine::Options options, QObject *parent)
    : QObject(parent), m_engine(std::move(options))
{}

TrayApp::~TrayApp()
{
    delete m_login;
}

bool TrayApp::start()
{
    if (auto e = m_engine.prepare()) {
        QMessageBox::critical(nullptr, tr("Qwen Proxy"), e->message);
        return false;
    }
    const Settings &s = m_engine.settings();
    // The language: the system's, unless the settings name one; before any widget exists.
    const QString language = s.string(u"language").toLower();
    const QLocale locale = language == u"zh_cn" ? QLocale(QLocale::Chinese, QLocale::China)
                           : language == u"en"  ? QLocale(QLocale::English, QLocale::UnitedStates)
                                                : QLocale();
    m_translator = std::make_unique<QTranslator>();
    if (m_translator->load(locale, u"qwen-proxy"_s, u"_"_s, u":/i18n"_s))
        QCoreApplication::installTranslator(m_translator.get());
    if (!language.isEmpty())
        QLocale::setDefault(locale);
    LogHub::instance().install(LogHub::parseLevel(s.string(u"log_level"), s.boolean(u"debug_log")),
                               m_engine.dataDir() + u"/logs"_s, int(s.integer(u"log_file_limit")));

    m_window = std::make_unique<MainWindow>(m_engine);
    m_tray = std::make_unique<TrayController>(Clock::system());
    TrayMenu *menu = m_tray->menu();
    connect(menu, &TrayMenu::copyRequested, this,
            [](const QString &text) { QGuiApplication::clipboard()->setText(text); });
    connect(menu, &TrayMenu::openWindowRequested, this, &TrayApp::showWindow);
    connect(m_tray.get(), &TrayController::activated, this, &TrayApp::showWindow);
    connect(menu, &TrayMenu::addProviderRequested, this, &TrayApp::addProvider);
    connect(m_window.get(), &MainWindow::loginRequested, this,
            [this](const QString &id) { startLogin(id); });
    connect(menu, &TrayMenu::addAccountRequested, this, [this] { startLogin(); });
    connect(menu, &TrayMenu::loginRequested, this, [this](const QString &id) { startLogin(id); });
    connect(menu, &TrayMenu::makeDefaultRequested, this, [this](const QString &id) {
        m_engine.call([id](Runtime &rt) { return rt.accounts().setDefault(id); }, this,
                      [this](std::optional<Error> e) {
                          if (e)
                              qCWarning(lcServer).noquote() << e->message;
                          refresh();
                      });
    });
    connect(menu, &TrayMenu::pauseRequested, this, [this] { setPaused(true); });
    connect(menu, &TrayMenu::resumeRequested, this, [this] { setPaused(false); });
    connect(menu, &TrayMenu::quitRequested, this, &TrayApp::quit);

    m_refresh = new QTimer(this);
    m_refresh->setInterval(kRefreshMs);
    connect(m_refresh, &QTimer::timeout, this, &TrayApp::refresh);
    connect(&m_engine, &Engine::stateChanged, this, &TrayApp::onEngineState);

    // Start at login, re-applied at every launch: an entry left pointing at a moved or updated
    // binary is rewritten, and turning the setting off removes it.
    // Portable: nothing outside the folder, so no entry at all (platform/portable.h).
    QString autostartError;
    if (!portable::enabled() &&
        !Autostart::apply(s.boolean(u"start_at_login"), QCoreApplication::applicationFilePath(),
                          &autostartError))
        qCWarning(lcServer).noquote() << "start at login:" << autostartError;

    // Without a tray (plain Xvfb, some desktops) the window is the app: closing it quits, and
    // the window says so once.
    const bool trayAvailable = QSystemTrayIcon::isSystemTrayAvailable();
    QApplication::setQuitOnLastWindowClosed(!trayAvailable);
    if (trayAvailable)
        m_tray->trayIcon()->show();
    else
        m_window->statusBar()->showMessage(
            tr("No system tray on this desktop: closing this window quits Qwen Proxy."));
    // --minimized: the start-at-login entry's launch, which goes to the tray whatever
    // start_minimized says (a window popping up at every login is what people turn autostart off
    // for).
    const bool minimized =
        s.boolean(u"start_minimized") || QCoreApplication::arguments().contains(u"--minimized"_s);
    if (!trayAvailable || !minimized)
        m_window->show();
    onEngineState(m_engine.state());
    m_engine.start();
    return true;
}

void TrayApp::onEngineState(Engine::State state)
{
    ServerStatus status;
    const Engine::Endpoints ep = m_engine.endpoints();
    status.openAIBaseUrl = ep.openAIBaseUrl;
    status.anthropicBaseUrl = ep.anthropicBaseUrl;
    if (ep.port)
        status.address = u"%1:%2"_s.arg(m_engine.settings().string(u"host")).arg(ep.port);
    switch (state) {
    case Engine::State::Serving:
        status.state = m_paused ? ServerStatus::State::Paused : ServerStatus::State::Serving;
        connectPoolEvents();
        m_refresh->start();
        refresh();
        break;
    case Engine::State::Failed: {
        status.state = ServerStatus::State::Failed;
        // "port 8765 is already in use on 127.0.0.1 (by qwen-proxy, pid 4242)": the server
        // names the owner where the OS tells (net/portowner.h).
        status.failure = m_engine.errorMessage();
        m_refresh->stop();
        break;
    }
    case Engine::State::Stopping:
    case Engine::State::Stopped:
        status.state = ServerStatus::State::Paused;
        m_refresh->stop();
        break;
    default: // idle, unlocking, starting: not serving yet
        status.state = ServerStatus::State::Paused;
        break;
    }
    m_tray->setServerStatus(status);
}

void TrayApp::connectPoolEvents()
{
    // The pool lives on the engine thread: its signal reaches the tray queued, as a value.
    m_engine.call([](Runtime &rt) { return QPointer<AccountPool>(&rt.pool()); }, this,
                  [this](QPointer<AccountPool> pool) {
                      if (!pool)
                          return;
                      connect(pool.data(), &AccountPool::event, m_tray.get(),
                              &TrayController::onPoolEvent, Qt::QueuedConnection);
                      connect(pool.data(), &AccountPool::event, this, &TrayApp::refresh,
                              Qt::QueuedConnection);
                  });
}

void TrayApp::refresh()
{
    if (m_refreshing || m_engine.state() != Engine::State::Serving)
        return;
    m_refreshing = true; // one read in flight at a time, however many events arrive
    m_engine.call(
        [](Runtime &rt) {
            TraySnapshot s;
            s.accounts = rt.pool().snapshot();
            s.defaultAccountId = rt.accounts().store()->defaultAccountId();
            s.nowMs = rt.clock().nowMs();
            if (const auto today = rt.usage().totalsByAccount(1)) {
                for (const UsageTotals &t : today.value()) {
                    s.requestsToday += t.successes;
                    s.tokensToday += t.inputTokens + t.outputTokens;
                }
            }
            return s;
        },
        this,
        [this](TraySnapshot s) {
            m_refreshing = false;
            m_tray->setAccounts(s.accounts, s.defaultAccountId, s.nowMs);
            m_tray->setToday(s.requestsToday, s.tokensToday);
        });
}

void TrayApp::showWindow()
{
    m_window->show();
    m_window->raise();
    m_window->activateWindow();
}

void TrayApp::addProvider()
{
    // The Providers page with its add dialog open: "add a key" is one click from the tray.
    m_window->showPage(MainWindow::Providers);
    showWindow();
    m_window->providersPage()->openAddDialog();
}

void TrayApp::startLogin(const QString &accountId)
{
    if (!m_login) {
        m_login = new LoginWindow(Clock::system());
        m_login->setAttribute(Qt::WA_DeleteOnClose);
        connect(m_login, &LoginWindow::copyRequested, this,
                [](const QString &text) { QGuiApplication::clipboard()->setText(text); });
        connect(m_login, &LoginWindow::openUrlRequested, this,
                [](const QString &url) { QDesktopServices::openUrl(QUrl(url)); });
        connect(m_login, &LoginWindow::addProviderRequested, this, &TrayApp::addProvider);
        connect(m_login, &LoginWindow::doneRequested, m_login, &QWidget::close);
        connect(m_login, &LoginWindow::retryRequested, this,
                [this, accountId] { startLogin(accountId); });
    }
    m_login->showRequesting();
    m_login->show();
    m_login->raise();
    QPointer<LoginWindow> window = m_login;
    // The session is made on the engine thread (its device flow runs there), bound to the window
    // here, then started; it deletes itself when it ends.
    m_engine.call(
        [accountId](Runtime &rt) -> Result<LoginSession *> {
            AddAccountOptions o;
            o.accountId = accountId;
            o.replaceExisting = !accountId.isEmpty();
            return rt.accounts().startLogin(o);
        },
        this,
        [this, window](Result<LoginSession *> session) {
            if (!window)
                return;
            if (!session) {
                window->showFailed(session.error());
                return;
            }
            // Bound before it starts, so no signal of it goes unseen.
            LoginSession *live = session.value();
            bindLoginSession(live, window, Clock::system());
            connect(live, &LoginSession::succeeded, this, &TrayApp::refresh, Qt::QueuedConnection);
            QMetaObject::invokeMethod(live, &LoginSession::start, Qt::QueuedConnection);
        });
}

void TrayApp::setPaused(bool paused)
{
    m_paused = paused;
    m_engine.post([paused](Runtime &rt) {
        if (paused)
            rt.pause();
        else if (auto e = rt.resume())
            qCWarning(lcServer).noquote() << e->message;
    });
    onEngineState(m_engine.state());
}

void TrayApp::quit()
{
    // Open responses get the configured grace, as SIGTERM gives `serve`.
    m_engine.shutdown(int(m_engine.settings().integer(u"shutdown_grace_ms")),
                      [] { QApplication::quit(); });
}

} // namespace qp
