#include "logspage.h"

#include "engineclient.h"
#include "requestlogmodel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace qp {

namespace {
constexpr int kRequestRows = 500;

int severity(QtMsgType t)
{
    switch (t) {
    case QtDebugMsg:
        return 0;
    case QtInfoMsg:
        return 1;
    case QtWarningMsg:
        return 2;
    case QtCriticalMsg:
    case QtFatalMsg:
        return 3;
    }
    return 1;
}

QString levelName(QtMsgType t)
{
    switch (t) {
    case QtDebugMsg:
        return u"debug"_s;
    case QtInfoMsg:
        return u"info"_s;
    case QtWarningMsg:
        return u"warn"_s;
    case QtCriticalMsg:
    case QtFatalMsg:
        return u"error"_s;
    }
    return {};
}
} // namespace

LogsPage::LogsPage(EngineClient &client, QWidget *parent)
    : QWidget(parent), m_client(client), m_model(new RequestLogModel(this)),
      m_filter(new RequestLogFilter(this))
{
    m_filter->setSourceModel(m_model);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_tabs = new QTabWidget(this);
    layout->addWidget(m_tabs);

    // Requests.
    auto *requests = new QWidget(m_tabs);
    auto *rl = new QVBoxLayout(requests);
    auto *filters = new QHBoxLayout;
    m_text = new QLineEdit(requests);
    m_text->setPlaceholderText(tr("Filter: model, client, account…"));
    m_text->setClearButtonEnabled(true);
    m_status = new QComboBox(requests);
    m_status->addItem(tr("All statuses"), 0);
    m_status->addItem(tr("Successful (2xx)"), 2);
    m_status->addItem(tr("Errors (4xx and 5xx)"), -1);
    m_status->addItem(tr("Client errors (4xx)"), 4);
    m_status->addItem(tr("Server errors (5xx)"), 5);
    m_account = new QComboBox(requests);
    m_account->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_account->addItem(tr("All accounts"));
    m_pause = new QCheckBox(tr("Pause"), requests);
    m_pause->setToolTip(tr("Stop adding new requests while you read"));
    filters->addWidget(m_text, 1);
    filters->addWidget(m_status);
    filters->addWidget(m_account);
    filters->addWidget(m_pause);
    rl->addLayout(filters);

    auto *split = new QSplitter(Qt::Vertical, requests);
    m_view = new QTableView(split);
    m_view->setModel(m_filter);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 8);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->setTextElideMode(Qt::ElideMiddle);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_view->horizontalHeader()->setStretchLastSection(true);
    const QList<int> widths{64, 120, 70, 125, 125, 100, 50, 70, 80};
    for (int c = 0; c < widths.size(); ++c)
        m_view->setColumnWidth(c, widths.at(c));
    m_details = new QPlainTextEdit(split);
    m_details->setReadOnly(true);
    m_details->setPlaceholderText(tr("Select a request to see all it recorded."));
    split->addWidget(m_view);
    split->addWidget(m_details);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    rl->addWidget(split, 1);
    m_tabs->addTab(requests, tr("Requests"));

    // Console.
    auto *console = new QWidget(m_tabs);
    auto *cl = new QVBoxLayout(console);
    auto *levelRow = new QHBoxLayout;
    levelRow->addWidget(new QLabel(tr("Show:"), console));
    m_level = new QComboBox(console);
    m_level->addItem(tr("Errors"), 3);
    m_level->addItem(tr("Warnings and errors"), 2);
    m_level->addItem(tr("Information"), 1);
    m_level->addItem(tr("Everything (debug)"), 0);
    m_level->setCurrentIndex(2);
    levelRow->addWidget(m_level);
    levelRow->addStretch();
    cl->addLayout(levelRow);
    m_console = new QPlainTextEdit(console);
    m_console->setReadOnly(true);
    m_console->setMaximumBlockCount(LogHub::capacity);
    m_console->setLineWrapMode(QPlainTextEdit::NoWrap);
    QFont mono(u"monospace"_s);
    mono.setStyleHint(QFont::Monospace);
    m_console->setFont(mono);
    cl->addWidget(m_console, 1);
    m_tabs->addTab(console, tr("Console"));

    connect(m_text, &QLineEdit::textChanged, m_filter, &RequestLogFilter::setText);
    connect(m_status, &QComboBox::currentIndexChanged, this,
            [this] { m_filter->setStatusClass(m_status->currentData().toInt()); });
    connect(m_account, &QComboBox::currentIndexChanged, this, [this](int i) {
        m_filter->setAccount(i <= 0 ? QString() : m_account->itemData(i).toString());
    });
    connect(m_pause, &QCheckBox::toggled, this, [this](bool paused) {
        if (!paused)
            reloadRequests();
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &LogsPage::showDetails);
    connect(m_level, &QComboBox::currentIndexChanged, this, &LogsPage::refilterConsole);
    connect(&client, &EngineClient::snapshotChanged, this, [this] {
        updateAccounts();
        if (!m_pause->isChecked())
            reloadRequests();
    });

    m_entries = LogHub::instance().recent(LogHub::capacity);
    refilterConsole();
    // LogHub emits from whichever thread logged: queued, so the widget is touched here only.
    connect(&LogHub::instance(), &LogHub::entryAdded, this, &LogsPage::addEntry,
            Qt::QueuedConnection);
    reloadRequests();
}

void LogsPage::reloadRequests()
{
    if (m_loading || !m_client.ready())
        return;
    m_loading = true;
    m_client.requestLog(kRequestRows, this, [this](QList<UsageRecord> rows) {
        m_loading = false;
        if (m_pause->isChecked())
            return;
        // Keep the selected request selected across the refresh (same end time and account).
        const QModelIndex cur = m_filter->mapToSource(m_view->currentIndex());
        const UsageRecord *was = m_model->record(cur.row());
        const qint64 atMs = was ? was->atMs : -1;
        const QString account = was ? was->accountId : QString();
        m_model->setRecords(rows);
        for (int r = 0; atMs >= 0 && r < rows.size(); ++r)
            if (rows.at(r).atMs == atMs && rows.at(r).accountId == account) {
                m_view->selectRow(m_filter->mapFromSource(m_model->index(r, 0)).row());
                break;
            }
    });
}

void LogsPage::updateAccounts()
{
    QStringList ids;
    for (const AccountRow &a : m_client.snapshot().accounts)
        ids << a.id;
    QStringList have;
    for (int i = 1; i < m_account->count(); ++i)
        have << m_account->itemData(i).toString();
    if (have == ids)
        return;
    const QString current = m_account->currentData().toString();
    QSignalBlocker block(m_account);
    while (m_account->count() > 1)
        m_account->removeItem(1);
    for (const QString &id : ids)
        m_account->addItem(id, id);
    const int again = current.isEmpty() ? 0 : m_account->findData(current);
    m_account->setCurrentIndex(std::max(0, again));
}

void LogsPage::showDetails()
{
    const QModelIndex src = m_filter->mapToSource(m_view->currentIndex());
    const UsageRecord *r = m_model->record(src.row());
    m_details->setPlainText(r ? RequestLogModel::details(*r) : QString());
}

bool LogsPage::levelShows(QtMsgType type) const
{
    return severity(type) >= m_level->currentData().toInt();
}

void LogsPage::addEntry(const LogEntry &e)
{
    m_entries.append(e);
    if (m_entries.size() > LogHub::capacity)
        m_entries.removeFirst();
    if (levelShows(e.type))
        m_console->appendPlainText(e.time.toLocalTime().toString(u"HH:mm:ss.zzz "_s) +
                                   levelName(e.type).leftJustified(6) + e.message);
}

void LogsPage::refilterConsole()
{
    QStringList lines;
    for (const LogEntry &e : std::as_const(m_entries))
        if (levelShows(e.type))
            lines << e.time.toLocalTime().toString(u"HH:mm:ss.zzz "_s) +
                         levelName(e.type).leftJustified(6) + e.message;
    m_console->setPlainText(lines.join(u'\n'));
    m_console->moveCursor(QTextCursor::End);
}

} // namespace qp
