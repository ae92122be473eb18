#pragma once
// Providers as the CLI and the tray use them: add (checked against its preset, key to the secret
// store, row, and the account that serves it), list (stored and from the environment), remove,
// test (one tiny chat request through the same call path as real requests) and models (what the
// upstream's /models lists, chat models only). Every answer comes through a callback: the secret
// store and the network are asynchronous.

#include "providers/provider.h"
#include "upstream/chatcall.h"

#include <QObject>
#include <QPointer>
#include <functional>

namespace qp {

class AccountStore;
class HttpClient;
class ProviderStore;
class SecretStore;

struct AddProviderRequest {
    QString id;
    QString preset;
    QString baseUrl;    // empty: the preset's
    QStringList models; // empty: the preset's
    QString apiKey;     // read from stdin or a prompt by the CLI, never from argv
    QString proxyUrl;   // "" = system proxy; "direct"; http:// or socks5:// with credentials
    QList<QPair<QByteArray, QByteArray>> headers;
    QString quotaPlan; // "" = the preset's
};

struct ProviderTestResult {
    bool ok = false;
    qint64 latencyMs = 0;
    QString model;
    QString answer; // the model's words, trimmed
    QString error;  // the upstream's error in plain words
    std::optional<Error> cause;
};

class ProviderService : public QObject
{
    Q_OBJECT
public:
    // Borrows everything; all must outlive the service.
    ProviderService(ProviderStore *providers, AccountStore *accounts, SecretStore *secrets,
                    HttpClient *client, ChatCallConfig callConfig, QObject *parent = nullptr);

    // Providers defined by settings (OPENAI_BASE_URL, HAIKU_BASE_URL): listed, tested, not
    // removable.
    void setEnvironmentProviders(QList<QPair<ProviderConfig, ProviderSecret>> providers);

    void add(const AddProviderRequest &request, std::function<void(Result<ProviderConfig>)> done);
    void remove(const QString &id, std::function<void(std::optional<Error>)> done);
    Result<QList<ProviderConfig>> list() const; // environment ones first, then stored, oldest first
    Result<ProviderConfig> get(const QString &id) const;
    void secret(const QString &id, std::function<void(Result<ProviderSecret>)> done);

    void test(const QString &id, const QString &model,
              std::function<void(ProviderTestResult)> done);
    void models(const QString &id, std::function<void(Result<QStringList>)> done);

    // Validation of an add request without side effects (the id is checked against the stores).
    Result<ProviderConfig> validate(const AddProviderRequest &request) const;

signals:
    void providersChanged();

private:
    ProviderStore *m_providers;
    AccountStore *m_accounts;
    QPointer<SecretStore> m_secrets;
    HttpClient *m_client;
    ChatCallConfig m_callConfig;
    QList<QPair<ProviderConfig, ProviderSecret>> m_environment;
};

// Non-chat SKUs (embeddings, rerank, speech, image, video) filtered out of a /models answer.
QStringList chatModelsOnly(const QStringList &ids);

} // namespace qp
