#include "routing/routetable.h"

#include "models/modelcatalog.h"

using namespace Qt::StringLiterals;

namespace qp {

Result<QList<RouteRule>> parseRoutes(const QString &spec)
{
    QList<RouteRule> out;
    for (const QString &raw : spec.split(u';', Qt::SkipEmptyParts)) {
        const QString rule = raw.trimmed();
        if (rule.isEmpty())
            continue;
        const qsizetype eq = rule.indexOf(u'=');
        if (eq <= 0 || eq == rule.size() - 1)
            return Error::make(
                Error::Kind::InvalidRequest,
                u"route \"%1\": write it as pattern=provider[:model]|..."_s.arg(rule));
        RouteRule r;
        r.pattern = rule.left(eq).trimmed();
        for (const QString &rawTarget : rule.mid(eq + 1).split(u'|')) {
            const QString target = rawTarget.trimmed();
            const qsizetype colon = target.indexOf(u':');
            RouteStep step;
            step.provider = (colon < 0 ? target : target.left(colon)).trimmed();
            step.model = colon < 0 ? QString() : target.mid(colon + 1).trimmed();
            if (step.provider.isEmpty() || (colon >= 0 && step.model.isEmpty()))
                return Error::make(
                    Error::Kind::InvalidRequest,
                    u"route \"%1\": a target is provider or provider:model"_s.arg(rule));
            r.steps.append(step);
        }
        out.append(r);
    }
    return out;
}

QString routesToSpec(const QList<RouteRule> &rules)
{
    QStringList parts;
    for (const RouteRule &r : rules) {
        QStringList targets;
        for (const RouteStep &s : r.steps)
            targets.append(s.model.isEmpty() ? s.provider : s.provider + u':' + s.model);
        parts.append(r.pattern + u'=' + targets.join(u'|'));
    }
    return parts.join(u"; "_s);
}

const RouteRule *matchRoute(const QList<RouteRule> &rules, const QString &clientModel)
{
    for (const RouteRule &r : rules)
        if (globMatches(r.pattern, clientModel))
            return &r;
    return nullptr;
}

} // namespace qp
