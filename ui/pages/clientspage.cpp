#include "clientspage.h"

#include "clients/clientconfigwriter.h"
#include "engineclient.h"

#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;
using namespace qp::clients;

namespace qp {

ClientsPage::ClientsPage(EngineClient &client, QWidget *parent)
    : QWidget(parent), m_client(client),
      // Exactly what `qwen-proxy connect` resolves paths with: this user's home and environment.
      m_home(ClientConfigWriter::forCurrentUser().homeDir()),
      m_env(ClientConfigWriter::forCurrentUser().environment())
{
    auto *outer = new QHBoxLayout(this);
    m_list = new QListWidget(this);
    m_list->setObjectName(u"clientList"_s);
    int widest = 0;
    for (const ClientProfile &p : clientProfiles()) {
        auto *item = new QListWidgetItem(p.displayName, m_list);
        item->setData(Qt::UserRole, p.id);
        widest = std::max(widest, m_list->fontMetrics().horizontalAdvance(p.displayName));
    }
    m_list->setFixedWidth(widest + 48);
    m_list->setStyleSheet(u"QListWidget::item { padding: 5px 8px; }"_s);
    outer->addWidget(m_list);

    auto *detail = new QVBoxLayout;
    m_title = new QLabel(this);
    QFont big = m_title->font();
    big.setBold(true);
    big.setPointSizeF(big.pointSizeF() * 1.2);
    m_title->setFont(big);
    detail->addWidget(m_title);
    m_where = new QLabel(this);
    m_where->setWordWrap(true);
    m_where->setTextInteractionFlags(Qt::TextSelectableByMouse);
    detail->addWidget(m_where);
    m_snippet = new QPlainTextEdit(this);
    m_snippet->setObjectName(u"snippet"_s);
    m_snippet->setReadOnly(true);
    m_snippet->setLineWrapMode(QPlainTextEdit::NoWrap);
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    m_snippet->setFont(mono);
    detail->addWidget(m_snippet, 3);
    m_note = new QLabel(this);
    m_note->setWordWrap(true);
    detail->addWidget(m_note);

    auto *buttons = new QHBoxLayout;
    m_copy = new QPushButton(tr("Copy"), this);
    m_copy->setToolTip(tr("Copy these settings to the clipboard"));
    m_write = new QPushButton(this);
    m_restore = new QPushButton(tr("Restore backup"), this);
    buttons->addWidget(m_copy);
    buttons->addWidget(m_write);
    buttons->addWidget(m_restore);
    buttons->addStretch(1);
    detail->addLayout(buttons);
    m_result = new QLabel(this);
    m_result->setObjectName(u"clientResult"_s);
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    detail->addWidget(m_result);

    // The same settings as shell exports: for one terminal session, nothing written.
    m_shellLabel = new QLabel(tr("Or, for one shell session (nothing is written):"), this);
    detail->addWidget(m_shellLabel);
    auto *shellRow = new QHBoxLayout;
    m_shell = new QPlainTextEdit(this);
    m_shell->setObjectName(u"shellSnippet"_s);
    m_shell->setReadOnly(true);
    m_shell->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_shell->setFont(mono);
    shellRow->addWidget(m_shell, 1);
    m_copyShell = new QPushButton(tr("Copy"), this);
    m_copyShell->setToolTip(tr("Copy these lines to the clipboard"));
    shellRow->addWidget(m_copyShell, 0, Qt::AlignTop);
    detail->addLayout(shellRow, 1);
    outer->addLayout(detail, 1);

    connect(m_list, &QListWidget::currentRowChanged, this, [this] {
        m_result->clear();
        refresh();
    });
    connect(m_copy, &QPushButton::clicked, this, &ClientsPage::copySnippet);
    connect(m_copyShell, &QPushButton::clicked, this, [this] {
        QApplication::clipboard()->setText(shellText());
        showResult(tr("Copied."), false);
    });
    connect(m_write, &QPushButton::clicked, this, &ClientsPage::writeConfig);
    connect(m_restore, &QPushButton::clicked, this, &ClientsPage::restoreBackup);
    // The port is known once the engine serves (port 0 picks one at start).
    connect(&m_client.engine(), &Engine::stateChanged, this, &ClientsPage::refresh);
    m_list->setCurrentRow(0);
}

void ClientsPage::setHomeDir(const QString &dir, const QProcessEnvironment &env)
{
    m_home = dir;
    m_env = env;
    refresh();
}

void ClientsPage::selectClient(const QString &id)
{
    for (int r = 0; r < m_list->count(); ++r)
        if (m_list->item(r)->data(Qt::UserRole).toString() == id)
            m_list->setCurrentRow(r);
}

QString ClientsPage::currentClient() const
{
    const QListWidgetItem *item = m_list->currentItem();
    return item ? item->data(Qt::UserRole).toString() : QString();
}

QString ClientsPage::snippetText() const
{
    return m_snippet->toPlainText();
}

QString ClientsPage::shellText() const
{
    return m_shell->isVisibleTo(this) ? m_shell->toPlainText() : QString();
}

QString ClientsPage::resultText() const
{
    return m_result->text();
}

QString ClientsPage::locationText() const
{
    return m_where->text();
}

const ClientProfile *ClientsPage::profile() const
{
    return findClient(currentClient());
}

ClientConfigWriter ClientsPage::writer() const
{
    return ClientConfigWriter(m_home, m_env);
}

QString ClientsPage::configPath() const
{
    const ClientProfile *p = profile();
    return p ? writer().configPath(*p) : QString();
}

ClientEndpoints ClientsPage::endpoints() const
{
    const Engine &engine = m_client.engine();
    const Settings &s = engine.settings();
    // While serving, the port actually bound (the setting may be 0: any free port).
    const int port = engine.state() == Engine::State::Serving ? int(engine.endpoints().port)
                                                              : int(s.integer(u"port"));
    return endpointsFor(s.string(u"host"), port, s.string(u"default_model"),
                        s.string(u"haiku_model_name"));
}

QString ClientsPage::displayPath(const QString &path) const
{
    // "~/.claude/settings.json" reads better than a long home path; the tooltip has it in full.
    const QString home = QDir(m_home).absolutePath() + u'/';
    if (path.startsWith(home))
        return QDir::toNativeSeparators(u"~/"_s + path.mid(home.size()));
    return QDir::toNativeSeparators(path);
}

void ClientsPage::showResult(const QString &text, bool error)
{
    m_result->setText(text);
    m_result->setStyleSheet(error ? u"color: #c62828;"_s : QString());
}

void ClientsPage::refresh()
{
    const ClientProfile *p = profile();
    if (!p)
        return;
    const ClientEndpoints e = endpoints();
    const ClientConfigWriter writer = this->writer();
    const QString path = writer.configPath(*p);
    m_title->setText(p->displayName);
    m_snippet->setPlainText(ClientConfigWriter::snippet(*p, e));
    // For an SDK the snippet already is the shell form.
    const QString shell =
        path.isEmpty() ? QString() : ClientConfigWriter::environmentSnippet(*p, e);
    m_shell->setPlainText(shell);
    for (QWidget *w : {static_cast<QWidget *>(m_shellLabel), static_cast<QWidget *>(m_shell),
                       static_cast<QWidget *>(m_copyShell)})
        w->setVisible(!shell.isEmpty());
    if (path.isEmpty()) {
        m_where->setText(p->anthropic
                             ? tr("Set these environment variables where your program runs; the "
                                  "Anthropic SDKs read them. Pass the model name in your code.")
                             : tr("Set these environment variables where your program runs; the "
                                  "OpenAI SDKs read them. Pass the model name in your code."));
        m_where->setToolTip(QString());
    } else {
        const QString var = writer.variableInEffect(*p);
        m_where->setText(
            var.isEmpty()
                ? tr("Settings for %1, merged into %2 (your other settings stay):")
                      .arg(p->displayName, displayPath(path))
                // The file is not where the client's documentation says by default: say why.
                : tr("Settings for %1, merged into %2 (the folder %3 names; your other settings "
                     "stay):")
                      .arg(p->displayName, displayPath(path), u'$' + var));
        m_where->setToolTip(QDir::toNativeSeparators(path));
    }
    if (p->id == u"codex")
        m_note->setText(tr("Codex releases from February 2026 on accept only wire_api = "
                           "\"responses\", which this proxy does not serve yet: use a release "
                           "from before then."));
    else if (!path.isEmpty())
        m_note->setText(
            tr("Restart %1 after writing: it reads its settings at start.").arg(p->displayName));
    else
        m_note->clear();
    m_note->setVisible(!m_note->text().isEmpty());
    m_write->setVisible(!path.isEmpty());
    m_write->setText(tr("Write to %1").arg(displayPath(path)));
    m_write->setToolTip(QDir::toNativeSeparators(path));
    const QStringList backups = writer.backups(*p);
    m_restore->setVisible(!backups.isEmpty());
    m_restore->setToolTip(backups.isEmpty() ? QString()
                                            : QDir::toNativeSeparators(backups.first()));
}

void ClientsPage::copySnippet()
{
    QApplication::clipboard()->setText(snippetText());
    showResult(tr("Copied."), false);
}

void ClientsPage::writeConfig()
{
    const ClientProfile *p = profile();
    if (!p || !p->hasConfigFile())
        return;
    const ClientConfigWriter writer = this->writer();
    const QString path = QDir::toNativeSeparators(writer.configPath(*p));
    const QString question =
        QFileInfo::exists(writer.configPath(*p))
            ? tr("Write the Qwen Proxy settings into %1?\n\nIts current content is first copied "
                 "to %2 next to it; \"Restore backup\" puts it back. Your other settings stay.")
                  .arg(path, QFileInfo(path).fileName() + u".qwen-proxy-backup-…"_s)
            : tr("Create %1 with the Qwen Proxy settings?\n\nIt does not exist yet; \"Restore "
                 "backup\" removes it again.")
                  .arg(path);
    if (!m_confirm(this, tr("Write %1 settings").arg(p->displayName), question))
        return;
    auto r = writer.write(*p, endpoints());
    if (!r)
        showResult(tr("Nothing was written: %1").arg(r.error().message), true);
    else if (!r->changed)
        showResult(tr("%1 already points at this proxy; nothing changed.").arg(path), false);
    else
        showResult(tr("Wrote %1. Backup: %2").arg(path, QDir::toNativeSeparators(r->backupPath)),
                   false);
    refresh();
}

void ClientsPage::restoreBackup()
{
    const ClientProfile *p = profile();
    if (!p)
        return;
    const ClientConfigWriter writer = this->writer();
    const QStringList backups = writer.backups(*p);
    if (backups.isEmpty())
        return;
    const QString path = QDir::toNativeSeparators(writer.configPath(*p));
    const QString backup = QDir::toNativeSeparators(backups.first());
    const QString question =
        backup.endsWith(u".absent"_s)
            ? tr("Remove %1? It did not exist before Qwen Proxy wrote it.").arg(path)
            : tr("Replace %1 with its backup %2?").arg(path, backup);
    if (!m_confirm(this, tr("Restore %1 settings").arg(p->displayName), question))
        return;
    auto r = writer.restore(*p);
    if (!r)
        showResult(tr("Nothing was restored: %1").arg(r.error().message), true);
    else if (r->removed)
        showResult(tr("Removed %1.").arg(path), false);
    else
        showResult(tr("Restored %1 from %2.").arg(path, backup), false);
    refresh();
}

} // namespace qp
