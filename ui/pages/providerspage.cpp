#include "providerspage.h"

#include "addproviderdialog.h"
#include "engineclient.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QStackedWidget>
#include <QTableWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace qp {

ProvidersPage::ProvidersPage(EngineClient &client, QWidget *parent)
    : QWidget(parent), m_client(client)
{
    auto *layout = new QVBoxLayout(this);
    auto *buttons = new QHBoxLayout;
    auto *add = new QPushButton(tr("Add provider…"), this);
    m_test = new QPushButton(tr("Test"), this);
    m_test->setToolTip(tr("Send one tiny chat request and show the answer"));
    m_models = new QPushButton(tr("Models"), this);
    m_models->setToolTip(tr("Ask the provider which chat models it serves"));
    m_remove = new QPushButton(tr("Remove…"), this);
    buttons->addWidget(add);
    buttons->addSpacing(16);
    for (QPushButton *b : {m_test, m_models, m_remove})
        buttons->addWidget(b);
    buttons->addStretch();
    layout->addLayout(buttons);

    m_stack = new QStackedWidget(this);
    m_table = new QTableWidget(0, 6, m_stack);
    m_table->setHorizontalHeaderLabels(
        {tr("Id"), tr("Preset"), tr("Kind"), tr("Base URL"), tr("Models"), tr("Egress proxy")});
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    // The base URL takes what is left; the rest fit their contents (models and titles are long:
    // their full text is in the tooltip).
    QHeaderView *h = m_table->horizontalHeader();
    h->setSectionResizeMode(QHeaderView::ResizeToContents);
    h->setSectionResizeMode(1, QHeaderView::Interactive);
    h->setSectionResizeMode(3, QHeaderView::Stretch);
    h->setSectionResizeMode(4, QHeaderView::Interactive);
    m_table->setColumnWidth(1, 150);
    m_table->setColumnWidth(4, 130);
    m_table->setTextElideMode(Qt::ElideRight); // a URL's host and a title's start say most
    m_stack->addWidget(m_table);
    auto *empty = new QLabel(tr("No providers yet. Add one from a preset: Coding Plan, Model "
                                "Studio, or any OpenAI-compatible server."),
                             m_stack);
    empty->setObjectName(u"emptyState"_s);
    empty->setAlignment(Qt::AlignCenter);
    empty->setWordWrap(true);
    m_stack->addWidget(empty);
    layout->addWidget(m_stack, 1);

    m_result = new QLabel(this);
    m_result->setObjectName(u"result"_s);
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_result);

    connect(add, &QPushButton::clicked, this, [this] { openAddDialog(); });
    connect(m_test, &QPushButton::clicked, this, &ProvidersPage::testSelected);
    connect(m_models, &QPushButton::clicked, this, &ProvidersPage::modelsOfSelected);
    connect(m_remove, &QPushButton::clicked, this, &ProvidersPage::removeSelected);
    connect(m_table, &QTableWidget::itemSelectionChanged, this, &ProvidersPage::updateButtons);
    connect(&client, &EngineClient::snapshotChanged, this, &ProvidersPage::refresh);
    refresh();
}

void ProvidersPage::refresh()
{
    const QList<ProviderConfig> providers = m_client.snapshot().providers;
    const QString selected = selectedId();
    QSignalBlocker block(m_table);
    m_table->setRowCount(int(providers.size()));
    for (int r = 0; r < providers.size(); ++r) {
        const ProviderConfig &p = providers.at(r);
        const ProviderPreset *preset = p.presetInfo();
        QStringList models = p.models;
        if (models.isEmpty() && preset)
            models = preset->models;
        const QStringList cells{
            p.id,
            preset ? preset->title : p.preset,
            p.kind == ProviderKind::AnthropicCompatible ? tr("Anthropic") : tr("OpenAI"),
            p.shownBaseUrl(),
            models.join(u", "_s),
            p.proxy.isEmpty() ? tr("system") : p.proxy, // redacted by the core
        };
        for (int c = 0; c < cells.size(); ++c) {
            auto *item = new QTableWidgetItem(cells.at(c));
            item->setToolTip(cells.at(c));
            if (c == 0 && p.fromEnvironment())
                item->setToolTip(tr("Defined by %1: change it there").arg(p.source));
            m_table->setItem(r, c, item);
        }
    }
    m_stack->setCurrentIndex(providers.isEmpty() ? 1 : 0);
    if (!selected.isEmpty())
        selectId(selected);
    updateButtons();
}

QString ProvidersPage::selectedId() const
{
    const auto rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return {};
    const QTableWidgetItem *item = m_table->item(rows.first().row(), 0);
    return item ? item->text() : QString();
}

void ProvidersPage::selectId(const QString &id)
{
    for (int r = 0; r < m_table->rowCount(); ++r)
        if (m_table->item(r, 0) && m_table->item(r, 0)->text() == id) {
            m_table->selectRow(r);
            return;
        }
}

QString ProvidersPage::resultText() const
{
    return m_result->text();
}

void ProvidersPage::updateButtons()
{
    const QString id = selectedId();
    bool fromEnv = false;
    for (const ProviderConfig &p : m_client.snapshot().providers)
        if (p.id == id)
            fromEnv = p.fromEnvironment();
    m_test->setEnabled(!id.isEmpty());
    m_models->setEnabled(!id.isEmpty());
    m_remove->setEnabled(!id.isEmpty() && !fromEnv);
}

AddProviderDialog *ProvidersPage::openAddDialog()
{
    if (!m_dialog) {
        m_dialog = new AddProviderDialog(m_client, this);
        m_dialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(m_dialog, &AddProviderDialog::added, this, [this](const QString &id) {
            m_result->setText(tr("Added “%1”. Test it to check the key.").arg(id));
        });
    }
    m_dialog->open();
    return m_dialog;
}

void ProvidersPage::testSelected()
{
    const QString id = selectedId();
    if (id.isEmpty())
        return;
    m_result->setText(tr("Testing “%1”…").arg(id));
    m_test->setEnabled(false);
    m_client.testProvider(id, this, [this, id](ProviderTestResult r) {
        updateButtons();
        if (r.ok)
            m_result->setText(tr("“%1” works: %2 answered in %3 ms: “%4”")
                                  .arg(id, r.model)
                                  .arg(r.latencyMs)
                                  .arg(r.answer));
        else
            m_result->setText(
                tr("“%1” failed after %2 ms: %3").arg(id).arg(r.latencyMs).arg(r.error));
    });
}

void ProvidersPage::modelsOfSelected()
{
    const QString id = selectedId();
    if (id.isEmpty())
        return;
    m_result->setText(tr("Asking “%1” for its models…").arg(id));
    m_client.providerModels(id, this, [this, id](Result<QStringList> r) {
        if (r)
            m_result->setText(r->isEmpty() ? tr("“%1” lists no chat models.").arg(id)
                                           : tr("“%1” serves: %2").arg(id, r->join(u", "_s)));
        else
            m_result->setText(
                tr("Could not list the models of “%1”: %2").arg(id, r.error().message));
    });
}

void ProvidersPage::removeSelected()
{
    const QString id = selectedId();
    if (id.isEmpty())
        return;
    if (!m_confirm(this, tr("Remove provider"),
                   tr("Remove the provider “%1”? Its key is deleted from this computer.").arg(id)))
        return;
    m_client.removeProvider(id, this, [this, id](ActionResult r) {
        m_result->setText(r.ok ? tr("“%1” was removed.").arg(id) : tr("Failed: %1").arg(r.message));
    });
}

} // namespace qp
