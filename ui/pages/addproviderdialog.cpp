#include "addproviderdialog.h"

#include "engineclient.h"
#include "providers/provider.h"
#include "ui_addproviderdialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace qp {

AddProviderDialog::AddProviderDialog(EngineClient &client, QWidget *parent)
    : QDialog(parent), m_client(client), m_ui(std::make_unique<Ui::AddProviderDialog>())
{
    m_ui->setupUi(this);
    m_preset = m_ui->preset;
    m_description = m_ui->presetDescription;
    m_description->setObjectName(u"presetDescription"_s);
    m_id = m_ui->id;
    m_baseUrl = m_ui->baseUrl;
    m_key = m_ui->key;
    m_models = m_ui->models;
    m_proxy = m_ui->proxy;
    m_problem = m_ui->problem;
    m_buttons = m_ui->buttons;
    for (const ProviderPreset &p : providerPresets())
        if (p.kind != ProviderKind::QwenOAuth)
            m_preset->addItem(p.title, p.id);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Add"));

    connect(m_preset, &QComboBox::currentIndexChanged, this, &AddProviderDialog::presetChanged);
    for (QLineEdit *e : {m_id, m_baseUrl, m_key, m_models, m_proxy})
        connect(e, &QLineEdit::textChanged, this, &AddProviderDialog::validate);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &AddProviderDialog::submit);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    presetChanged();
}

AddProviderDialog::~AddProviderDialog() = default;

void AddProviderDialog::selectPreset(const QString &presetId)
{
    m_preset->setCurrentIndex(std::max(0, m_preset->findData(presetId)));
}

void AddProviderDialog::presetChanged()
{
    const ProviderPreset *p = findProviderPreset(m_preset->currentData().toString());
    if (!p)
        return;
    QStringList lines;
    if (!p->keyHint.isEmpty())
        lines << tr("Key: %1").arg(p->keyHint);
    if (!p->models.isEmpty())
        lines << tr("Models: %1").arg(p->models.join(u", "_s));
    lines << (p->quotaPlan.isEmpty() ? tr("Quota: not metered")
                                     : tr("Quota windows: %1").arg(p->quotaPlan));
    m_description->setText(lines.join(u'\n'));
    // The id is the preset's unless the user typed one of their own.
    const bool idWasPreset = m_id->text().isEmpty() || findProviderPreset(m_id->text());
    if (idWasPreset)
        m_id->setText(p->id);
    m_baseUrl->setText(p->baseUrl);
    m_baseUrl->setPlaceholderText(p->baseUrl.isEmpty() ? tr("Required: the server's base URL")
                                                       : QString());
    m_key->setPlaceholderText(p->keyRequired ? tr("Paste the API key")
                                             : tr("Optional for this provider"));
    validate();
}

QString AddProviderDialog::problemText() const
{
    return m_problem->text();
}

bool AddProviderDialog::canSubmit() const
{
    return m_buttons->button(QDialogButtonBox::Ok)->isEnabled();
}

void AddProviderDialog::validate()
{
    QString problem;
    const ProviderPreset *p = findProviderPreset(m_preset->currentData().toString());
    if (m_id->text().trimmed().isEmpty())
        problem = tr("Give the provider an id.");
    else if (p && m_baseUrl->text().trimmed().isEmpty())
        problem = tr("This preset needs a base URL.");
    else if (p && !m_key->text().isEmpty())
        // The core's own check: the message never contains the key.
        if (auto why = checkProviderKey(*p, m_key->text()))
            problem = *why;
    m_problem->setText(problem);
    const bool keyMissing = p && p->keyRequired && m_key->text().isEmpty();
    m_buttons->button(QDialogButtonBox::Ok)
        ->setEnabled(problem.isEmpty() && !keyMissing && !m_busy);
}

AddProviderRequest AddProviderDialog::request() const
{
    AddProviderRequest r;
    r.id = m_id->text().trimmed();
    r.preset = m_preset->currentData().toString();
    const ProviderPreset *p = findProviderPreset(r.preset);
    const QString base = m_baseUrl->text().trimmed();
    if (!p || base != p->baseUrl)
        r.baseUrl = base;
    for (const QString &m : m_models->text().split(u',', Qt::SkipEmptyParts))
        if (!m.trimmed().isEmpty())
            r.models << m.trimmed();
    r.apiKey = m_key->text();
    r.proxyUrl = m_proxy->text().trimmed();
    return r;
}

void AddProviderDialog::submit()
{
    if (!canSubmit())
        return;
    m_busy = true;
    validate();
    m_problem->setText(tr("Adding…"));
    const QString id = m_id->text().trimmed();
    m_client.addProvider(request(), this, [this, id](ActionResult r) {
        m_busy = false;
        if (!r.ok) {
            validate();
            m_problem->setText(r.message);
            return;
        }
        m_key->clear(); // the key lives in the secret store now, not in a widget
        emit added(id);
        accept();
    });
}

} // namespace qp
