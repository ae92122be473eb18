#pragma once
// Who may use the proxy: the rules applied to every request's header block before any route runs
// and before its body is read (docs/access-control.md).
//
// The proxy answers on a TCP port with the user's paid keys and OAuth tokens behind it. On a
// desktop any web page can send requests to 127.0.0.1 (a "simple" POST needs no preflight), and
// DNS rebinding makes the page's own host name resolve to 127.0.0.1. So:
//   - Host: only names that cannot be rebound (localhost, *.localhost, IP literals, this
//     machine's name, a configured list); a malformed Host is 400, a foreign one 403.
//   - Origin: a browser names the page it runs in; only allowed origins get through ("null",
//     from sandboxed frames and file: pages, never does); Sec-Fetch-Site: cross-site without an
//     allowed Origin is refused too.
//   - A keyless POST whose body is not JSON is 415: text/plain and form encodings are the media
//     types a web page can send without a preflight.
// Pure functions of the request's headers and the rules: no sockets, no clock.

#include "access/headerlist.h"

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

namespace qp {

class Settings;

struct AdmissionRules {
    QStringList extraHosts;     // exact names, or "*.example.com" for every subdomain
    QString machineHostName;    // this machine's name (QHostInfo::localHostName())
    QStringList allowedOrigins; // empty: http(s) origins on localhost and loopback literals
    bool anyOrigin = false;     // cors_origins=*: any origin (each gets its own origin back)

    static AdmissionRules fromSettings(const Settings &s, const QString &machineHostName);
};

enum class HostVerdict {
    Malformed,       // 400
    Foreign,         // 403: a name that could be rebound to this machine
    Allowed,         // an IP literal, this machine's name, or a configured name
    AllowedLoopback, // localhost, *.localhost, 127.0.0.0/8, [::1]
};

// `value` is the raw Host header (or the authority of an absolute-form target).
HostVerdict classifyHost(QByteArrayView value, const AdmissionRules &rules);
bool originAllowed(QByteArrayView origin, const AdmissionRules &rules);

struct AdmissionRequest {
    QByteArrayView method;
    int versionMinor = 1;
    const QList<QPair<QByteArray, QByteArray>> *headers = nullptr; // lower-case names
    bool hasBody = false;
};

struct Admission {
    int status = 0; // 0: admitted; else 400, 403 or 415
    QString message;
    HostVerdict host = HostVerdict::Malformed; // of the one Host header, once it was read
    bool admitted() const { return status == 0; }
};

Admission admit(const AdmissionRequest &request, const AdmissionRules &rules);

} // namespace qp
