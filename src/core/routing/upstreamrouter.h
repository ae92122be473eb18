#pragma once
// Answers "which upstream and which model for this request" and hears back how it went. This is
// the seam the account pool (roadmap.md) grows into: the relays never pick accounts themselves.

#include "common/error.h"
#include "models/modelcatalog.h"
#include "protocol/usage.h"
#include "upstream/upstream.h"

#include <QDateTime>
#include <QHash>
#include <optional>

namespace qp {

class Settings;

struct RouteTarget {
    Upstream upstream;
    QString model;         // sent upstream
    QString clientModel;   // what the client asked for
    QString mappingNote;   // why the model changed, for the log
    bool smallModelRoute = false;
};

class UpstreamRouter
{
public:
    // Static API-key upstreams come from settings (OPENAI_BASE_URL/OPENAI_API_KEY, HAIKU_*);
    // without them, Qwen OAuth accounts are used.
    UpstreamRouter(const Settings &settings, const ModelCatalog &catalog);

    void setQwenAccounts(QStringList ids, QString defaultId);
    QStringList qwenAccounts() const { return m_accounts; }

    Result<RouteTarget> route(const QString &clientModel, bool hasImages) const;
    void reportSuccess(const RouteTarget &t, const Usage &usage);
    void reportFailure(const RouteTarget &t, const Error &e);

    // "OpenAI-compatible upstream https://host/v1" or "Qwen OAuth (account default)". No secrets.
    QString describeMain() const;
    bool usesApiKeyUpstream() const { return m_main.has_value(); }

    struct Counters {
        qint64 requests = 0, errors = 0, inputTokens = 0, outputTokens = 0, cachedTokens = 0;
        QString day; // UTC yyyy-MM-dd the counters belong to
    };
    Counters countersFor(const QString &upstreamName) const;

private:
    std::optional<Upstream> m_main;
    std::optional<Upstream> m_haiku;
    QString m_haikuModel;
    const ModelCatalog &m_catalog;
    QStringList m_accounts;
    QString m_defaultAccount;
    mutable QHash<QString, Counters> m_counters;
};

} // namespace qp
