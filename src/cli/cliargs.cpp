#include "cliargs.h"

using namespace Qt::StringLiterals;

namespace qp::cli {

std::optional<QString> parseArgs(const QStringList &args, const QSet<QString> &valueFlags,
                                 const QSet<QString> &switchFlags, ParsedArgs &out)
{
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &a = args.at(i);
        if (!a.startsWith(u"--")) {
            out.positional.append(a);
            continue;
        }
        QString name = a.mid(2);
        QString value;
        bool hasValue = false;
        const qsizetype eq = name.indexOf(u'=');
        if (eq >= 0) {
            value = name.mid(eq + 1);
            name = name.left(eq);
            hasValue = true;
        }
        if (switchFlags.contains(name) && !hasValue) {
            out.switches.insert(name);
            continue;
        }
        if (!valueFlags.contains(name))
            return u"unknown option --%1"_s.arg(name);
        if (!hasValue) {
            if (i + 1 >= args.size())
                return u"option --%1 needs a value"_s.arg(name);
            value = args.at(++i);
        }
        out.values.insert(name, value);
        out.all[name].append(value);
    }
    return std::nullopt;
}

std::optional<QString> parseIntFlag(const QString &flag, const QString &text, int min, int max,
                                    int *out)
{
    bool ok = false;
    const int v = text.trimmed().toInt(&ok);
    if (!ok || v < min || v > max)
        return u"--%1 must be a whole number from %2 to %3, not '%4'"_s.arg(flag)
            .arg(min)
            .arg(max)
            .arg(text);
    *out = v;
    return std::nullopt;
}

} // namespace qp::cli
