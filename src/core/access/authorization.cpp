#include "access/authorization.h"

#include "access/clientkey.h"
#include "settings/settings.h"

using namespace Qt::StringLiterals;

namespace qp {

namespace {

// Set by reverse proxies and tunnels on this machine: the request did not start here.
bool forwarded(const QList<QPair<QByteArray, QByteArray>> &headers)
{
    static const QByteArrayView names[] = {
        "forwarded", "x-forwarded-for",  "x-forwarded-host", "x-real-ip",
        "via",       "cf-connecting-ip", "true-client-ip",   "x-client-ip"};
    for (QByteArrayView n : names)
        if (countHeader(headers, n) > 0)
            return true;
    return false;
}

// What the caller presented: "Authorization: Bearer <k>" or "x-api-key: <k>" (the OpenAI and the
// Anthropic SDKs send one each). When both are there, a client key in either one counts.
QByteArray presentedKey(const QList<QPair<QByteArray, QByteArray>> &headers)
{
    QByteArray bearer;
    const QByteArray auth = headerValue(headers, "authorization");
    if (auth.size() > 7 && auth.first(7).toLower() == "bearer ")
        bearer = auth.sliced(7).trimmed();
    const QByteArray apiKey = headerValue(headers, "x-api-key");
    if (clientkey::parse(bearer))
        return bearer;
    if (clientkey::parse(apiKey))
        return apiKey;
    return !bearer.isEmpty() ? bearer : apiKey;
}

// A key in the URL ends up in shell history, proxy logs and Referer headers.
bool keyInQuery(QByteArrayView query)
{
    if (query.isEmpty())
        return false;
    for (const QByteArray &pair : query.toByteArray().split('&')) {
        const qsizetype eq = pair.indexOf('=');
        const QByteArray name = pair.first(eq < 0 ? pair.size() : eq).toLower();
        const QByteArrayView value =
            eq < 0 ? QByteArrayView() : QByteArrayView(pair).sliced(eq + 1);
        if (name == "key" || name == "api_key" || name == "api-key" || name == "apikey" ||
            name == "access_token" || value.startsWith("qpk_") || value.startsWith("qpk%5F") ||
            value.startsWith("qpk%5f"))
            return true;
    }
    return false;
}

bool inCidr(const QHostAddress &peer, const QPair<QHostAddress, int> &cidr)
{
    QHostAddress p = peer;
    bool ok = false;
    const quint32 v4 = p.toIPv4Address(&ok); // ::ffff:a.b.c.d compares as a.b.c.d
    if (ok)
        p = QHostAddress(v4);
    return p.isInSubnet(cidr);
}

} // namespace

TrustRules TrustRules::fromSettings(const Settings &s)
{
    TrustRules r;
    for (const QString &c : s.string(u"trusted_cidrs"_s).split(u',', Qt::SkipEmptyParts)) {
        const auto subnet = QHostAddress::parseSubnet(c.trimmed());
        if (!subnet.first.isNull())
            r.trustedCidrs.append(subnet);
    }
    r.keyAlways = s.string(u"require_key"_s) == u"always";
    return r;
}

bool isTrustedPeer(const QHostAddress &peer, const TrustRules &rules)
{
    if (peer.isLoopback())
        return true;
    for (const auto &c : rules.trustedCidrs)
        if (inCidr(peer, c))
            return true;
    return false;
}

std::optional<KeyScope> scopeFor(QByteArrayView method, QByteArrayView path)
{
    if (method == "OPTIONS")
        return std::nullopt; // a preflight carries no credentials; CORS answers it
    if (path == "/health" || path == "/healthz")
        return std::nullopt; // the short answer; the full one needs the read scope
    if (path == "/metrics")
        return KeyScope::Read;
    if (path == "/auth" || path.startsWith("/auth/"))
        return KeyScope::Admin;
    return KeyScope::Inference;
}

QString invalidKeyMessage()
{
    return u"invalid client key: it is unknown, wrong, revoked or expired"_s;
}

Authorization authorize(const AuthRequest &req, const TrustRules &rules, const KeyTable &keys,
                        qint64 nowMs)
{
    static const QList<QPair<QByteArray, QByteArray>> none;
    const auto &headers = req.headers ? *req.headers : none;
    Authorization a;
    if (keyInQuery(req.query))
        return {400, u"send the API key in the Authorization or x-api-key header, never in the URL "
                     "(URLs end up in logs and history)"_s};

    a.trustedLocal = !rules.keyAlways && isTrustedPeer(req.peer, rules) &&
                     req.host == HostVerdict::AllowedLoopback && !forwarded(headers);

    const QByteArray presented = presentedKey(headers);
    const auto parts = clientkey::parse(presented);
    if (parts) {
        // Checked even for a trusted-local caller: a revoked key stops working everywhere.
        const auto it = keys.constFind(parts->id);
        const QByteArray digest = clientkey::digest(parts->secret);
        // The digest is compared even for an unknown id, so the time does not tell ids apart.
        static const QByteArray unknown(32, '\0');
        const bool known = it != keys.constEnd();
        const bool match = clientkey::sameDigest(known ? it->digest : unknown, digest) && known;
        if (!match || !it->usableAt(nowMs)) {
            a.status = 401;
            a.message = invalidKeyMessage();
            a.failedKey = true;
            return a;
        }
        a.key = &*it;
    }

    const auto scope = scopeFor(req.method, req.path);
    a.openPath = !scope;
    if (!scope)
        return a;
    if (a.key) {
        if (!a.key->has(*scope)) {
            a.status = 403;
            a.message = u"this client key does not have the '%1' scope this path needs"_s.arg(
                scopesText(unsigned(*scope)));
        }
        return a;
    }
    if (a.trustedLocal)
        return a;
    a.status = 401;
    if (presented.isEmpty()) {
        a.message = rules.keyAlways
                        ? u"this proxy requires a client key (require_key=always); create one "
                          "with 'qwen-proxy keys create' and send it as the API key"_s
                        : u"a client key is needed from beyond this machine; create one with "
                          "'qwen-proxy keys create' and send it as the API key"_s;
    } else {
        a.message = invalidKeyMessage();
        a.failedKey = true;
    }
    return a;
}

} // namespace qp
