#include "accountspage.h"

#include "accountsmodel.h"
#include "engineclient.h"
#include "quotabardelegate.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QRegularExpression>
#include <QStackedWidget>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace qp {

namespace {
// The keychain fallback's warnings (SecretStoreProbe, Engine) say where tokens went instead:
// "Account tokens are stored in …", "tokens are kept in …". Other warnings (proxy) are not ours.
bool mentionsFileFallback(const QString &w)
{
    static const QRegularExpression re(u"tokens are (stored|kept)"_s,
                                       QRegularExpression::CaseInsensitiveOption);
    return re.match(w).hasMatch();
}
} // namespace

AccountsPage::AccountsPage(EngineClient &client, QWidget *parent)
    : QWidget(parent), m_client(client), m_model(new AccountsModel(this)),
      m_bars(new QuotaBarDelegate(this))
{
    auto *layout = new QVBoxLayout(this);

    m_banner = new QLabel(this);
    m_banner->setObjectName(u"secretsBanner"_s);
    m_banner->setWordWrap(true);
    m_banner->setStyleSheet(u"QLabel { background: #fff4ce; color: #5c4400; border: 1px solid "
                            "#e0c060; border-radius: 4px; padding: 6px; }"_s);
    m_banner->hide();
    layout->addWidget(m_banner);

    auto *buttons = new QHBoxLayout;
    auto *add = new QPushButton(tr("Log in…"), this);
    add->setToolTip(tr("Add a Qwen account by scanning a QR code"));
    auto *addKey = new QPushButton(tr("Add provider…"), this);
    m_default = new QPushButton(tr("Set default"), this);
    m_enable = new QPushButton(tr("Disable"), this);
    m_relogin = new QPushButton(tr("Log in again…"), this);
    m_remove = new QPushButton(tr("Remove…"), this);
    for (QPushButton *b : {add, addKey})
        buttons->addWidget(b);
    buttons->addSpacing(16);
    for (QPushButton *b : {m_default, m_enable, m_relogin, m_remove})
        buttons->addWidget(b);
    buttons->addStretch();
    layout->addLayout(buttons);

    m_stack = new QStackedWidget(this);
    m_view = new QTableView(m_stack);
    m_view->setModel(m_model);
    m_view->setItemDelegateForColumn(AccountsModel::Quota, m_bars);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->verticalHeader()->hide();
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    // Every column as wide as its contents; the quota bars take what is left (their delegate
    // drops the reset time before it squeezes anything else; the tooltip has it all).
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_view->horizontalHeader()->setSectionResizeMode(AccountsModel::Quota, QHeaderView::Stretch);
    m_view->hideColumn(AccountsModel::Kind); // shown under the id (AccountsModel::Id)
    m_view->hideColumn(AccountsModel::Provider);
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_stack->addWidget(m_view);

    auto *empty = new QWidget(m_stack);
    auto *emptyLayout = new QVBoxLayout(empty);
    auto *emptyText = new QLabel(tr("No accounts yet — add a provider or log in."), empty);
    emptyText->setObjectName(u"emptyState"_s);
    emptyText->setAlignment(Qt::AlignCenter);
    QFont big = emptyText->font();
    big.setPointSizeF(big.pointSizeF() * 1.2);
    emptyText->setFont(big);
    emptyLayout->addStretch();
    emptyLayout->addWidget(emptyText);
    emptyLayout->addStretch();
    m_stack->addWidget(empty);
    layout->addWidget(m_stack, 1);

    m_status = new QLabel(this);
    m_status->setObjectName(u"actionStatus"_s);
    m_status->setWordWrap(true);
    layout->addWidget(m_status);

    connect(add, &QPushButton::clicked, this, [this] { emit loginRequested(QString()); });
    connect(addKey, &QPushButton::clicked, this, &AccountsPage::addProviderRequested);
    connect(m_default, &QPushButton::clicked, this, &AccountsPage::setDefault);
    connect(m_enable, &QPushButton::clicked, this, &AccountsPage::toggleEnabled);
    connect(m_remove, &QPushButton::clicked, this, &AccountsPage::removeSelected);
    connect(m_relogin, &QPushButton::clicked, this, &AccountsPage::relogin);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &AccountsPage::updateButtons);
    connect(m_model, &QAbstractItemModel::modelReset, this, &AccountsPage::updateButtons);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &AccountsPage::updateButtons);
    connect(&client, &EngineClient::snapshotChanged, this, &AccountsPage::refresh);
    refresh();
}

void AccountsPage::refresh()
{
    const EngineSnapshot &s = m_client.snapshot();
    const QString selected = selectedId();
    m_bars->setNowMs(s.nowMs);
    m_model->setRows(s.accounts, s.nowMs);
    if (!selected.isEmpty() && selectedId() != selected)
        selectId(selected);
    m_stack->setCurrentIndex(s.accounts.isEmpty() ? 1 : 0);

    QStringList warnings;
    for (const QString &w : m_client.engine().endpoints().warnings)
        if (mentionsFileFallback(w))
            warnings << w;
    m_banner->setVisible(!warnings.isEmpty());
    if (!warnings.isEmpty())
        m_banner->setText(
            tr("Secrets are not in the system keychain: %1").arg(warnings.join(u" "_s)));
    updateButtons();
}

QString AccountsPage::selectedId() const
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : rows.first().data(AccountsModel::kIdRole).toString();
}

void AccountsPage::selectId(const QString &id)
{
    for (int r = 0; r < m_model->rowCount(); ++r)
        if (m_model->index(r, 0).data(AccountsModel::kIdRole).toString() == id) {
            m_view->selectRow(r);
            return;
        }
}

QString AccountsPage::statusText() const
{
    return m_status->text();
}

void AccountsPage::updateButtons()
{
    const auto row = m_model->row(selectedId());
    const bool stored = row && row->stored;
    m_default->setEnabled(stored && !row->isDefault);
    m_enable->setEnabled(stored);
    m_enable->setText(row && row->disabled ? tr("Enable") : tr("Disable"));
    m_remove->setEnabled(stored);
    m_relogin->setEnabled(row && row->oauth && stored);
}

void AccountsPage::showResult(bool ok, const QString &message)
{
    m_status->setText(ok ? message : tr("Failed: %1").arg(message));
}

void AccountsPage::setDefault()
{
    const QString id = selectedId();
    if (id.isEmpty())
        return;
    m_client.setDefaultAccount(id, this, [this, id](ActionResult r) {
        showResult(r.ok, r.ok ? tr("“%1” is the default account now.").arg(id) : r.message);
    });
}

void AccountsPage::toggleEnabled()
{
    const auto row = m_model->row(selectedId());
    if (!row)
        return;
    const bool enable = row->disabled;
    const QString id = row->id;
    m_client.setAccountEnabled(id, enable, this, [this, id, enable](ActionResult r) {
        showResult(r.ok, r.ok ? (enable ? tr("“%1” is enabled.").arg(id)
                                        : tr("“%1” is disabled; the pool will not use it.").arg(id))
                              : r.message);
    });
}

void AccountsPage::removeSelected()
{
    const auto row = m_model->row(selectedId());
    if (!row || !row->stored)
        return;
    const QString id = row->id;
    const QString text =
        row->oauth ? tr("Remove the account “%1”? Its login is deleted from this computer.").arg(id)
                   : tr("Remove the provider “%1”? Its key is deleted from this computer.").arg(id);
    if (!m_confirm(this, tr("Remove account"), text))
        return;
    m_client.removeAccount(id, this, [this, id](ActionResult r) {
        showResult(r.ok, r.ok ? tr("“%1” was removed.").arg(id) : r.message);
    });
}

void AccountsPage::relogin()
{
    const QString id = selectedId();
    if (!id.isEmpty())
        emit loginRequested(id);
}

} // namespace qp
