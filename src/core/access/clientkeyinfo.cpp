#include "access/clientkeyinfo.h"

using namespace Qt::StringLiterals;

namespace qp {

namespace {
struct ScopeName {
    KeyScope scope;
    QString name;
};
const QList<ScopeName> &scopeNames()
{
    static const QList<ScopeName> n{{KeyScope::Inference, u"inference"_s},
                                    {KeyScope::Read, u"read"_s},
                                    {KeyScope::Admin, u"admin"_s}};
    return n;
}
// `*` any run of characters (slashes too: "Qwen/Qwen3-Coder" is one model name), `?` one,
// case-insensitive. QRegularExpression's wildcards treat `/` as a path separator in Qt 6.4.
bool globMatches(QStringView glob, QStringView text)
{
    qsizetype g = 0, t = 0, star = -1, mark = 0;
    while (t < text.size()) {
        if (g < glob.size() &&
            (glob[g] == u'?' || glob[g].toCaseFolded() == text[t].toCaseFolded())) {
            ++g;
            ++t;
        } else if (g < glob.size() && glob[g] == u'*') {
            star = g++;
            mark = t;
        } else if (star >= 0) {
            g = star + 1;
            t = ++mark;
        } else {
            return false;
        }
    }
    while (g < glob.size() && glob[g] == u'*')
        ++g;
    return g == glob.size();
}
} // namespace

std::optional<KeyScopes> parseScopes(const QString &text)
{
    KeyScopes out = 0;
    for (const QString &part : text.split(u',', Qt::SkipEmptyParts)) {
        const QString p = part.trimmed().toLower();
        if (p == u"all") {
            for (const auto &s : scopeNames())
                out |= unsigned(s.scope);
            continue;
        }
        bool known = false;
        for (const auto &s : scopeNames())
            if (s.name == p) {
                out |= unsigned(s.scope);
                known = true;
            }
        if (!known)
            return std::nullopt;
    }
    if (out == 0)
        return std::nullopt;
    return out;
}

QString scopesText(KeyScopes scopes)
{
    QStringList parts;
    for (const auto &s : scopeNames())
        if (scopes & unsigned(s.scope))
            parts.append(s.name);
    return parts.join(u',');
}

bool modelAllowed(const QStringList &globs, const QString &model)
{
    if (globs.isEmpty())
        return true;
    for (const QString &glob : globs)
        if (globMatches(glob, model))
            return true;
    return false;
}

bool ClientKeyInfo::allowsModel(const QString &model) const
{
    return modelAllowed(models, model);
}

} // namespace qp
