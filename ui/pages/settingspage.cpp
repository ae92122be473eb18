#include "settingspage.h"

#include "engineclient.h"
#include "logging/logging.h"
#include "platform/portable.h"
#include "settings/settings.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHostAddress>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace qp {

namespace {
// The core's parse and check of one value: the same words start-up would print.
std::optional<QString> checkValue(const QString &key, const QVariant &raw)
{
    const SettingSpec *spec = Settings::spec(key);
    if (!spec)
        return std::nullopt;
    const auto parsed = Settings::parse(*spec, raw);
    if (!parsed)
        return QCoreApplication::translate("qp::SettingsPage", "not a valid value");
    if (spec->validate)
        return spec->validate(*parsed);
    return std::nullopt;
}

QLabel *note(const QString &text, QWidget *parent)
{
    auto *l = new QLabel(text, parent);
    l->setEnabled(false); // the palette's muted text: a note, not a value
    l->setWordWrap(true);
    return l;
}

QWidget *withNote(QWidget *field, const QString &text, QWidget *parent)
{
    auto *w = new QWidget(parent);
    auto *l = new QHBoxLayout(w);
    l->setContentsMargins(0, 0, 0, 0);
    l->addWidget(field);
    l->addWidget(note(text, w), 1);
    return w;
}
} // namespace

SettingsPage::SettingsPage(EngineClient &client, QWidget *parent)
    : QWidget(parent), m_client(client)
{
    auto *outer = new QVBoxLayout(this);
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *formHost = new QWidget(scroll);
    auto *form = new QFormLayout(formHost);
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    const QString restart = tr("Applies after a restart of the app.");

    m_host = new QLineEdit(formHost);
    m_host->setMaximumWidth(220);
    m_port = new QLineEdit(formHost);
    m_port->setMaximumWidth(90);
    auto *listen = new QWidget(formHost);
    auto *ll = new QHBoxLayout(listen);
    ll->setContentsMargins(0, 0, 0, 0);
    ll->addWidget(m_host);
    ll->addWidget(new QLabel(tr("port"), listen));
    ll->addWidget(m_port);
    ll->addWidget(note(restart, listen), 1);
    form->addRow(tr("Listen on:"), listen);
    m_exposure = new QLabel(formHost);
    m_exposure->setObjectName(u"exposureWarning"_s);
    m_exposure->setWordWrap(true);
    m_exposure->setStyleSheet(u"color: #9a6700;"_s);
    m_exposure->setText(tr("Other computers on the network will be able to use your accounts "
                           "through this proxy. Keep it on 127.0.0.1 unless you mean that."));
    m_exposure->hide();
    form->addRow(QString(), m_exposure);

    m_strategy = new QComboBox(formHost);
    const QList<QPair<QString, QString>> strategies{
        {u"round_robin"_s, tr("Round robin: each request to the next account")},
        {u"lru"_s, tr("Least recently used")},
        {u"least_used"_s, tr("Least used in its windows")},
        {u"most_remaining"_s, tr("Most quota remaining")},
        {u"fill_first"_s, tr("Fill first: one account until it is full")},
        {u"reset_first"_s, tr("Reset first: the account whose window resets soonest")}};
    for (const auto &[key, text] : strategies)
        m_strategy->addItem(text, key);
    const QString now = tr("Applies at once.");
    form->addRow(tr("Pool strategy:"), withNote(m_strategy, now, formHost));

    m_defaultAccount = new QComboBox(formHost);
    m_defaultAccount->setMinimumWidth(160);
    m_defaultAccount->addItem(tr("(none)"), QString());
    form->addRow(
        tr("Preferred account:"),
        withNote(m_defaultAccount, tr("Tried first while it can serve. ") + now, formHost));

    m_reserve = new QSpinBox(formHost);
    m_reserve->setRange(0, 50);
    m_reserve->setSuffix(u" %"_s);
    form->addRow(tr("Quota reserve:"),
                 withNote(m_reserve,
                          tr("Stop choosing an account this close to a window's limit. ") + now,
                          formHost));

    m_routes = new QLineEdit(formHost);
    m_routes->setPlaceholderText(
        tr("none; e.g. %1").arg(u"claude-*=coding-plan:qwen3-coder-plus|qwen-oauth"_s));
    m_routes->setMaximumWidth(640);
    form->addRow(tr("Model routes:"), m_routes);
    auto *routesNote =
        note(tr("'glob=provider[:model]|fallback; …' tried in order. ") + restart, formHost);
    routesNote->setWordWrap(false); // a wrapping label in a form row gets a too-narrow width
    form->addRow(QString(), routesNote);

    m_logLevel = new QComboBox(formHost);
    for (const QString &l : {u"error"_s, u"warn"_s, u"info"_s, u"debug"_s, u"off"_s})
        m_logLevel->addItem(l, l);
    form->addRow(tr("Console log level:"), withNote(m_logLevel, tr("Applies at once."), formHost));

    m_language = new QComboBox(formHost);
    m_language->addItem(tr("System language"), QString());
    m_language->addItem(u"English"_s, u"en"_s);
    m_language->addItem(u"中文（简体）"_s, u"zh_CN"_s);
    form->addRow(tr("Language:"), withNote(m_language, restart, formHost));

    m_startAtLogin = new QCheckBox(tr("Start when I log in"), formHost);
    m_startMinimized = new QCheckBox(tr("Start in the tray, without this window"), formHost);
    if (portable::enabled()) {
        // Portable: nothing is written outside the folder, so start at login is not offered.
        m_startAtLogin->hide();
        form->addRow(tr("Desktop:"), m_startMinimized);
    } else {
        form->addRow(tr("Desktop:"), m_startAtLogin);
        form->addRow(QString(), m_startMinimized);
    }
    scroll->setWidget(formHost);
    outer->addWidget(scroll, 1);

    m_problems = new QLabel(this);
    m_problems->setObjectName(u"problems"_s);
    m_problems->setWordWrap(true);
    m_problems->setStyleSheet(u"color: #cf222e;"_s);
    outer->addWidget(m_problems);
    auto *buttons = new QHBoxLayout;
    m_status = new QLabel(this);
    m_status->setObjectName(u"status"_s);
    m_status->setWordWrap(true);
    buttons->addWidget(m_status, 1);
    m_revert = new QPushButton(tr("Revert"), this);
    m_save = new QPushButton(tr("Save"), this);
    m_save->setDefault(true);
    buttons->addWidget(m_revert);
    buttons->addWidget(m_save);
    outer->addLayout(buttons);

    for (QLineEdit *e : {m_host, m_port, m_routes})
        connect(e, &QLineEdit::textChanged, this, &SettingsPage::validate);
    for (QComboBox *c : {m_strategy, m_defaultAccount, m_logLevel, m_language})
        connect(c, &QComboBox::currentIndexChanged, this, &SettingsPage::validate);
    connect(m_reserve, &QSpinBox::valueChanged, this, &SettingsPage::validate);
    for (QCheckBox *c : {m_startAtLogin, m_startMinimized})
        connect(c, &QCheckBox::toggled, this, &SettingsPage::validate);
    connect(m_save, &QPushButton::clicked, this, &SettingsPage::save);
    connect(m_revert, &QPushButton::clicked, this, &SettingsPage::load);
    connect(&client, &EngineClient::snapshotChanged, this, [this] {
        updateAccounts();
        if (!m_loaded)
            load();
    });
    validate();
    load();
}

bool SettingsPage::isLoopback(const QString &host)
{
    if (host.compare(u"localhost"_s, Qt::CaseInsensitive) == 0)
        return true;
    const QHostAddress a(host);
    return !a.isNull() && a.isLoopback();
}

void SettingsPage::updateAccounts()
{
    QStringList ids;
    for (const AccountRow &a : m_client.snapshot().accounts)
        ids << a.id;
    const QString want = m_defaultAccount->currentData().toString();
    QStringList have;
    for (int i = 1; i < m_defaultAccount->count(); ++i)
        have << m_defaultAccount->itemData(i).toString();
    if (!want.isEmpty() && !ids.contains(want))
        ids << want; // a configured id with no account (yet) stays what it is
    if (have == ids)
        return;
    QSignalBlocker block(m_defaultAccount);
    while (m_defaultAccount->count() > 1)
        m_defaultAccount->removeItem(1);
    for (const QString &id : std::as_const(ids))
        m_defaultAccount->addItem(id, id);
    m_defaultAccount->setCurrentIndex(std::max(0, m_defaultAccount->findData(want)));
}

void SettingsPage::load()
{
    if (!m_client.ready())
        return; // the first snapshot loads the form
    m_client.readSettings(this, [this](EngineClient::SettingsValues v) {
        m_loadedValues = v.values;
        m_sources = v.sources;
        m_configFile = v.configFile;
        const auto str = [&](const char *k) { return v.values.value(QLatin1String(k)).toString(); };
        m_host->setText(str("host"));
        m_port->setText(str("port"));
        m_strategy->setCurrentIndex(std::max(0, m_strategy->findData(str("pool_strategy"))));
        const QString def = str("default_account");
        if (!def.isEmpty() && m_defaultAccount->findData(def) < 0)
            m_defaultAccount->addItem(def, def);
        m_defaultAccount->setCurrentIndex(std::max(0, m_defaultAccount->findData(def)));
        m_reserve->setValue(v.values.value(u"quota_reserve_percent"_s).toInt());
        m_routes->setText(str("routes"));
        m_logLevel->setCurrentIndex(std::max(0, m_logLevel->findData(str("log_level"))));
        m_language->setCurrentIndex(std::max(
            0, m_language->findData(str("language").compare(u"zh_cn"_s, Qt::CaseInsensitive) == 0
                                        ? u"zh_CN"_s
                                        : str("language"))));
        m_startAtLogin->setChecked(v.values.value(u"start_at_login"_s).toBool());
        m_startMinimized->setChecked(v.values.value(u"start_minimized"_s).toBool());
        // A value from the environment or a flag wins over the file: editing it here would not
        // stick, so say where it comes from instead.
        const QList<QPair<QString, QWidget *>> fields{{u"host"_s, m_host},
                                                      {u"port"_s, m_port},
                                                      {u"pool_strategy"_s, m_strategy},
                                                      {u"default_account"_s, m_defaultAccount},
                                                      {u"quota_reserve_percent"_s, m_reserve},
                                                      {u"routes"_s, m_routes},
                                                      {u"log_level"_s, m_logLevel},
                                                      {u"language"_s, m_language}};
        for (const auto &[key, w] : fields) {
            const auto src = Settings::Source(v.sources.value(key));
            const bool overridden = src == Settings::Source::Env || src == Settings::Source::Cli;
            w->setEnabled(!overridden);
            w->setToolTip(overridden ? tr("Set by the environment or a command-line flag")
                                     : QString());
        }
        m_loaded = true;
        validate();
    });
}

QHash<QString, QVariant> SettingsPage::formValues() const
{
    return {{u"host"_s, m_host->text().trimmed()},
            {u"port"_s, m_port->text().trimmed()},
            {u"pool_strategy"_s, m_strategy->currentData().toString()},
            {u"default_account"_s, m_defaultAccount->currentData().toString()},
            {u"quota_reserve_percent"_s, m_reserve->value()},
            {u"routes"_s, m_routes->text().trimmed()},
            {u"log_level"_s, m_logLevel->currentData().toString()},
            {u"language"_s, m_language->currentData().toString()},
            {u"start_at_login"_s, m_startAtLogin->isChecked()},
            {u"start_minimized"_s, m_startMinimized->isChecked()}};
}

QHash<QString, QString> SettingsPage::problems() const
{
    QHash<QString, QString> out;
    const auto values = formValues();
    for (auto it = values.cbegin(); it != values.cend(); ++it)
        if (auto why = checkValue(it.key(), it.value()))
            out.insert(it.key(), *why);
    return out;
}

QHash<QString, QVariant> SettingsPage::changes() const
{
    QHash<QString, QVariant> out;
    const auto values = formValues();
    for (auto it = values.cbegin(); it != values.cend(); ++it) {
        const QVariant was = m_loadedValues.value(it.key());
        if (it.value().toString() != was.toString())
            out.insert(it.key(), it.value());
    }
    return out;
}

bool SettingsPage::canSave() const
{
    return m_loaded && problems().isEmpty() && !changes().isEmpty();
}

QString SettingsPage::statusText() const
{
    return m_status->text();
}

void SettingsPage::validate()
{
    const auto p = problems();
    QStringList lines;
    const QHash<QString, QString> names{{u"host"_s, tr("Address")},
                                        {u"port"_s, tr("Port")},
                                        {u"routes"_s, tr("Model routes")},
                                        {u"quota_reserve_percent"_s, tr("Quota reserve")}};
    for (auto it = p.cbegin(); it != p.cend(); ++it)
        lines << tr("%1: %2").arg(names.value(it.key(), it.key()), it.value());
    lines.sort();
    m_problems->setText(lines.join(u'\n'));
    m_problems->setVisible(!lines.isEmpty());
    m_host->setStyleSheet(p.contains(u"host"_s) ? u"border: 1px solid #cf222e;"_s : QString());
    m_port->setStyleSheet(p.contains(u"port"_s) ? u"border: 1px solid #cf222e;"_s : QString());
    m_routes->setStyleSheet(p.contains(u"routes"_s) ? u"border: 1px solid #cf222e;"_s : QString());
    const QString host = m_host->text().trimmed();
    m_exposure->setVisible(!p.contains(u"host"_s) && !host.isEmpty() && !isLoopback(host));
    m_save->setEnabled(canSave());
    m_revert->setEnabled(m_loaded && !changes().isEmpty());
}

void SettingsPage::save()
{
    if (!canSave())
        return;
    const auto values = changes();
    if (values.contains(u"host"_s) && !isLoopback(values.value(u"host"_s).toString()) &&
        !m_confirm(this, tr("Listen beyond this computer?"),
                   tr("With the address %1, other computers that can reach this one can send "
                      "requests through your accounts. Continue?")
                       .arg(values.value(u"host"_s).toString())))
        return;
    m_save->setEnabled(false);
    m_client.saveSettings(values, this, [this, values](ActionResult r) {
        if (!r.ok) {
            m_status->setText(tr("Not saved: %1").arg(r.message));
            validate();
            return;
        }
        if (values.contains(u"log_level"_s))
            LogHub::instance().setConsoleLevel(
                LogHub::parseLevel(values.value(u"log_level"_s).toString(), false));
        QStringList later;
        const QStringList live = liveSettingKeys();
        for (auto it = values.cbegin(); it != values.cend(); ++it)
            if (!live.contains(it.key()))
                later << it.key();
        later.sort();
        m_status->setText(later.isEmpty() ? tr("Saved to %1.").arg(m_configFile)
                                          : tr("Saved to %1. Restart the app to apply: %2.")
                                                .arg(m_configFile, later.join(u", "_s)));
        emit saved();
        load();
    });
}

} // namespace qp
