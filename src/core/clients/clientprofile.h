#pragma once
// The coding agents and SDKs this proxy can be pointed at (issue 17 §4): where each keeps its
// settings and what it needs to know (docs/clients.md has the facts and where they come from).
// Rendering and writing those settings is ClientConfigWriter's work (clientconfigwriter.h).

#include <QList>
#include <QString>
#include <QStringList>

namespace qp::clients {

// What a client is told: the proxy's two base URLs, a key, and the models to ask for.
struct ClientEndpoints {
    QString openAIBaseUrl;    // http://127.0.0.1:8765/v1
    QString anthropicBaseUrl; // http://127.0.0.1:8765 (Anthropic clients append /v1/messages)
    QString apiKey;           // any non-empty key passes: the proxy has no client access control
    QString model;            // the main model (settings: default_model)
    QString smallModel;       // for quick background requests (haiku_model_name, else model)
};

// The key clients send. The proxy accepts any key, but every client insists on having one; a
// recognisable placeholder makes the proxy's request log and the client's config self-explaining.
inline constexpr char16_t kPlaceholderKey[] = u"qwen-proxy";

// Base URLs as `qwen-proxy serve` prints them: a wildcard listen address is reached through the
// loopback address, an IPv6 literal gets brackets.
ClientEndpoints endpointsFor(const QString &host, int port, const QString &model,
                             const QString &smallModel);

enum class ConfigFormat {
    None, // show-only (the SDKs read environment variables)
    Json, // parsed, our keys set, written back
    Toml, // Codex: a line-based edit of our own table and two top-level keys
};

// Where a client keeps its user config file: a directory, which some clients let an environment
// variable move, and the file's name in it. docs/clients.md has each client's rule and its source.
struct ConfigLocation {
    QString dirVariable;   // e.g. CODEX_HOME; unset or empty: defaultDir
    QString underVariable; // appended to the variable's directory ("opencode" for XDG_CONFIG_HOME)
    QString defaultDir;    // relative to the home directory, '/'-separated
    // The first name that exists is the file written; with none, the last one is created.
    QStringList fileNames;
    bool expandTilde = false; // the client itself expands a leading ~ in the variable
};

struct ClientProfile {
    QString id;          // for `qwen-proxy connect <id>`
    QString displayName; // product name, not translated
    ConfigFormat format = ConfigFormat::None;
    ConfigLocation location; // empty fileNames: show-only
    bool anthropic = false;  // speaks the Anthropic dialect (else OpenAI)
    // Whether the client itself reads comments and trailing commas in its JSON config.
    bool acceptsJsonComments = false;

    bool hasConfigFile() const { return !location.fileNames.isEmpty(); }
};

const QList<ClientProfile> &clientProfiles();
const ClientProfile *findClient(QStringView id);

} // namespace qp::clients
