#include "uiformat.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QLocale>

using namespace Qt::StringLiterals;

namespace qp::ui {

QString localTime(qint64 ms, qint64 nowMs)
{
    if (ms <= 0)
        return u"–"_s;
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(ms).toLocalTime();
    const QDateTime now = QDateTime::fromMSecsSinceEpoch(nowMs).toLocalTime();
    if (t.date() == now.date())
        return t.toString(u"HH:mm"_s);
    // Within the year the month and day say enough; the column stays narrow.
    if (t.date().year() == now.date().year())
        return t.toString(u"MM-dd HH:mm"_s);
    return t.toString(u"yyyy-MM-dd HH:mm"_s);
}

QString inText(qint64 fromMs, qint64 toMs)
{
    const qint64 minutes = std::max<qint64>(0, (toMs - fromMs + 59'999) / 60'000);
    if (minutes < 60)
        return QCoreApplication::translate("qp::ui", "in %1m").arg(minutes);
    if (minutes < 24 * 60)
        return QCoreApplication::translate("qp::ui", "in %1h %2m")
            .arg(minutes / 60)
            .arg(minutes % 60, 2, 10, QChar(u'0'));
    return QCoreApplication::translate("qp::ui", "in %1d %2h")
        .arg(minutes / (24 * 60))
        .arg(minutes / 60 % 24);
}

QString stateText(const QString &s)
{
    if (s == u"healthy")
        return QCoreApplication::translate("qp::ui", "Ready");
    if (s == u"cooling")
        return QCoreApplication::translate("qp::ui", "Cooling down");
    if (s == u"needs_login")
        return QCoreApplication::translate("qp::ui", "Needs login");
    if (s == u"parked")
        return QCoreApplication::translate("qp::ui", "Parked");
    if (s == u"disabled")
        return QCoreApplication::translate("qp::ui", "Disabled");
    return s.isEmpty() ? QCoreApplication::translate("qp::ui", "Unknown") : s;
}

QColor stateColor(const QString &s)
{
    if (s == u"healthy")
        return QColor(0x2e, 0xa0, 0x43);
    if (s == u"cooling")
        return QColor(0xd2, 0x99, 0x22);
    if (s == u"disabled")
        return QColor(0x80, 0x80, 0x80);
    return QColor(0xcf, 0x22, 0x2e);
}

QString windowUsedText(const QuotaMeter::WindowUse &w)
{
    QStringList used;
    if (w.limit.maxRequests > 0)
        used << QCoreApplication::translate("qp::ui", "%1/%2 req")
                    .arg(compactCount(w.usedRequests), compactCount(w.limit.maxRequests));
    if (w.limit.maxTokens > 0)
        used << QCoreApplication::translate("qp::ui", "%1/%2 tok")
                    .arg(compactCount(w.usedTokens), compactCount(w.limit.maxTokens));
    return used.join(u", "_s);
}

QString windowResetText(const QuotaMeter::WindowUse &w, qint64 nowMs)
{
    if (w.resetsAtMs <= nowMs)
        return QCoreApplication::translate("qp::ui", "nothing counted");
    return QCoreApplication::translate("qp::ui", "resets %1 (%2)")
        .arg(localTime(w.resetsAtMs, nowMs), inText(nowMs, w.resetsAtMs));
}

} // namespace qp::ui
