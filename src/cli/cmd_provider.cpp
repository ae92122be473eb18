// qwen-proxy provider ...: API-key providers (add, list, presets, remove, test, models, routes).
// The work is the core's (providers/providerservice.h); this file parses, asks for the key and
// prints.
#include "cliargs.h"
#include "cliruntime.h"
#include "commands.h"
#include "console.h"
#include "pool/accountpool.h"
#include "providers/providerservice.h"
#include "routing/upstreamrouter.h"
#include "runtime.h"
#include "secretprompt.h"

#include <QUrl>

using namespace Qt::StringLiterals;

namespace qp::cli {

namespace {

struct Verb {
    QString name;
    int positional;
    QSet<QString> valueFlags;
    QSet<QString> switches;
    QString usage;
};

const QList<Verb> &verbs()
{
    static const QList<Verb> v{
        {u"add"_s,
         1,
         {u"preset"_s, u"base-url"_s, u"model"_s, u"proxy"_s, u"header"_s, u"plan"_s},
         {},
         u"qwen-proxy provider add <id> --preset P [--base-url U] [--model M ...] [--proxy URL] "
         u"[--header 'Name: value' | --header Name] [--plan SPEC]   (the key, then each "
         u"--header Name's value, is read from standard input)"_s},
        {u"list"_s, 0, {}, {}, u"qwen-proxy provider list"_s},
        {u"presets"_s, 0, {}, {}, u"qwen-proxy provider presets"_s},
        {u"remove"_s, 1, {}, {}, u"qwen-proxy provider remove <id>"_s},
        {u"test"_s, 1, {u"model"_s}, {}, u"qwen-proxy provider test <id> [--model M]"_s},
        {u"models"_s, 1, {}, {}, u"qwen-proxy provider models <id>"_s},
        {u"routes"_s, 0, {u"model"_s}, {}, u"qwen-proxy provider routes [--model M]"_s},
    };
    return v;
}

int usageError(const QString &message, const QString &usage = {})
{
    console::err(u"qwen-proxy provider: "_s + message);
    if (!usage.isEmpty())
        console::err(u"Usage: "_s + usage);
    console::err(u"Try 'qwen-proxy help'."_s);
    return Usage;
}

QString pad(const QString &s, int width)
{
    return s.leftJustified(width);
}

int add(Runtime &rt, const ParsedArgs &p)
{
    AddProviderRequest r;
    r.id = p.positional.at(0);
    r.preset = p.values.value(u"preset"_s);
    if (r.preset.isEmpty())
        return usageError(u"add needs --preset (see 'qwen-proxy provider presets')"_s,
                          verbs().at(0).usage);
    r.baseUrl = p.values.value(u"base-url"_s);
    for (const QString &m : p.all.value(u"model"_s))
        for (const QString &one : m.split(u',', Qt::SkipEmptyParts))
            r.models.append(one.trimmed());
    r.proxyUrl = p.values.value(u"proxy"_s);
    r.quotaPlan = p.values.value(u"plan"_s);
    // `--header Name` (no value): the value is a secret (a token the upstream wants in its own
    // header), read from standard input like the key, after it and any proxy password.
    // `Name: value` is for values that may show in `ps`.
    QList<qsizetype> secretHeaders;
    for (const QString &h : p.all.value(u"header"_s)) {
        const qsizetype colon = h.indexOf(u':');
        if (colon == 0 || h.trimmed().isEmpty())
            return usageError(u"--header must be 'Name: value', or 'Name' to read the value from "
                              "standard input"_s);
        if (colon < 0) {
            secretHeaders.append(r.headers.size());
            r.headers.append({h.trimmed().toLatin1(), QByteArray("x")}); // checked below
            continue;
        }
        r.headers.append(
            {h.left(colon).trimmed().toLatin1(), h.mid(colon + 1).trimmed().toLatin1()});
    }
    // Everything but the key first: a wrong preset or URL should not cost the user a paste.
    {
        AddProviderRequest probe = r;
        const ProviderPreset *preset = findProviderPreset(r.preset);
        if (preset && preset->keyRequired)
            probe.apiKey = preset->keyPrefix + u"x"_s; // shape only; the real key is checked below
        if (auto c = rt.providers().validate(probe); !c)
            return usageError(c.error().message);
    }
    const ProviderPreset *preset = findProviderPreset(r.preset);
    if (preset->kind != ProviderKind::QwenOAuth) // its accounts log in; it has no key
        r.apiKey = readSecret(preset->keyRequired
                                  ? u"API key for %1 (%2): "_s.arg(preset->title, preset->keyHint)
                                  : u"API key for %1 (Enter for none): "_s.arg(preset->title));
    // A proxy user without a password in the URL: the password is a secret too, asked for next.
    if (!r.proxyUrl.isEmpty()) {
        QUrl proxy(r.proxyUrl);
        if (!proxy.password().isEmpty())
            console::err(u"warning: the proxy password was given on the command line, where other "
                         "users can see it (ps); give --proxy without it to be asked for it"_s);
        if (!proxy.userName().isEmpty() && proxy.password().isEmpty()) {
            proxy.setPassword(readSecret(u"Password of proxy user %1: "_s.arg(proxy.userName())));
            r.proxyUrl = proxy.toString();
        }
    }
    for (qsizetype i : secretHeaders) {
        auto &[name, value] = r.headers[i];
        value = readSecret(u"Value of header %1: "_s.arg(QString::fromLatin1(name))).toUtf8();
        if (value.isEmpty())
            return usageError(
                u"no value for header %1 on standard input"_s.arg(QString::fromLatin1(name)));
    }
    auto added = awaitAnswer<Result<ProviderConfig>>(
        [&](auto done) { rt.providers().add(r, std::move(done)); });
    if (!added) {
        console::err(u"qwen-proxy provider: "_s + added.error().message);
        return added.error().kind == Error::Kind::InvalidRequest ? Usage : Failure;
    }
    console::out(u"Added provider %1 (%2, %3), default model %4."_s.arg(
        added->id, added->preset, added->baseUrl, added->defaultModel()));
    console::out(u"Try it: qwen-proxy provider test %1"_s.arg(added->id));
    return Ok;
}

int list(Runtime &rt)
{
    auto providers = rt.providers().list();
    if (!providers) {
        console::err(u"qwen-proxy provider: "_s + providers.error().message);
        return Failure;
    }
    if (providers->isEmpty()) {
        console::out(u"No providers. Add one: qwen-proxy provider add <id> --preset P "
                     u"(presets: qwen-proxy provider presets)."_s);
        if (!rt.router().qwenAccounts().isEmpty())
            console::out(u"Qwen OAuth accounts: %1 ('qwen-proxy auth list')."_s.arg(
                rt.router().qwenAccounts().join(u", "_s)));
        return Ok;
    }
    console::out(pad(u"ID"_s, 14) + pad(u"KIND"_s, 10) + pad(u"PRESET"_s, 22) +
                 pad(u"STATE"_s, 12) + pad(u"PROXY"_s, 26) + u"BASE URL, MODELS (default first)"_s);
    for (const ProviderConfig &c : providers.value()) {
        QString state = c.fromEnvironment() ? u"env"_s : u"-"_s;
        if (auto snap = rt.pool().snapshot(c.id))
            state = accountStateName(snap->state);
        QStringList models = c.models;
        if (models.isEmpty() && c.presetInfo())
            models = c.presetInfo()->models;
        console::out(pad(c.id, 14) + pad(providerKindName(c.kind), 10) + pad(c.preset, 22) +
                     pad(state, 12) + pad(c.proxy.isEmpty() ? u"system"_s : c.proxy, 25) + u' ' +
                     c.shownBaseUrl() + u"  "_s + models.join(u", "_s) +
                     (c.fromEnvironment() ? u"  (from %1)"_s.arg(c.source) : QString()));
    }
    if (!rt.router().qwenAccounts().isEmpty())
        console::out(u"Qwen OAuth accounts (provider qwen-oauth): %1"_s.arg(
            rt.router().qwenAccounts().join(u", "_s)));
    return Ok;
}

int presets()
{
    console::out(pad(u"PRESET"_s, 32) + pad(u"KIND"_s, 11) + u"WHAT, BASE URL"_s);
    for (const ProviderPreset &p : providerPresets())
        console::out(pad(p.id, 32) + pad(providerKindName(p.kind), 11) + p.title +
                     (p.baseUrl.isEmpty() ? QString() : u"  "_s + p.baseUrl));
    return Ok;
}

int remove(Runtime &rt, const QString &id)
{
    auto e = awaitAnswer<std::optional<Error>>(
        [&](auto done) { rt.providers().remove(id, std::move(done)); });
    if (e) {
        console::err(u"qwen-proxy provider: "_s + e->message);
        return e->kind == Error::Kind::NotFound || e->kind == Error::Kind::InvalidRequest ? Usage
                                                                                          : Failure;
    }
    console::out(u"Removed provider %1 and its key."_s.arg(id));
    return Ok;
}

int test(Runtime &rt, const QString &id, const QString &model)
{
    const auto r = awaitAnswer<ProviderTestResult>(
        [&](auto done) { rt.providers().test(id, model, std::move(done)); });
    if (!r.ok) {
        console::err(u"%1: FAILED after %2 ms (model %3): %4"_s.arg(id)
                         .arg(r.latencyMs)
                         .arg(r.model, r.error));
        return Failure;
    }
    console::out(u"%1: OK in %2 ms, model %3 answered: %4"_s.arg(id)
                     .arg(r.latencyMs)
                     .arg(r.model, r.answer.left(200)));
    return Ok;
}

int models(Runtime &rt, const QString &id)
{
    auto r = awaitAnswer<Result<QStringList>>(
        [&](auto done) { rt.providers().models(id, std::move(done)); });
    if (!r) {
        console::err(u"%1: %2"_s.arg(id, r.error().message));
        return Failure;
    }
    for (const QString &m : r.value())
        console::out(m);
    return Ok;
}

int routes(Runtime &rt, const QString &model)
{
    if (!model.isEmpty()) {
        console::out(model + u" -> "_s + rt.router().describeRoute(model));
        return Ok;
    }
    for (const RouteRule &r : rt.router().rules())
        console::out(r.pattern + u" -> "_s + rt.router().describeRoute(r.pattern));
    console::out(u"(default) claude-sonnet-4-5 -> "_s +
                 rt.router().describeRoute(u"claude-sonnet-4-5"_s));
    return Ok;
}

} // namespace

int runProvider(const QStringList &args)
{
    const QString verbName = args.value(0);
    const Verb *verb = nullptr;
    for (const Verb &v : verbs())
        if (v.name == verbName)
            verb = &v;
    if (!verb)
        return usageError(verbName.isEmpty() ? u"which verb? add, list, presets, remove, test, "
                                               u"models or routes"_s
                                             : u"unknown verb '%1'"_s.arg(verbName));
    ParsedArgs parsed;
    QSet<QString> valueFlags = verb->valueFlags;
    valueFlags += {u"data-dir"_s, u"config"_s};
    if (auto e = parseArgs(args.mid(1), valueFlags, verb->switches, parsed))
        return usageError(*e, verb->usage);
    if (parsed.positional.size() != verb->positional)
        return usageError(verb->positional == 1 ? u"%1 needs one provider id"_s.arg(verb->name)
                                                : u"%1 takes no arguments"_s.arg(verb->name),
                          verb->usage);
    if (verb->name == u"presets")
        return presets();
    std::unique_ptr<Runtime> rt = openRuntime(parsed);
    if (!rt)
        return Failure;
    const QString id = parsed.positional.value(0);
    if (verb->name == u"add")
        return add(*rt, parsed);
    if (verb->name == u"list")
        return list(*rt);
    if (verb->name == u"remove")
        return remove(*rt, id);
    if (verb->name == u"test")
        return test(*rt, id, parsed.values.value(u"model"_s));
    if (verb->name == u"models")
        return models(*rt, id);
    return routes(*rt, parsed.values.value(u"model"_s));
}

} // namespace qp::cli
