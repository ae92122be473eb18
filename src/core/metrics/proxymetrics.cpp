#include "metrics/proxymetrics.h"

#include <algorithm>
#include <map>
#include <tuple>

using namespace Qt::StringLiterals;

namespace qp {

namespace {
constexpr QByteArrayView kMethods[] = {"GET",    "HEAD",  "POST",    "PUT",
                                       "DELETE", "PATCH", "OPTIONS", "other"};
constexpr int kOtherMethod = int(std::size(kMethods)) - 1;
constexpr AccountState kStates[] = {AccountState::Healthy, AccountState::Cooling,
                                    AccountState::NeedsLogin, AccountState::Parked,
                                    AccountState::Disabled};

QString latin1(QByteArrayView v)
{
    return QString::fromLatin1(v.data(), v.size());
}

QString statusClassName(int statusClass)
{
    return QString::number(statusClass) + u"xx"_s;
}
} // namespace

size_t qHash(const ProxyMetrics::ApiKey &k, size_t seed)
{
    return qHashMulti(seed, k.account, k.model, k.dialect, k.statusClass);
}

size_t qHash(const ProxyMetrics::TokenKey &k, size_t seed)
{
    return qHashMulti(seed, k.account, k.model);
}

ProxyMetrics::ProxyMetrics()
{
    m_routes.append(kOtherLabel.toByteArray());
}

int ProxyMetrics::routeId(const QByteArray &path)
{
    const qsizetype i = m_routes.indexOf(path);
    if (i >= 0)
        return int(i);
    m_routes.append(path);
    return int(m_routes.size() - 1);
}

int ProxyMetrics::methodId(QByteArrayView method)
{
    for (int i = 0; i < kOtherMethod; ++i)
        if (kMethods[i] == method)
            return i;
    return kOtherMethod;
}

void ProxyMetrics::observeHttp(int route, int method, int status, double seconds)
{
    ++m_requests[requestKey(route, method, status)];
    auto it = m_durations.find(durationKey(route, method));
    if (it == m_durations.end())
        it = m_durations.insert(durationKey(route, method), metrics::Histogram(kDurationBuckets));
    it->observe(seconds);
}

void ProxyMetrics::observeUsage(const UsageRecord &r)
{
    ++m_api[ApiKey{r.accountId, r.model, r.dialect, r.status / 100}];
    Tokens &t = m_tokens[TokenKey{r.accountId, r.model}];
    t.input += r.inputTokens;
    t.output += r.outputTokens;
    t.cached += r.cachedTokens;
}

QByteArray ProxyMetrics::render(const Gauges &gauges) const
{
    using metrics::Labels;
    metrics::ExpositionWriter w;
    // Sorted, so consecutive scrapes list series in the same order (diffable, readable).
    auto routeName = [&](int id) { return latin1(m_routes.value(id, kOtherLabel.toByteArray())); };

    w.family("qwen_proxy_http_requests_total", "counter",
             u"HTTP requests answered, by method, matched route and status."_s);
    std::map<std::tuple<QString, int, int>, quint64> requests;
    for (auto it = m_requests.cbegin(); it != m_requests.cend(); ++it)
        requests[{routeName(int(it.key() >> 32)), int((it.key() >> 16) & 0xffff),
                  int(it.key() & 0xffff)}] = it.value();
    for (const auto &[k, n] : requests)
        w.sample("qwen_proxy_http_requests_total",
                 Labels{{"method", latin1(kMethods[std::get<1>(k)])},
                        {"route", std::get<0>(k)},
                        {"status", QString::number(std::get<2>(k))}},
                 qint64(n));

    w.family("qwen_proxy_http_request_duration_seconds", "histogram",
             u"Time from a request's arrival to the last byte of its response."_s);
    std::map<std::pair<QString, int>, const metrics::Histogram *> durations;
    for (auto it = m_durations.cbegin(); it != m_durations.cend(); ++it)
        durations[{routeName(int(it.key() >> 16)), int(it.key() & 0xffff)}] = &it.value();
    for (const auto &[k, h] : durations)
        w.histogram("qwen_proxy_http_request_duration_seconds",
                    Labels{{"method", latin1(kMethods[k.second])}, {"route", k.first}}, *h);

    w.family("qwen_proxy_api_requests_total", "counter",
             u"Finished proxied requests, by serving account, upstream model, client dialect "
             u"and status class."_s);
    std::map<std::tuple<QString, QString, QString, int>, quint64> api;
    for (auto it = m_api.cbegin(); it != m_api.cend(); ++it)
        api[{it.key().account, it.key().model, it.key().dialect, it.key().statusClass}] =
            it.value();
    for (const auto &[k, n] : api)
        w.sample("qwen_proxy_api_requests_total",
                 Labels{{"account", std::get<0>(k)},
                        {"model", std::get<1>(k)},
                        {"dialect", std::get<2>(k)},
                        {"status_class", statusClassName(std::get<3>(k))}},
                 qint64(n));

    w.family("qwen_proxy_token_usage_total", "counter",
             u"Tokens used by finished requests, by account, model and type."_s);
    std::map<std::pair<QString, QString>, Tokens> tokens;
    for (auto it = m_tokens.cbegin(); it != m_tokens.cend(); ++it)
        tokens[{it.key().account, it.key().model}] = it.value();
    for (const auto &[k, t] : tokens) {
        const std::pair<QString, qint64> types[] = {
            {u"input"_s, t.input}, {u"output"_s, t.output}, {u"cached"_s, t.cached}};
        for (const auto &[type, n] : types)
            w.sample("qwen_proxy_token_usage_total",
                     Labels{{"account", k.first}, {"model", k.second}, {"type", type}}, n);
    }

    w.family("qwen_proxy_upstream_paused_total", "counter",
             u"Times a stream's upstream was paused because its client had more than "
             u"CLIENT_BACKLOG_BYTES waiting."_s);
    w.sample("qwen_proxy_upstream_paused_total", {}, qint64(m_upstreamPauses));
    w.family("qwen_proxy_client_stalls_total", "counter",
             u"Clients disconnected for taking nothing for CLIENT_STALL_TIMEOUT_MS."_s);
    w.sample("qwen_proxy_client_stalls_total", {}, qint64(m_clientStalls));

    w.family("qwen_proxy_active_connections", "gauge", u"Client connections open now."_s);
    w.sample("qwen_proxy_active_connections", {}, qint64(gauges.activeConnections));

    w.family("qwen_proxy_account_state", "gauge",
             u"1 for the state each pool account is in, 0 for the others."_s);
    for (const AccountSnapshot &a : gauges.accounts)
        for (AccountState s : kStates)
            w.sample("qwen_proxy_account_state",
                     Labels{{"account", a.id}, {"state", accountStateName(s)}},
                     qint64(a.state == s ? 1 : 0));

    w.family("qwen_proxy_account_in_flight", "gauge",
             u"Requests each pool account is serving now."_s);
    for (const AccountSnapshot &a : gauges.accounts)
        w.sample("qwen_proxy_account_in_flight", Labels{{"account", a.id}}, qint64(a.inFlight));

    w.family("qwen_proxy_quota_window_used", "gauge",
             u"Requests or tokens counted in each quota window of an account's plan."_s);
    for (const AccountSnapshot &a : gauges.accounts)
        for (const auto &win : a.windows) {
            const QString window = win.limit.windowName();
            w.sample("qwen_proxy_quota_window_used",
                     Labels{{"account", a.id}, {"window", window}, {"unit", u"requests"_s}},
                     win.usedRequests);
            w.sample("qwen_proxy_quota_window_used",
                     Labels{{"account", a.id}, {"window", window}, {"unit", u"tokens"_s}},
                     win.usedTokens);
        }

    w.family("qwen_proxy_quota_window_limit", "gauge",
             u"The plan's limit of each quota window; a unit the window does not limit is "
             u"absent."_s);
    for (const AccountSnapshot &a : gauges.accounts)
        for (const auto &win : a.windows) {
            const QString window = win.limit.windowName();
            if (win.limit.maxRequests > 0)
                w.sample("qwen_proxy_quota_window_limit",
                         Labels{{"account", a.id}, {"window", window}, {"unit", u"requests"_s}},
                         win.limit.maxRequests);
            if (win.limit.maxTokens > 0)
                w.sample("qwen_proxy_quota_window_limit",
                         Labels{{"account", a.id}, {"window", window}, {"unit", u"tokens"_s}},
                         win.limit.maxTokens);
        }

    w.family("qwen_proxy_quota_window_reset_timestamp_seconds", "gauge",
             u"When each quota window next frees something up, seconds since the epoch."_s);
    for (const AccountSnapshot &a : gauges.accounts)
        for (const auto &win : a.windows)
            w.sample("qwen_proxy_quota_window_reset_timestamp_seconds",
                     Labels{{"account", a.id}, {"window", win.limit.windowName()}},
                     double(win.resetsAtMs) / 1000.0);

    return w.take();
}

} // namespace qp
