#pragma once
// The coding agents and SDKs this proxy can be pointed at (issue 17 §4): where each keeps its
// settings and what it needs to know (docs/clients.md has the facts and where they come from).
// Rendering and writing those settings is ClientConfigWriter's work (clientconfigwriter.h).

#include <QList>
#include <QString>

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

struct ClientProfile {
    QString id;          // for `qwen-proxy connect <id>`
    QString displayName; // product name, not translated
    ConfigFormat format = ConfigFormat::None;
    // The config file relative to the user's home directory, '/'-separated; the same on Linux,
    // macOS and Windows for every client here (each resolves it under its own home directory).
    QString relativePath;
    bool anthropic = false; // speaks the Anthropic dialect (else OpenAI)
};

const QList<ClientProfile> &clientProfiles();
const ClientProfile *findClient(QStringView id);

} // namespace qp::clients
