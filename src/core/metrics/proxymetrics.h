#pragma once
// The proxy's Prometheus metrics: process-lifetime counters fed by the HTTP layer (one call per
// answered request) and by finished requests' usage records, plus gauges read from the account
// pool and the server only when /metrics is scraped.
//
// Recording is a hash lookup and an increment: keys are small integers (routes are interned once
// at start-up, methods map to a fixed list) or the strings a UsageRecord already holds; labels
// become text only in render(). Not thread-safe: like the rest of the server, it lives on the
// one event-loop thread.

#include "metrics/exposition.h"
#include "pool/accountpool.h"
#include "usage/usagerecord.h"

#include <QByteArrayList>
#include <QHash>

namespace qp {

class ProxyMetrics
{
public:
    // The route label of every path no route matched: raw paths would make the label set
    // unbounded.
    static constexpr int kOtherRoute = 0;
    static constexpr QByteArrayView kOtherLabel = "other";
    // Upper bounds of the request duration histogram, seconds: from a cached model list to a
    // long agentic stream.
    static constexpr double kDurationBuckets[] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
                                                  2.5,   5,    10,    30,   60,  120,  300};

    ProxyMetrics();

    // At start-up, once per route path; the id keys the route's series.
    int routeId(const QByteArray &path);
    // GET, HEAD, POST, ... or "other": clients may send any token as a method.
    static int methodId(QByteArrayView method);

    void observeHttp(int route, int method, int status, double seconds);
    void observeUsage(const UsageRecord &r);
    // Backpressure (docs/backpressure.md): a stream's upstream paused because its client was
    // behind; a client disconnected because it took nothing for the stall timeout.
    void noteUpstreamPaused() { ++m_upstreamPauses; }
    void noteClientStalled() { ++m_clientStalls; }
    quint64 upstreamPauses() const { return m_upstreamPauses; }
    quint64 clientStalls() const { return m_clientStalls; }

    struct Gauges {
        int activeConnections = 0;
        QList<AccountSnapshot> accounts;
    };
    QByteArray render(const Gauges &gauges) const;

private:
    struct ApiKey {
        QString account;
        QString model;
        QString dialect;
        int statusClass = 0; // status / 100
        bool operator==(const ApiKey &) const = default;
    };
    struct TokenKey {
        QString account;
        QString model;
        bool operator==(const TokenKey &) const = default;
    };
    struct Tokens {
        qint64 input = 0;
        qint64 output = 0;
        qint64 cached = 0;
    };
    friend size_t qHash(const ApiKey &k, size_t seed);
    friend size_t qHash(const TokenKey &k, size_t seed);

    static quint64 requestKey(int route, int method, int status)
    {
        return quint64(quint32(route)) << 32 | quint64(quint16(method)) << 16 | quint16(status);
    }
    static quint32 durationKey(int route, int method)
    {
        return quint32(quint16(route)) << 16 | quint16(method);
    }

    QByteArrayList m_routes; // by id
    QHash<quint64, quint64> m_requests;
    QHash<quint32, metrics::Histogram> m_durations;
    QHash<ApiKey, quint64> m_api;
    QHash<TokenKey, Tokens> m_tokens;
    quint64 m_upstreamPauses = 0;
    quint64 m_clientStalls = 0;
};

} // namespace qp
