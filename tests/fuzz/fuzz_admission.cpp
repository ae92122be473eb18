// Host and Origin rules (access/admission.h) on any header value. Fields (0x1e between): Host,
// Origin, an allowed_hosts entry, the machine's name. Properties, checked against independent
// oracles rather than the code's own helpers:
//   - AllowedLoopback only for localhost, *.localhost and loopback IP literals (127.0.0.0/8,
//     ::1 and the like by QHostAddress); a name that is none of these is never trusted-local;
//   - Allowed (not loopback) only for IP literals, this machine's name or a configured name;
//   - with the default rules, an admitted Origin is http(s)://<loopback host>[:port], nothing
//     else; "null" never is;
//   - the verdict ignores ASCII case and a trailing dot on the name;
//   - admit() lets a request through only when its one Host header is allowed.
#include "access/admission.h"
#include "fuzzsupport.h"

#include <QHostAddress>

namespace {

// The host name part of a Host value, lower-cased, without port and trailing dot; IPv6 literals
// without their brackets. Only used once classifyHost() said the value is well formed.
QString hostPart(QByteArrayView value)
{
    QByteArray v = value.trimmed().toByteArray().toLower();
    if (v.startsWith('['))
        return QString::fromLatin1(v.mid(1, v.indexOf(']') - 1));
    if (const qsizetype colon = v.lastIndexOf(':'); colon >= 0)
        v.truncate(colon);
    if (v.endsWith('.'))
        v.chop(1);
    return QString::fromLatin1(v);
}

bool isIpLiteral(const QString &host, bool *loopback)
{
    QHostAddress ip;
    if (!ip.setAddress(host))
        return false;
    *loopback = ip.isLoopback();
    return true;
}

bool listed(const QString &host, const QString &entry)
{
    QString e = entry.trimmed().toLower();
    if (e.endsWith(u'.'))
        e.chop(1);
    if (e.startsWith(u"*."))
        return host.endsWith(e.mid(1)) && host.size() > e.size() - 1;
    return !e.isEmpty() && host == e;
}

void checkHost(QByteArrayView value, const qp::AdmissionRules &rules)
{
    const qp::HostVerdict v = qp::classifyHost(value, rules);
    if (v == qp::HostVerdict::Malformed || v == qp::HostVerdict::Foreign)
        return;
    const QString host = hostPart(value);
    bool loopback = false;
    const bool ip = isIpLiteral(host, &loopback);
    const bool localName = host == u"localhost" || host.endsWith(u".localhost");
    if (v == qp::HostVerdict::AllowedLoopback) {
        QP_FUZZ_CHECK(localName || (ip && loopback));
        return;
    }
    QString machine = rules.machineHostName.toLower();
    if (machine.endsWith(u'.'))
        machine.chop(1);
    bool configured = !machine.isEmpty() && host == machine;
    for (const QString &e : rules.extraHosts)
        configured = configured || listed(host, e);
    QP_FUZZ_CHECK(ip || configured);
    QP_FUZZ_CHECK(!localName);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    qp::fuzz::init();
    const auto f = qp::fuzz::fields(data, size, 4);
    const QByteArrayView host = f[0], origin = f[1];

    const qp::AdmissionRules defaults;
    qp::AdmissionRules configured;
    configured.extraHosts = {QString::fromLatin1(f[2])};
    configured.machineHostName = QString::fromLatin1(f[3]);

    for (const qp::AdmissionRules *rules :
         {&defaults, static_cast<const qp::AdmissionRules *>(&configured)}) {
        checkHost(host, *rules);
        const qp::HostVerdict v = qp::classifyHost(host, *rules);
        QP_FUZZ_CHECK(qp::classifyHost(host.toByteArray().toUpper(), *rules) == v);
        QP_FUZZ_CHECK(qp::classifyHost(host.toByteArray().toLower(), *rules) == v);
    }
    if (!host.contains(':') && !host.trimmed().endsWith('.') && !host.trimmed().isEmpty()) {
        const QByteArray dotted = host.trimmed().toByteArray() + '.';
        QP_FUZZ_CHECK(qp::classifyHost(dotted, defaults) == qp::classifyHost(host, defaults));
    }

    if (qp::originAllowed(origin, defaults)) {
        const QByteArrayView o = origin.trimmed();
        QP_FUZZ_CHECK(o.startsWith("http://") || o.startsWith("https://"));
        const QByteArrayView authority = o.sliced(o.indexOf("://") + 3);
        QP_FUZZ_CHECK(!authority.contains('/'));
        QP_FUZZ_CHECK(qp::classifyHost(authority, defaults) == qp::HostVerdict::AllowedLoopback);
        checkHost(authority, defaults);
    }
    QP_FUZZ_CHECK(!qp::originAllowed("null", configured));

    // The whole admission on a request carrying these headers.
    const QList<QPair<QByteArray, QByteArray>> headers = {{"host", host.toByteArray()},
                                                          {"origin", origin.toByteArray()}};
    const qp::AdmissionRequest req{"POST", 1, &headers, true};
    const qp::Admission a = qp::admit(req, defaults);
    if (a.admitted()) {
        const qp::HostVerdict v = qp::classifyHost(host.trimmed(), defaults);
        QP_FUZZ_CHECK(v == qp::HostVerdict::Allowed || v == qp::HostVerdict::AllowedLoopback);
        QP_FUZZ_CHECK(qp::originAllowed(origin.trimmed(), defaults));
    }
    return 0;
}
