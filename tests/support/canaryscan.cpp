#include "canaryscan.h"

#include <QUrl>

namespace qp::test {

namespace {

// The part of base64(`prefix` zero bytes + value) that depends on the value alone: what any
// encoding of a longer text holding the value at that offset (mod 3) contains.
QByteArray base64Core(const QByteArray &value, int prefix, QByteArray::Base64Options options)
{
    const QByteArray padded = QByteArray(prefix, '\0') + value;
    const QByteArray enc = padded.toBase64(options | QByteArray::OmitTrailingEquals);
    const qsizetype first = (8 * prefix + 5) / 6;
    const qsizetype end = (8 * (prefix + value.size())) / 6;
    return enc.mid(first, end - first);
}

} // namespace

QList<QPair<QString, QByteArray>> CanaryScanner::forms(const QByteArray &value)
{
    QList<QPair<QString, QByteArray>> out{{QStringLiteral("raw"), value}};
    if (value.size() >= 24) {
        out.append({QStringLiteral("first 16 bytes"), value.left(16)});
        out.append({QStringLiteral("last 16 bytes"), value.right(16)});
    }
    for (int prefix = 0; prefix < 3; ++prefix) {
        out.append({QStringLiteral("base64 (offset %1)").arg(prefix),
                    base64Core(value, prefix, QByteArray::Base64Encoding)});
        out.append({QStringLiteral("base64url (offset %1)").arg(prefix),
                    base64Core(value, prefix, QByteArray::Base64UrlEncoding)});
    }
    if (const QByteArray p = QUrl::toPercentEncoding(QString::fromLatin1(value)); p != value)
        out.append({QStringLiteral("percent-encoded"), p});
    if (QByteArray j = value; j.replace("/", "\\/") != value)
        out.append({QStringLiteral("JSON-escaped"), j});
    out.append({QStringLiteral("hex"), value.toHex()});
    out.append({QStringLiteral("HEX"), value.toHex().toUpper()});
    // Forms shorter than a few characters would match by chance (a short value's base64 core).
    out.removeIf([](const auto &f) { return f.second.size() < 12; });
    return out;
}

void CanaryScanner::add(const QString &name, const QByteArray &value)
{
    for (const auto &[form, bytes] : forms(value))
        m_needles.append({name, form, bytes});
}

QStringList CanaryScanner::names() const
{
    QStringList out;
    for (const Needle &n : m_needles)
        if (!out.contains(n.name))
            out.append(n.name);
    return out;
}

QList<CanaryFinding> CanaryScanner::scan(const QString &where, const QByteArray &bytes,
                                         const QSet<QString> &allowed) const
{
    QList<CanaryFinding> out;
    QSet<QString> reported; // one finding per canary and source is enough to act on
    for (const Needle &n : m_needles) {
        if (allowed.contains(n.name) || reported.contains(n.name))
            continue;
        const qsizetype at = bytes.indexOf(n.bytes);
        if (at < 0)
            continue;
        reported.insert(n.name);
        const qsizetype from = qMax<qsizetype>(0, at - 40);
        out.append({n.name, n.form, where, bytes.mid(from, at - from + n.bytes.size() + 40)});
    }
    return out;
}

QString describe(const QList<CanaryFinding> &findings)
{
    QString out;
    for (const CanaryFinding &f : findings)
        out += QStringLiteral("\n  %1 (%2) in %3: ...%4...")
                   .arg(f.canary, f.form, f.where,
                        QString::fromLatin1(f.around.toPercentEncoding(" :=,{}\"[]/-_.'")));
    return out;
}

} // namespace qp::test
