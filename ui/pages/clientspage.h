#pragma once
// Clients: for each coding agent and SDK, the exact settings that point it at this proxy (a
// read-only snippet with a Copy button), and for those with a config file "Write to <file>" (after
// a confirmation naming the file and its backup) and "Restore backup" when one exists.
//
// The rules (what to write, how to merge, where backups go) are the core's ClientConfigWriter;
// writing a small file is plain file work and runs here on the GUI thread. The base URLs and
// model names come from the engine's endpoints and settings, read on this thread (engine.h).

#include "confirm.h"

#include <QProcessEnvironment>
#include <QWidget>

class QLabel;
class QListWidget;
class QPlainTextEdit;
class QPushButton;

namespace qp {

class EngineClient;

namespace clients {
struct ClientEndpoints;
struct ClientProfile;
class ClientConfigWriter;
} // namespace clients

class ClientsPage : public QWidget
{
    Q_OBJECT
public:
    explicit ClientsPage(EngineClient &client, QWidget *parent = nullptr);

    // Where the clients' config files are looked for: the user's home and this process's
    // environment by default (CODEX_HOME and the like), exactly as `qwen-proxy connect`. Another
    // home (the screenshots' demo) comes with the variables to follow there: none by default, so
    // a variable of the real session does not lead the page out of it.
    void setHomeDir(const QString &dir, const QProcessEnvironment &env = {});
    QString homeDir() const { return m_home; }
    void setConfirmer(Confirmer c) { m_confirm = std::move(c); }

    void selectClient(const QString &id);
    QString currentClient() const;
    QString snippetText() const;
    QString shellText() const; // the same as shell exports; empty when there is no such form
    QString resultText() const;
    QString locationText() const; // the line above the snippet: where the settings go
    QString configPath() const;   // of the selected client; empty for an SDK
    QPushButton *copyButton() const { return m_copy; }
    QPushButton *copyShellButton() const { return m_copyShell; }
    QPushButton *writeButton() const { return m_write; }
    QPushButton *restoreButton() const { return m_restore; }

    void copySnippet();
    void writeConfig();
    void restoreBackup();
    // Recomputes the snippet from the current endpoints and the files on disk.
    void refresh();

private:
    const clients::ClientProfile *profile() const;
    clients::ClientConfigWriter writer() const;
    clients::ClientEndpoints endpoints() const;
    QString displayPath(const QString &path) const;
    void showResult(const QString &text, bool error);

    EngineClient &m_client;
    QString m_home;
    QProcessEnvironment m_env;
    QListWidget *m_list;
    QLabel *m_title, *m_where, *m_note, *m_result, *m_shellLabel;
    QPlainTextEdit *m_snippet, *m_shell;
    QPushButton *m_copy, *m_write, *m_restore, *m_copyShell;
    Confirmer m_confirm = confirmWithMessageBox;
};

} // namespace qp
