#include "access/admission.h"

#include "settings/settings.h"

using namespace Qt::StringLiterals;

namespace qp {

namespace {

bool isDigits(QByteArrayView s)
{
    if (s.isEmpty())
        return false;
    for (char c : s)
        if (c < '0' || c > '9')
            return false;
    return true;
}

// A label a URL parser would read as a number (WHATWG: decimal, or 0x hex), which makes the whole
// name an IPv4 address to a browser.
bool isNumericLabel(QByteArrayView s)
{
    if (isDigits(s))
        return true;
    return s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
}

// Strict dotted quad: four decimal parts 0-255, no leading zeros.
std::optional<quint32> dottedQuad(QByteArrayView s)
{
    const QList<QByteArrayView> parts = [&] {
        QList<QByteArrayView> out;
        qsizetype from = 0;
        for (qsizetype i = 0; i <= s.size(); ++i) {
            if (i == s.size() || s[i] == '.') {
                out.append(s.sliced(from, i - from));
                from = i + 1;
            }
        }
        return out;
    }();
    if (parts.size() != 4)
        return std::nullopt;
    quint32 ip = 0;
    for (QByteArrayView p : parts) {
        if (!isDigits(p) || p.size() > 3 || (p.size() > 1 && p[0] == '0'))
            return std::nullopt;
        const int v = p.toInt();
        if (v > 255)
            return std::nullopt;
        ip = ip << 8 | quint32(v);
    }
    return ip;
}

bool validPort(QByteArrayView p)
{
    return isDigits(p) && p.size() <= 5 && p.toInt() <= 65535;
}

bool ldhName(QByteArrayView name)
{
    if (name.isEmpty() || name.size() > 253)
        return false;
    qsizetype labelStart = 0;
    for (qsizetype i = 0; i <= name.size(); ++i) {
        if (i < name.size() && name[i] != '.') {
            const char c = name[i];
            const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
            if (!ok)
                return false;
            continue;
        }
        const QByteArrayView label = name.sliced(labelStart, i - labelStart);
        if (label.isEmpty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
            return false;
        labelStart = i + 1;
    }
    return true;
}

bool matchesListed(const QString &name, const QStringList &list)
{
    for (QString entry : list) {
        entry = entry.trimmed().toLower();
        if (entry.endsWith(u'.'))
            entry.chop(1);
        if (entry.startsWith(u"*.")) {
            if (name.endsWith(entry.mid(1)) && name.size() > entry.size() - 1)
                return true;
        } else if (!entry.isEmpty() && name == entry) {
            return true;
        }
    }
    return false;
}

// Header text quoted in an answer: it came from the network, so only printable ASCII is echoed.
QString printable(const QByteArray &raw, int max)
{
    QString out;
    for (char c : raw.left(max))
        out += (c >= 0x20 && c < 0x7f) ? QLatin1Char(c) : QLatin1Char('?');
    return out;
}

bool isJsonMediaType(QByteArrayView contentType)
{
    QByteArray type = contentType.toByteArray();
    if (const qsizetype semi = type.indexOf(';'); semi >= 0)
        type.truncate(semi);
    type = type.trimmed().toLower();
    return type == "application/json" ||
           (type.startsWith("application/") && type.endsWith("+json"));
}

} // namespace

AdmissionRules AdmissionRules::fromSettings(const Settings &s, const QString &machineHostName)
{
    AdmissionRules r;
    r.machineHostName = machineHostName;
    for (const QString &h : s.string(u"allowed_hosts"_s).split(u',', Qt::SkipEmptyParts))
        if (!h.trimmed().isEmpty())
            r.extraHosts.append(h.trimmed());
    const QString cors = s.string(u"cors_origins"_s).trimmed();
    r.anyOrigin = cors == u"*";
    for (const QString &o : cors.split(u',', Qt::SkipEmptyParts))
        if (o.trimmed() != u"*")
            r.allowedOrigins.append(o.trimmed());
    return r;
}

HostVerdict classifyHost(QByteArrayView raw, const AdmissionRules &rules)
{
    const QByteArrayView value = raw.trimmed();
    if (value.isEmpty() || value.contains('@') || value.contains('%'))
        return HostVerdict::Malformed;
    if (value.front() == '[') {
        const qsizetype close = value.indexOf(']');
        if (close < 0)
            return HostVerdict::Malformed;
        const QByteArrayView rest = value.sliced(close + 1);
        if (!rest.isEmpty() && !(rest.front() == ':' && validPort(rest.sliced(1))))
            return HostVerdict::Malformed;
        QHostAddress ip;
        if (!ip.setAddress(QString::fromLatin1(value.sliced(1, close - 1))) ||
            ip.protocol() != QAbstractSocket::IPv6Protocol)
            return HostVerdict::Malformed;
        return ip.isLoopback() ? HostVerdict::AllowedLoopback : HostVerdict::Allowed;
    }
    QByteArrayView nameView = value;
    if (const qsizetype colon = value.lastIndexOf(':'); colon >= 0) {
        if (!validPort(value.sliced(colon + 1)))
            return HostVerdict::Malformed;
        nameView = value.first(colon);
    }
    QByteArray name = nameView.toByteArray().toLower();
    if (name.endsWith('.'))
        name.chop(1); // "localhost." is "localhost"
    if (!ldhName(name))
        return HostVerdict::Malformed;
    const QByteArrayView lastLabel = QByteArrayView(name).sliced(name.lastIndexOf('.') + 1);
    if (isNumericLabel(lastLabel)) {
        // A browser reads such a name as an IPv4 address: only the plain dotted quad is taken.
        const auto ip = dottedQuad(name);
        if (!ip)
            return HostVerdict::Malformed;
        return (*ip >> 24) == 127 ? HostVerdict::AllowedLoopback : HostVerdict::Allowed;
    }
    if (name == "localhost" || name.endsWith(".localhost"))
        return HostVerdict::AllowedLoopback;
    const QString host = QString::fromLatin1(name);
    QString machine = rules.machineHostName.toLower();
    if (machine.endsWith(u'.'))
        machine.chop(1);
    if (!machine.isEmpty() && host == machine)
        return HostVerdict::Allowed;
    if (matchesListed(host, rules.extraHosts))
        return HostVerdict::Allowed;
    return HostVerdict::Foreign;
}

bool originAllowed(QByteArrayView raw, const AdmissionRules &rules)
{
    const QByteArrayView origin = raw.trimmed();
    if (origin.isEmpty() || origin == "null")
        return false;
    if (rules.anyOrigin)
        return true;
    const QString o = QString::fromLatin1(origin).toLower();
    if (!rules.allowedOrigins.isEmpty()) {
        for (const QString &allowed : rules.allowedOrigins)
            if (o == allowed.toLower())
                return true;
        return false;
    }
    // By default: pages served from this machine's loopback names (a local web UI).
    QByteArrayView authority;
    if (origin.startsWith("http://"))
        authority = origin.sliced(7);
    else if (origin.startsWith("https://"))
        authority = origin.sliced(8);
    else
        return false;
    if (authority.contains('/'))
        return false;
    return classifyHost(authority, AdmissionRules{}) == HostVerdict::AllowedLoopback;
}

Admission admit(const AdmissionRequest &req, const AdmissionRules &rules)
{
    static const QList<QPair<QByteArray, QByteArray>> none;
    const auto &headers = req.headers ? *req.headers : none;
    const int hosts = countHeader(headers, "host");
    if (hosts == 0)
        return {400, u"the request has no Host header"_s};
    if (hosts > 1)
        return {400, u"the request has more than one Host header"_s};
    const QByteArray host = headerValue(headers, "host");
    const HostVerdict verdict = classifyHost(host, rules);
    switch (verdict) {
    case HostVerdict::Malformed:
        return {400, u"malformed Host header"_s};
    case HostVerdict::Foreign:
        return {403,
                u"this proxy does not answer to the host name '%1' (a web page can point any "
                "name at this machine); reach it as localhost or by IP address, or add the name "
                "to the allowed_hosts setting"_s.arg(printable(host, 100))};
    case HostVerdict::Allowed:
    case HostVerdict::AllowedLoopback:
        break;
    }

    if (countHeader(headers, "origin") > 1)
        return {400, u"the request has more than one Origin header"_s, verdict};
    const QByteArray origin = headerValue(headers, "origin");
    if (countHeader(headers, "origin") == 1) {
        if (origin == "null")
            return {403,
                    u"requests from sandboxed frames and local files (Origin: null) are "
                    "refused"_s,
                    verdict};
        if (!originAllowed(origin, rules))
            return {403,
                    u"requests from web pages at %1 are refused; allow that origin with "
                    "the cors_origins setting"_s.arg(printable(origin, 200)),
                    verdict};
    } else if (headerValue(headers, "sec-fetch-site").toLower() == "cross-site") {
        return {403, u"cross-site requests from web pages are refused"_s, verdict};
    }

    const bool keyless =
        countHeader(headers, "authorization") == 0 && countHeader(headers, "x-api-key") == 0;
    const bool bodyMethod = req.method == "POST" || req.method == "PUT" || req.method == "PATCH";
    if (keyless && bodyMethod && req.hasBody &&
        !isJsonMediaType(headerValue(headers, "content-type")))
        return {415,
                u"send the request body as application/json (a request without an API key "
                "may not use other media types)"_s,
                verdict};
    return {0, {}, verdict};
}

} // namespace qp
