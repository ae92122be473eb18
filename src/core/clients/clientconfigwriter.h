#pragma once
// Shows and writes the settings that point a client at this proxy (issue 17 §4), for the CLI's
// `qwen-proxy connect` and the tray app's Clients page alike.
//
// Writing merges: a JSON config is parsed, only our keys are set and the rest is kept (Qt writes
// the object back with its keys in alphabetical order); Codex's TOML is edited line by line, only
// our `[model_providers.qwen-proxy]` table and the top-level `model_provider` and `model` lines,
// so every other byte stays. Before a file changes, its old content is copied next to it as
// `<file>.qwen-proxy-backup-<UTC stamp>` (or an empty `….absent` marker when there was no file),
// and restore() puts the newest one back and removes it: the backups form an undo stack.
//
// A file we cannot read safely (malformed JSON, JSON with comments, TOML we do not understand)
// is refused and left untouched: the user's own settings matter more than ours. JSON with
// comments is told apart from broken JSON, so the message can say to paste the settings by hand.
//
// Where a config file is follows the client's own rules, environment variables included
// (CODEX_HOME, CLAUDE_CONFIG_DIR, QWEN_HOME, XDG_CONFIG_HOME): forCurrentUser() is what the CLI
// and the tray app both use, so they show and write the same file.

#include "clientprofile.h"
#include "common/error.h"

#include <QDateTime>
#include <QProcessEnvironment>
#include <QStringList>

namespace qp::clients {

struct WriteOutcome {
    QString path;
    QString backupPath; // empty when nothing changed
    bool changed = false;
};

struct RestoreOutcome {
    QString path;
    QString backupPath;   // the backup that was put back (and removed)
    bool removed = false; // the file had not existed: it was deleted
};

class ClientConfigWriter
{
public:
    // `env` holds the variables that move a client's config directory; an empty one means
    // every client uses its default directory under homeDir.
    explicit ClientConfigWriter(QString homeDir, QProcessEnvironment env = {});
    // This user's home directory and this process's environment.
    static ClientConfigWriter forCurrentUser();

    QString homeDir() const { return m_home; }
    QProcessEnvironment environment() const { return m_env; }
    // Native separators not applied: a path for QFile. Empty for a show-only client.
    QString configPath(const ClientProfile &client) const;
    // The environment variable that moved the client's config directory, or empty when the
    // default under the home directory is used.
    QString variableInEffect(const ClientProfile &client) const;

    // The exact text to show and copy: the config fragment for a client with a file, the
    // environment variables for an SDK.
    static QString snippet(const ClientProfile &client, const ClientEndpoints &e);
    // The same settings as shell exports, for a client started from a terminal.
    static QString environmentSnippet(const ClientProfile &client, const ClientEndpoints &e);

    // `existing` with our settings merged in (empty: a new file). Pure: no file is touched.
    static Result<QByteArray> merge(const ClientProfile &client, const QByteArray &existing,
                                    const ClientEndpoints &e);

    // Backs up, merges and saves. Nothing is written when the file already says what we would
    // write (changed == false), so repeated writes do not pile up backups.
    Result<WriteOutcome> write(const ClientProfile &client, const ClientEndpoints &e,
                               const QDateTime &nowUtc = QDateTime::currentDateTimeUtc()) const;

    // The client's backups, newest first.
    QStringList backups(const ClientProfile &client) const;
    Result<RestoreOutcome> restore(const ClientProfile &client) const;

private:
    QString configDir(const ClientProfile &client) const;

    QString m_home;
    QProcessEnvironment m_env;
};

} // namespace qp::clients
