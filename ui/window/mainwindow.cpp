#include "mainwindow.h"

#include "accountspage.h"
#include "addproviderdialog.h"
#include "clientspage.h"
#include "engineclient.h"
#include "logspage.h"
#include "providerspage.h"
#include "settingspage.h"
#include "usagepage.h"

#include <QApplication>
#include <QClipboard>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QStackedWidget>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace qp {

namespace {
QLineEdit *urlField(QWidget *parent)
{
    auto *e = new QLineEdit(parent);
    e->setReadOnly(true);
    e->setFrame(false);
    e->setMinimumWidth(260);
    return e;
}

QToolButton *copyButton(QLineEdit *field, QWidget *parent)
{
    auto *b = new QToolButton(parent);
    b->setText(QObject::tr("Copy"));
    b->setToolTip(QObject::tr("Copy the base URL"));
    QObject::connect(b, &QToolButton::clicked, field,
                     [field] { QApplication::clipboard()->setText(field->text()); });
    return b;
}
} // namespace

MainWindow::MainWindow(Engine &engine, QWidget *parent)
    : QMainWindow(parent), m_engine(engine), m_client(new EngineClient(engine, this))
{
    setWindowTitle(tr("Qwen Proxy"));
    auto *central = new QWidget(this);
    auto *outer = new QVBoxLayout(central);

    // Header: state, then where to point clients.
    auto *header = new QWidget(central);
    header->setObjectName(u"header"_s);
    auto *grid = new QGridLayout(header);
    grid->setContentsMargins(4, 0, 4, 4);
    m_status = new QLabel(header);
    m_status->setObjectName(u"engineStatus"_s);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont bold = m_status->font();
    bold.setBold(true);
    m_status->setFont(bold);
    grid->addWidget(m_status, 0, 0, 1, 6);
    m_urls = new QWidget(header);
    auto *urls = new QHBoxLayout(m_urls);
    urls->setContentsMargins(0, 0, 0, 0);
    m_openAI = urlField(m_urls);
    m_anthropic = urlField(m_urls);
    urls->addWidget(new QLabel(tr("OpenAI:"), m_urls));
    urls->addWidget(m_openAI, 1);
    urls->addWidget(copyButton(m_openAI, m_urls));
    urls->addSpacing(12);
    urls->addWidget(new QLabel(tr("Anthropic:"), m_urls));
    urls->addWidget(m_anthropic, 1);
    urls->addWidget(copyButton(m_anthropic, m_urls));
    grid->addWidget(m_urls, 1, 0, 1, 6);
    outer->addWidget(header);

    auto *body = new QHBoxLayout;
    m_sidebar = new QListWidget(central);
    m_sidebar->setObjectName(u"sidebar"_s);
    m_stack = new QStackedWidget(central);
    m_accounts = new AccountsPage(*m_client, m_stack);
    m_providers = new ProvidersPage(*m_client, m_stack);
    m_usage = new UsagePage(*m_client, m_stack);
    m_logs = new LogsPage(*m_client, m_stack);
    m_clients = new ClientsPage(*m_client, m_stack);
    m_settings = new SettingsPage(*m_client, m_stack);
    const QList<QPair<QString, QWidget *>> pages{
        {tr("Accounts"), m_accounts}, {tr("Providers"), m_providers}, {tr("Usage"), m_usage},
        {tr("Logs"), m_logs},         {tr("Clients"), m_clients},     {tr("Settings"), m_settings}};
    int widest = 0;
    for (const auto &[title, w] : pages) {
        m_sidebar->addItem(title);
        m_stack->addWidget(w);
        widest = std::max(widest, m_sidebar->fontMetrics().horizontalAdvance(title));
    }
    m_sidebar->setFixedWidth(widest + 56);
    m_sidebar->setStyleSheet(u"QListWidget::item { padding: 7px 10px; }"_s);
    QFont sideFont = m_sidebar->font();
    sideFont.setPointSizeF(sideFont.pointSizeF() * 1.1);
    m_sidebar->setFont(sideFont);
    body->addWidget(m_sidebar);
    body->addWidget(m_stack, 1);
    outer->addLayout(body, 1);
    setCentralWidget(central);

    connect(m_sidebar, &QListWidget::currentRowChanged, m_stack, &QStackedWidget::setCurrentIndex);
    connect(m_accounts, &AccountsPage::loginRequested, this, &MainWindow::loginRequested);
    connect(m_accounts, &AccountsPage::addProviderRequested, this, [this] {
        showPage(Providers);
        m_providers->openAddDialog();
    });
    m_sidebar->setCurrentRow(0);

    showState(engine.state());
    connect(&engine, &Engine::stateChanged, this, &MainWindow::showState);
    // The accounts line follows the snapshot; the upstream named at start-up may be stale.
    connect(m_client, &EngineClient::snapshotChanged, this, [this] {
        if (m_engine.state() == Engine::State::Serving)
            m_status->setText(servingText());
    });
    resize(1100, 700);
}

MainWindow::~MainWindow() = default;

void MainWindow::showPage(Page page)
{
    m_sidebar->setCurrentRow(int(page));
}

MainWindow::Page MainWindow::currentPage() const
{
    return Page(m_stack->currentIndex());
}

QWidget *MainWindow::page(Page page) const
{
    return m_stack->widget(int(page));
}

QString MainWindow::statusText() const
{
    return m_status->text();
}

QString MainWindow::servingText() const
{
    const EngineSnapshot &s = m_client->snapshot();
    const QString port = tr("Serving on port %1").arg(m_engine.endpoints().port);
    if (!s.valid)
        return port;
    if (s.accounts.isEmpty())
        return port + u" · "_s + tr("no account yet: add a provider or log in");
    int ready = 0;
    for (const AccountRow &a : s.accounts)
        ready += a.state == u"healthy" ? 1 : 0;
    return port + u" · "_s + tr("%1 of %2 accounts ready").arg(ready).arg(s.accounts.size());
}

void MainWindow::showState(Engine::State state)
{
    m_urls->setVisible(state == Engine::State::Serving);
    switch (state) {
    case Engine::State::Idle:
    case Engine::State::Starting:
        m_status->setText(tr("Starting…"));
        break;
    case Engine::State::UnlockingSecrets:
        m_status->setText(tr("Unlocking the keychain…"));
        break;
    case Engine::State::Serving: {
        const Engine::Endpoints ep = m_engine.endpoints();
        m_status->setText(servingText());
        m_openAI->setText(ep.openAIBaseUrl);
        m_anthropic->setText(ep.anthropicBaseUrl);
        break;
    }
    case Engine::State::Failed:
        m_status->setText(tr("The server could not start: %1").arg(m_engine.errorMessage()));
        break;
    case Engine::State::Stopping:
        m_status->setText(tr("Stopping…"));
        break;
    case Engine::State::Stopped:
        m_status->setText(tr("Stopped"));
        break;
    }
}

} // namespace qp
