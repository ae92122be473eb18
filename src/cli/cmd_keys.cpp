// qwen-proxy keys ...: client keys, what callers from beyond this machine present (create, list,
// set, revoke, usage). Only the key's digest is stored; `create` shows the key once. A running
// server sees changes within about a second (docs/access-control.md). Needs only the database:
// no accounts, no keychain, no server.
#include "access/clientkey.h"
#include "access/clientkeystore.h"
#include "accounts/accountstore.h"
#include "cliargs.h"
#include "commands.h"
#include "console.h"
#include "runtime.h"
#include "usage/sqliteusagestore.h"

#include <QDateTime>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace qp::cli {

namespace {

const QSet<QString> kValueFlags{
    u"name"_s,         u"scopes"_s,      u"model"_s,          u"rpm"_s,
    u"tpm"_s,          u"concurrency"_s, u"daily-requests"_s, u"daily-tokens"_s,
    u"expires-days"_s, u"data-dir"_s,    u"config"_s};

const QString kUsage =
    u"qwen-proxy keys create [--name N] [--scopes inference,read,admin] [--model GLOB ...] "
    u"[--rpm N] [--tpm N] [--concurrency N] [--daily-requests N] [--daily-tokens N] "
    u"[--expires-days N] [--json] [--print-only]\n"
    u"       qwen-proxy keys list [--json]\n"
    u"       qwen-proxy keys set <id> [same options as create] [--all-models]\n"
    u"       qwen-proxy keys revoke <id>\n"
    u"       qwen-proxy keys usage [--days N] [--json]"_s;

int usageError(const QString &message)
{
    console::err(u"qwen-proxy keys: "_s + message);
    console::err(u"Usage: "_s + kUsage);
    return Usage;
}

// Applies the options to `key`; an error line for a bad value.
std::optional<QString> applyOptions(const ParsedArgs &p, ClientKeyInfo &key, qint64 nowMs)
{
    if (p.values.contains(u"name"_s))
        key.name = p.values.value(u"name"_s).left(200);
    if (p.values.contains(u"scopes"_s)) {
        const auto scopes = parseScopes(p.values.value(u"scopes"_s));
        if (!scopes)
            return u"--scopes takes a comma-separated list of inference, read, admin (or all)"_s;
        key.scopes = *scopes;
    }
    if (p.switches.contains(u"all-models"_s))
        key.models.clear();
    if (p.all.contains(u"model"_s)) {
        key.models.clear();
        for (const QString &m : p.all.value(u"model"_s))
            for (const QString &one : m.split(u',', Qt::SkipEmptyParts))
                key.models.append(one.trimmed());
    }
    struct Num {
        QString flag;
        qint64 *target;
    };
    qint64 rpm = key.limits.requestsPerMinute, conc = key.limits.concurrency;
    const Num nums[] = {{u"rpm"_s, &rpm},
                        {u"tpm"_s, &key.limits.tokensPerMinute},
                        {u"concurrency"_s, &conc},
                        {u"daily-requests"_s, &key.limits.dailyRequests},
                        {u"daily-tokens"_s, &key.limits.dailyTokens}};
    for (const Num &n : nums) {
        if (!p.values.contains(n.flag))
            continue;
        bool ok = false;
        const qint64 v = p.values.value(n.flag).toLongLong(&ok);
        if (!ok || v < 0 || v > (qint64(1) << 40))
            return u"--%1 takes a whole number, 0 for no limit"_s.arg(n.flag);
        *n.target = v;
    }
    if (rpm > 1'000'000 || conc > 100'000)
        return u"--rpm is at most 1000000 and --concurrency at most 100000"_s;
    key.limits.requestsPerMinute = int(rpm);
    key.limits.concurrency = int(conc);
    if (p.values.contains(u"expires-days"_s)) {
        int days = 0;
        if (auto e =
                parseIntFlag(u"expires-days"_s, p.values.value(u"expires-days"_s), 0, 36600, &days))
            return *e;
        key.expiresMs = days == 0 ? 0 : nowMs + qint64(days) * 86'400'000;
    }
    return std::nullopt;
}

QString stateOf(const ClientKeyInfo &k, qint64 nowMs)
{
    if (k.revokedMs != 0)
        return u"revoked"_s;
    if (!k.usableAt(nowMs))
        return u"expired"_s;
    return u"active"_s;
}

QJsonObject toJson(const ClientKeyInfo &k, qint64 nowMs)
{
    // Never the digest: it stays in the database.
    return QJsonObject{
        {u"id"_s, k.id},
        {u"name"_s, k.name},
        {u"state"_s, stateOf(k, nowMs)},
        {u"scopes"_s, QJsonArray::fromStringList(scopesText(k.scopes).split(u','))},
        {u"models"_s, QJsonArray::fromStringList(k.models)},
        {u"rpm"_s, k.limits.requestsPerMinute},
        {u"tpm"_s, k.limits.tokensPerMinute},
        {u"concurrency"_s, k.limits.concurrency},
        {u"daily_requests"_s, k.limits.dailyRequests},
        {u"daily_tokens"_s, k.limits.dailyTokens},
        {u"created"_s, QDateTime::fromMSecsSinceEpoch(k.createdMs, Qt::UTC).toString(Qt::ISODate)},
        {u"expires"_s,
         k.expiresMs ? QDateTime::fromMSecsSinceEpoch(k.expiresMs, Qt::UTC).toString(Qt::ISODate)
                     : QString()},
        {u"revoked"_s,
         k.revokedMs ? QDateTime::fromMSecsSinceEpoch(k.revokedMs, Qt::UTC).toString(Qt::ISODate)
                     : QString()},
    };
}

QString limitsText(const ClientKeyInfo &k)
{
    QStringList parts;
    const KeyLimits &l = k.limits;
    if (l.requestsPerMinute)
        parts << u"%1 req/min"_s.arg(l.requestsPerMinute);
    if (l.tokensPerMinute)
        parts << u"%1 tok/min"_s.arg(l.tokensPerMinute);
    if (l.concurrency)
        parts << u"%1 at a time"_s.arg(l.concurrency);
    if (l.dailyRequests)
        parts << u"%1 req/day"_s.arg(l.dailyRequests);
    if (l.dailyTokens)
        parts << u"%1 tok/day"_s.arg(l.dailyTokens);
    return parts.isEmpty() ? u"no limits"_s : parts.join(u", "_s);
}

int create(ClientKeyStore *store, const ParsedArgs &p, qint64 now)
{
    const NewClientKey made = clientkey::generate();
    ClientKeyInfo info;
    info.id = made.id;
    info.digest = made.digest;
    info.createdMs = now;
    if (auto e = applyOptions(p, info, now))
        return usageError(*e);
    const bool printOnly = p.switches.contains(u"print-only"_s);
    if (!printOnly) {
        if (auto e = store->add(info)) {
            console::err(u"qwen-proxy keys: "_s + e->message);
            return Failure;
        }
    }
    if (p.switches.contains(u"json"_s)) {
        QJsonObject o = toJson(info, now);
        o.insert(u"key"_s, made.key);
        o.insert(u"stored"_s, !printOnly);
        console::out(QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)));
        return Ok;
    }
    console::out(made.key);
    console::err(printOnly
                     ? u"This key is not stored: give it to the server in QWEN_PROXY_API_KEYS. "
                       "It is shown only now."_s
                     : u"Client key '%1' created (%2; %3). It is shown only now: copy it into "
                       "the client's API key setting."_s.arg(info.id, scopesText(info.scopes),
                                                             limitsText(info)));
    return Ok;
}

int list(ClientKeyStore *store, const ParsedArgs &p, qint64 now)
{
    auto keys = store->list();
    if (!keys) {
        console::err(u"qwen-proxy keys: "_s + keys.error().message);
        return Failure;
    }
    if (p.switches.contains(u"json"_s)) {
        QJsonArray arr;
        for (const auto &k : keys.value())
            arr.append(toJson(k, now));
        console::out(QString::fromUtf8(QJsonDocument(arr).toJson(QJsonDocument::Compact)));
        return Ok;
    }
    if (keys.value().isEmpty()) {
        console::out(u"No client keys. Create one with 'qwen-proxy keys create --name NAME'."_s);
        return Ok;
    }
    console::out(u"ID        STATE    NAME                 SCOPES                 LIMITS"_s);
    for (const auto &k : keys.value())
        console::out(u"%1  %2 %3 %4 %5"_s.arg(
            k.id, stateOf(k, now).leftJustified(8), k.name.leftJustified(20),
            scopesText(k.scopes).leftJustified(22),
            limitsText(k) +
                (k.models.isEmpty() ? QString() : u"; models "_s + k.models.join(u','))));
    return Ok;
}

int set(ClientKeyStore *store, const ParsedArgs &p, qint64 now)
{
    auto key = store->get(p.positional.at(0));
    if (!key) {
        console::err(u"qwen-proxy keys: "_s + key.error().message);
        return Failure;
    }
    ClientKeyInfo info = key.value();
    if (auto e = applyOptions(p, info, now))
        return usageError(*e);
    if (auto e = store->update(info)) {
        console::err(u"qwen-proxy keys: "_s + e->message);
        return Failure;
    }
    console::out(
        u"Client key '%1': %2; %3."_s.arg(info.id, scopesText(info.scopes), limitsText(info)));
    return Ok;
}

int revoke(ClientKeyStore *store, const ParsedArgs &p, qint64 now)
{
    if (auto e = store->revoke(p.positional.at(0), now)) {
        console::err(u"qwen-proxy keys: "_s + e->message);
        return Failure;
    }
    console::out(u"Client key '%1' revoked: a running server refuses it within seconds."_s.arg(
        p.positional.at(0)));
    return Ok;
}

int usage(ClientKeyStore *store, const QString &dbPath, const ParsedArgs &p)
{
    int days = 1;
    if (p.values.contains(u"days"_s))
        if (auto e = parseIntFlag(u"days"_s, p.values.value(u"days"_s), 1, 3660, &days))
            return usageError(*e);
    auto usageStore = SqliteUsageStore::open(dbPath);
    if (!usageStore) {
        console::err(u"qwen-proxy keys: "_s + usageStore.error().message);
        return Failure;
    }
    auto byKey = usageStore.value()->totalsByClientKey(days);
    auto keys = store->list();
    if (!byKey || !keys) {
        console::err(u"qwen-proxy keys: "_s +
                     (!byKey ? byKey.error().message : keys.error().message));
        return Failure;
    }
    const auto &totals = byKey.value();
    if (p.switches.contains(u"json"_s)) {
        QJsonArray arr;
        for (const auto &k : keys.value()) {
            const UsageTotals t = totals.value(k.id);
            arr.append(QJsonObject{{u"id"_s, k.id},
                                   {u"name"_s, k.name},
                                   {u"requests"_s, t.requests},
                                   {u"errors"_s, t.errors},
                                   {u"input_tokens"_s, t.inputTokens},
                                   {u"output_tokens"_s, t.outputTokens}});
        }
        console::out(
            QString::fromUtf8(QJsonDocument(QJsonObject{{u"days"_s, days}, {u"keys"_s, arr}})
                                  .toJson(QJsonDocument::Compact)));
        return Ok;
    }
    console::out(u"Requests and tokens per client key, last %1 UTC day(s):"_s.arg(days));
    console::out(u"ID        NAME                 REQUESTS   ERRORS     INPUT      OUTPUT"_s);
    for (const auto &k : keys.value()) {
        const UsageTotals t = totals.value(k.id);
        console::out(u"%1  %2 %3 %4 %5 %6"_s.arg(k.id, k.name.leftJustified(20))
                         .arg(t.requests, -10)
                         .arg(t.errors, -10)
                         .arg(t.inputTokens, -10)
                         .arg(t.outputTokens));
    }
    return Ok;
}

} // namespace

int runKeys(const QStringList &args)
{
    if (args.isEmpty())
        return usageError(u"which one: create, list, set, revoke or usage?"_s);
    const QString verb = args.first();
    QSet<QString> values = kValueFlags;
    values.insert(u"days"_s);
    ParsedArgs p;
    if (auto e = parseArgs(args.mid(1), values, {u"json"_s, u"print-only"_s, u"all-models"_s}, p))
        return usageError(*e);
    const int wantPositional = (verb == u"set" || verb == u"revoke") ? 1 : 0;
    if (!QStringList{u"create"_s, u"list"_s, u"set"_s, u"revoke"_s, u"usage"_s}.contains(verb))
        return usageError(u"unknown verb '%1'"_s.arg(verb));
    if (p.positional.size() != wantPositional)
        return usageError(wantPositional ? u"%1 needs the key's id"_s.arg(verb)
                                         : u"%1 takes no other argument"_s.arg(verb));

    RuntimeOptions opts;
    opts.dataDir = p.values.value(u"data-dir"_s);
    opts.configFile = p.values.value(u"config"_s);
    auto setup = RuntimeSetup::load(opts);
    if (!setup) {
        console::err(u"qwen-proxy: "_s + setup.error().message);
        return Failure;
    }
    const QString dbPath = QDir(setup.value().dataDir).filePath(AccountStore::defaultFileName());
    auto store = ClientKeyStore::open(dbPath);
    if (!store) {
        console::err(u"qwen-proxy: "_s + store.error().message);
        return Failure;
    }
    ClientKeyStore *s = store.value().get();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (verb == u"create")
        return create(s, p, now);
    if (verb == u"list")
        return list(s, p, now);
    if (verb == u"set")
        return set(s, p, now);
    if (verb == u"revoke")
        return revoke(s, p, now);
    return usage(s, dbPath, p);
}

} // namespace qp::cli
