#include "common/storagehealth.h"

#include <QMap>
#include <QMutex>

namespace qp::storagehealth {

namespace {
struct State {
    QMutex mutex;
    QMap<QString, QString> failing; // what -> why
};

State &state()
{
    static State s;
    return s;
}
} // namespace

void failed(const QString &what, const QString &why)
{
    State &s = state();
    const QMutexLocker lock(&s.mutex);
    s.failing.insert(what, why);
}

void recovered(const QString &what)
{
    State &s = state();
    const QMutexLocker lock(&s.mutex);
    s.failing.remove(what);
}

bool degraded()
{
    State &s = state();
    const QMutexLocker lock(&s.mutex);
    return !s.failing.isEmpty();
}

QStringList problems()
{
    State &s = state();
    const QMutexLocker lock(&s.mutex);
    QStringList lines;
    for (auto it = s.failing.cbegin(); it != s.failing.cend(); ++it)
        lines.append(it.key() + QStringLiteral(": ") + it.value());
    return lines;
}

} // namespace qp::storagehealth
