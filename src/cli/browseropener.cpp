#include "browseropener.h"

#include <QProcess>
#include <QProcessEnvironment>

using namespace Qt::StringLiterals;

namespace qp::cli {

void openInBrowser(const QString &url)
{
    QProcess proc;
#if defined(Q_OS_MACOS)
    proc.setProgram(u"open"_s);
    proc.setArguments({url});
#elif defined(Q_OS_WIN)
    // `start` is a cmd built-in. Its first quoted argument is a window title, hence the empty one;
    // cmd would split the URL at '&' (query separators), so those are escaped for cmd.
    QString escaped = url;
    for (const QChar c : {u'^', u'&', u'|', u'<', u'>'})
        escaped.replace(c, u"^"_s + c);
    proc.setProgram(u"cmd"_s);
    proc.setArguments({u"/c"_s, u"start"_s, u""_s, escaped});
#else
    // Without a graphical session xdg-open falls back to text browsers (w3m, lynx) that would take
    // over this terminal in the middle of the countdown: only try when a display exists.
    const QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (env.value(u"DISPLAY"_s).isEmpty() && env.value(u"WAYLAND_DISPLAY"_s).isEmpty())
        return;
    proc.setProgram(u"xdg-open"_s);
    proc.setArguments({url});
#endif
    // The opener's own chatter ("Opening in existing browser session") must not garble the
    // countdown line.
    proc.setStandardInputFile(QProcess::nullDevice());
    proc.setStandardOutputFile(QProcess::nullDevice());
    proc.setStandardErrorFile(QProcess::nullDevice());
    proc.startDetached();
}

} // namespace qp::cli
