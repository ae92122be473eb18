#pragma once
// Who is calling: after the admission rules (access/admission.h) pass a request's head, this
// decides whether the caller is trusted-local (needs no key) or must present a client key, and
// checks the key (docs/access-control.md, "Who needs a key").
//
// Trusted-local: the socket's peer is loopback (or in a configured trusted CIDR, for a container
// bridge), the Host names loopback, and no forwarding header says the request came from somewhere
// else (a tunnel or reverse proxy on this machine would otherwise make the whole internet look
// local). Identity comes from the socket, never from a header. Everyone else needs a client key;
// with require_key=always, everyone does (ssh -R and tunnels also arrive from loopback).
// A pure function of (peer, head, rules, keys, time): the stateful limits live elsewhere.

#include "access/admission.h"
#include "access/clientkeyinfo.h"

#include <QHash>
#include <QHostAddress>

namespace qp {

class Settings;

struct TrustRules {
    QList<QPair<QHostAddress, int>> trustedCidrs; // beside loopback
    bool keyAlways = false;                       // require_key=always

    static TrustRules fromSettings(const Settings &s);
};

// The keys by id, as the server last read them.
using KeyTable = QHash<QString, ClientKeyInfo>;

struct AuthRequest {
    QHostAddress peer;
    QByteArrayView method;
    QByteArrayView path;
    QByteArrayView query;
    const QList<QPair<QByteArray, QByteArray>> *headers = nullptr; // lower-case names
    HostVerdict host = HostVerdict::Allowed;                       // from the admission rules
};

struct Authorization {
    int status = 0; // 0: go on; else 400, 401 or 403
    QString message;
    bool trustedLocal = false;
    const ClientKeyInfo *key = nullptr; // the caller's key, when one was presented and is valid
    // A key was presented and is not valid: counts toward the source's lockout.
    bool failedKey = false;
    bool openPath = false; // a path no scope guards (scopeFor): counts against no key's limits
    bool admitted() const { return status == 0; }
};

// The scope a path needs; nullopt for paths open to anyone the admission rules let through
// (/health's short answer and CORS preflights).
std::optional<KeyScope> scopeFor(QByteArrayView method, QByteArrayView path);
bool isTrustedPeer(const QHostAddress &peer, const TrustRules &rules);

Authorization authorize(const AuthRequest &request, const TrustRules &rules, const KeyTable &keys,
                        qint64 nowMs);

// The one message for a key that is unknown, wrong, revoked or expired: the answer says nothing
// about which.
QString invalidKeyMessage();

} // namespace qp
