// The declaration of every setting. Environment variable names from the original proxies keep
// their meaning (qwen-protocol.md §E).
#include "access/clientkey.h"
#include "pool/quotaplan.h"
#include "routing/routetable.h"
#include "settings/settings.h"

#include <QHostAddress>
#include <QRegularExpression>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace qp {

namespace {
using Type = SettingSpec::Type;
using Check = std::function<std::optional<QString>(const QVariant &)>;

Check range(qint64 lo, qint64 hi)
{
    return [lo, hi](const QVariant &v) -> std::optional<QString> {
        const qint64 x = v.toLongLong();
        if (x < lo || x > hi)
            return u"accepted: %1-%2"_s.arg(lo).arg(hi);
        return std::nullopt;
    };
}

Check oneOf(QStringList allowed)
{
    return [allowed](const QVariant &v) -> std::optional<QString> {
        if (!allowed.contains(v.toString().toLower()))
            return u"accepted: "_s + allowed.join(u", "_s);
        return std::nullopt;
    };
}

// An upstream URL must be absolute http(s); empty means "not set".
Check httpUrl(bool allowEmpty)
{
    return [allowEmpty](const QVariant &v) -> std::optional<QString> {
        const QString s = v.toString().trimmed();
        if (s.isEmpty())
            return allowEmpty ? std::nullopt
                              : std::optional<QString>(u"accepted: an http(s) URL"_s);
        const QUrl u(s, QUrl::StrictMode);
        if (!u.isValid() || (u.scheme() != u"http" && u.scheme() != u"https") || u.host().isEmpty())
            return u"accepted: an absolute http:// or https:// URL"_s;
        return std::nullopt;
    };
}

// "10.0.0.0/8, 172.17.0.0/16": each part a subnet QHostAddress::parseSubnet reads.
Check cidrList()
{
    return [](const QVariant &v) -> std::optional<QString> {
        for (const QString &part : v.toString().split(u',', Qt::SkipEmptyParts))
            if (QHostAddress::parseSubnet(part.trimmed()).first.isNull())
                return u"'%1' is not an address/prefix such as 172.17.0.0/16"_s.arg(part.trimmed());
        return std::nullopt;
    };
}

// Client keys given whole (the container's QWEN_PROXY_API_KEYS): each must be a key this program
// made (qwen-proxy keys create --print-only), never a user's own word.
Check clientKeyList()
{
    return [](const QVariant &v) -> std::optional<QString> {
        for (const QString &part : v.toString().split(u',', Qt::SkipEmptyParts))
            if (!clientkey::parse(part.trimmed().toLatin1()))
                return u"accepted: keys made by 'qwen-proxy keys create' (qpk_...), comma-separated"_s;
        return std::nullopt;
    };
}

// Routes: "glob=provider[:model]|...; ..." (routing/routetable.h).
Check routeSpec()
{
    return [](const QVariant &v) -> std::optional<QString> {
        const auto rules = parseRoutes(v.toString());
        if (!rules)
            return rules.error().message;
        return std::nullopt;
    };
}

// A quota plan: a preset name or windows such as "5h:1200,week:9000" (pool/quotaplan.h).
Check quotaSpec()
{
    return [](const QVariant &v) -> std::optional<QString> {
        const auto plan = QuotaPlan::fromSpec(v.toString());
        if (!plan)
            return plan.error().message;
        return std::nullopt;
    };
}

Check noWhitespace()
{
    return [](const QVariant &v) -> std::optional<QString> {
        const QString s = v.toString();
        for (QChar c : s)
            if (c.isSpace())
                return u"accepted: a key without whitespace"_s;
        return std::nullopt;
    };
}

// An address to listen on: an IP address, "localhost" or a host name. Whitespace, ports and URLs
// are typos that would only surface as a bind failure.
Check hostName()
{
    return [](const QVariant &v) -> std::optional<QString> {
        const QString s = v.toString();
        static const QRegularExpression name(u"^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})$"_s);
        if (QHostAddress().setAddress(s) || name.match(s).hasMatch())
            return std::nullopt;
        return u"accepted: an IP address (127.0.0.1, ::1, 0.0.0.0), localhost or a host name"_s;
    };
}

SettingSpec str(QString key, QString def, QString env, QString flag, Check check = {},
                QString help = {})
{
    return SettingSpec{key, Type::String, def, env, flag, check, false, true, help};
}
SettingSpec num(QString key, qint64 def, QString env, QString flag, Check check, QString help = {})
{
    return SettingSpec{key,  Type::Int, QVariant::fromValue(def), env, flag, check, false,
                       true, help};
}
SettingSpec flag(QString key, bool def, QString env, QString cli, QString help = {})
{
    return SettingSpec{key, Type::Bool, def, env, cli, {}, false, true, help};
}
SettingSpec secret(QString key, QString env, Check check, QString help)
{
    return SettingSpec{key, Type::String, QString(), env, {}, check, true, false, help};
}
} // namespace

const QList<SettingSpec> &settingSpecs()
{
    static const QList<SettingSpec> specs = {
        // Listener
        str(u"host"_s, u"127.0.0.1"_s, u"HOST"_s, u"host"_s, hostName(),
            u"Address to listen on; 'localhost' binds 127.0.0.1 and ::1"_s),
        num(u"port"_s, 8765, u"PORT"_s, u"port"_s, range(0, 65535), u"TCP port"_s),
        num(u"max_body_bytes"_s, 32 * 1024 * 1024, u"MAX_BODY_BYTES"_s, {},
            range(1024, qint64(1) << 31), u"Largest request body accepted (413 above)"_s),
        num(u"max_header_bytes"_s, 64 * 1024, u"MAX_HEADER_BYTES"_s, {}, range(1024, 1 << 24),
            u"Largest request header block (431 above)"_s),
        num(u"idle_connection_timeout_ms"_s, 60000, u"IDLE_CONNECTION_TIMEOUT_MS"_s, {},
            range(1000, 3600000), u"Closes client connections idle this long"_s),
        num(u"header_timeout_ms"_s, 10000, u"HEADER_TIMEOUT_MS"_s, {}, range(500, 600000),
            u"A request's header block must arrive within this long of its first byte (408)"_s),
        num(u"body_timeout_ms"_s, 60000, u"BODY_TIMEOUT_MS"_s, {}, range(1000, 3600000),
            u"A request's body must arrive within this long of its header block (408)"_s),
        num(u"max_connections"_s, 4096, u"MAX_CONNECTIONS"_s, {}, range(1, 1000000),
            u"Connection cap (also bounded by the open-file limit)"_s),
        num(u"unkeyed_requests_per_minute"_s, 120, u"UNKEYED_REQUESTS_PER_MINUTE"_s, {},
            range(0, 1000000),
            u"Requests without a valid client key one caller from beyond this machine may make "
            "per minute (429 above; 0: no limit); keyed and local callers are never limited by "
            "address"_s),
        num(u"max_connections_per_peer"_s, 64, u"MAX_CONNECTIONS_PER_PEER"_s, {}, range(1, 1000000),
            u"Connections one caller from beyond this machine may hold (an IPv6 /64 counts as "
            "one); callers on this machine are never capped"_s),
        num(u"client_backlog_bytes"_s, 1024 * 1024, u"CLIENT_BACKLOG_BYTES"_s, {},
            range(16 * 1024, qint64(1) << 31),
            u"Bytes of a streamed answer that may wait for a slow client; above it the proxy "
            "stops reading that upstream until the client has taken half of them"_s),
        num(u"client_stall_timeout_ms"_s, 60000, u"CLIENT_STALL_TIMEOUT_MS"_s, {},
            range(100, 3600000),
            u"A client that takes nothing this long while over the backlog bound is "
            "disconnected and its upstream request aborted"_s),
        str(u"cors_origins"_s, QString(), u"CORS_ORIGINS"_s, {}, {},
            u"Comma-separated allowed origins; empty = localhost origins only; * = any"_s),
        str(u"allowed_hosts"_s, QString(), u"ALLOWED_HOSTS"_s, {}, {},
            u"Comma-separated host names this proxy also answers to ('*.example.com' for "
            "subdomains); localhost, IP addresses and this machine's name always work"_s),
        str(u"require_key"_s, u"auto"_s, u"REQUIRE_KEY"_s, u"require-key"_s,
            oneOf({u"auto"_s, u"always"_s}),
            u"auto: callers on this machine need no client key, others do; always: every "
            "caller does (for ssh -R and tunnels, which arrive from loopback)"_s),
        secret(u"client_keys"_s, u"QWEN_PROXY_API_KEYS"_s, clientKeyList(),
               u"Client keys accepted beside the stored ones, comma-separated (for containers); "
               "kept in memory as digests only"_s),
        str(u"trusted_cidrs"_s, QString(), u"TRUSTED_CIDRS"_s, {}, cidrList(),
            u"Comma-separated networks treated like loopback when the Host names loopback "
            "(a container bridge such as 172.17.0.0/16)"_s),
        num(u"shutdown_grace_ms"_s, 10000, u"SHUTDOWN_GRACE_MS"_s, {}, range(0, 600000),
            u"How long open streams may finish on SIGINT/SIGTERM"_s),

        // Logging
        str(u"log_level"_s, u"info"_s, u"LOG_LEVEL"_s, u"log-level"_s,
            oneOf({u"off"_s, u"error"_s, u"warn"_s, u"info"_s, u"debug"_s, u"error-debug"_s}),
            u"Console verbosity"_s),
        flag(u"debug_log"_s, false, u"DEBUG_LOG"_s, {}, u"Same as log_level=debug"_s),
        num(u"log_file_limit"_s, 20, u"LOG_FILE_LIMIT"_s, {}, range(1, 1000),
            u"Debug log files kept"_s),

        // Models
        str(u"default_model"_s, u"qwen3-coder-plus"_s, u"DEFAULT_MODEL"_s, {}, {},
            u"Model used for unknown and claude-* names"_s),
        str(u"model_map"_s, QString(), u"MODEL_MAP"_s, {}, {},
            u"Extra model mappings 'glob=model,glob=model' tried before the built-in table"_s),
        str(u"routes"_s, QString(), u"ROUTES"_s, {}, routeSpec(),
            u"Model routes 'glob=provider[:model]|provider[:model]; ...' tried in order, with "
            "fallback (docs/providers.md)"_s),
        flag(u"strict_schema"_s, false, u"STRICT_SCHEMA"_s, {},
             u"Strip additionalProperties/default/examples/title/formats from tool schemas"_s),
        num(u"responses_store_count"_s, 256, u"RESPONSES_STORE_COUNT"_s, {}, range(0, 100000),
            u"Responses kept in memory for previous_response_id and item_reference (0: none)"_s),
        num(u"responses_store_bytes"_s, 64 * 1024 * 1024, u"RESPONSES_STORE_BYTES"_s, {},
            range(0, qint64(1) << 34),
            u"Bytes of kept Responses (input and output items); the oldest go first"_s),

        // Accounts
        str(u"secret_store"_s, u"auto"_s, u"QP_SECRET_STORE"_s, {},
            oneOf({u"auto"_s, u"keychain"_s, u"file"_s, u"memory"_s}),
            u"Where tokens are kept: the OS keychain (auto: when it works), a 0600 file, or memory"_s),

        // Account pool (pool/poolconfig.h)
        str(u"pool_strategy"_s, u"round_robin"_s, u"POOL_STRATEGY"_s, u"strategy"_s,
            oneOf({u"round_robin"_s, u"lru"_s, u"least_used"_s, u"most_remaining"_s,
                   u"fill_first"_s, u"reset_first"_s}),
            u"How the pool chooses an account for each request"_s),
        str(u"default_account"_s, QString(), u"DEFAULT_ACCOUNT"_s, {}, {},
            u"Account tried first while it can serve"_s),
        num(u"quota_reserve_percent"_s, 0, u"QUOTA_RESERVE_PERCENT"_s, {}, range(0, 50),
            u"Stop choosing an account this close (in % of a window's limit) to its limit"_s),
        str(u"quota_plan"_s, QString(), u"QUOTA_PLAN"_s, {}, quotaSpec(),
            u"Quota windows of the API-key account: a preset (coding-plan-lite, coding-plan-pro) "
            "or windows like '5h:1200,week:9000,month:18000'"_s),
        num(u"upstream_retries"_s, 2, u"UPSTREAM_RETRIES"_s, {}, range(0, 10),
            u"Transient upstream failures retried on one account before rotating"_s),
        num(u"retry_backoff_ms"_s, 500, u"RETRY_BACKOFF_MS"_s, {}, range(0, 60000),
            u"First retry delay (doubled per retry)"_s),
        num(u"max_retry_wait_ms"_s, 2000, u"MAX_RETRY_WAIT_MS"_s, {}, range(0, 600000),
            u"A longer Retry-After rotates to another account instead of waiting"_s),
        num(u"account_failure_threshold"_s, 3, u"ACCOUNT_FAILURE_THRESHOLD"_s, {}, range(1, 100),
            u"Consecutive failures that take an account out for a growing cool-down"_s),

        // Usage (usage/usagestore.h)
        num(u"request_log_days"_s, 7, u"REQUEST_LOG_DAYS"_s, {}, range(1, 3660),
            u"Days the request log keeps"_s),
        num(u"request_log_rows"_s, 100000, u"REQUEST_LOG_ROWS"_s, {}, range(100, 100000000),
            u"Rows the request log keeps at most"_s),
        num(u"request_log_per_second"_s, 100, u"REQUEST_LOG_PER_SECOND"_s, {}, range(0, 1000000),
            u"Successful requests logged per second at most (0: all); errors always are, and "
            "usage totals always count everything"_s),

        // Qwen OAuth
        num(u"token_refresh_buffer_ms"_s, 30000, u"TOKEN_REFRESH_BUFFER"_s, {}, range(0, 3600000),
            u"Refresh tokens this long before they expire"_s),
        str(u"qwen_client_id"_s, u"f0304373b74a44d2b584a3fb70ca9e56"_s, u"QWEN_CLIENT_ID"_s, {}),
        str(u"qwen_scope"_s, u"openid profile email model.completion"_s, u"QWEN_SCOPE"_s, {}),
        str(u"qwen_oauth_base_url"_s, u"https://chat.qwen.ai"_s, u"QWEN_OAUTH_BASE_URL"_s, {},
            httpUrl(false)),
        str(u"qwen_device_code_endpoint"_s, QString(), u"QWEN_DEVICE_CODE_ENDPOINT"_s, {},
            httpUrl(true), u"Default: <oauth base>/api/v1/oauth2/device/code"_s),
        str(u"qwen_token_endpoint"_s, QString(), u"QWEN_TOKEN_ENDPOINT"_s, {}, httpUrl(true),
            u"Default: <oauth base>/api/v1/oauth2/token"_s),
        str(u"qwen_base_url"_s, u"https://dashscope.aliyuncs.com/compatible-mode/v1"_s,
            u"QWEN_BASE_URL"_s, {}, httpUrl(false),
            u"Chat API base when the credentials carry no resource_url"_s),
        str(u"qwen_home"_s, QString(), u"QWEN_HOME"_s, {}, {},
            u"qwen-code's folder (default ~/.qwen)"_s),
        flag(u"qwen_code_auth_use"_s, true, u"QWEN_CODE_AUTH_USE"_s, {},
             u"Use qwen-code's ~/.qwen/oauth_creds.json as the default account"_s),
        str(u"qwen_code_version"_s, u"0.14.3"_s, u"QWEN_CODE_VERSION"_s, {}, {},
            u"Version in the QwenCode user agent sent to the Qwen portal"_s),

        // API-key upstreams (the original Claude-to-OpenAI proxy's environment)
        str(u"upstream_url"_s, QString(), u"OPENAI_BASE_URL"_s, u"upstream-url"_s, httpUrl(true),
            u"OpenAI-compatible upstream used instead of Qwen OAuth"_s),
        secret(u"upstream_api_key"_s, u"OPENAI_API_KEY"_s, noWhitespace(),
               u"Key for upstream_url (environment or standard input only); several keys "
               "separated by commas pool as accounts api-key-1, api-key-2, ..."_s),
        str(u"haiku_model_name"_s, QString(), u"HAIKU_MODEL_NAME"_s, {}, {},
            u"Model sent for small-model (haiku) requests"_s),
        str(u"haiku_base_url"_s, QString(), u"HAIKU_BASE_URL"_s, {}, httpUrl(true),
            u"Upstream for small-model requests"_s),
        secret(u"haiku_api_key"_s, u"HAIKU_API_KEY"_s, noWhitespace(), u"Key for haiku_base_url"_s),

        // The desktop app (qwen-proxy-tray); read at its start.
        str(u"language"_s, QString(), u"QP_LANGUAGE"_s, {},
            oneOf({QString(), u"en"_s, u"zh_cn"_s}), // compared lower-cased
            u"Language of the desktop app; empty: the system's"_s),
        flag(u"start_at_login"_s, false, {}, {}, u"Start the desktop app when the user logs in"_s),
        flag(u"start_minimized"_s, false, {}, {},
             u"Start the desktop app in the tray, without opening its window"_s),

        // Upstream timeouts
        num(u"upstream_connect_timeout_ms"_s, 10000, u"UPSTREAM_CONNECT_TIMEOUT_MS"_s, {},
            range(100, 600000)),
        num(u"upstream_first_byte_timeout_ms"_s, 300000, u"UPSTREAM_FIRST_BYTE_TIMEOUT_MS"_s, {},
            range(100, 3600000)),
        num(u"upstream_idle_timeout_ms"_s, 240000, u"UPSTREAM_IDLE_TIMEOUT_MS"_s, {},
            range(100, 3600000)),
        num(u"upstream_total_timeout_ms"_s, 900000, u"UPSTREAM_TOTAL_TIMEOUT_MS"_s, {},
            range(100, 24 * 3600000)),
    };
    return specs;
}

} // namespace qp
