#include "programrun.h"

#include <QEventLoop>
#include <QProcess>
#include <QTimer>

namespace qp::test {

ProgramRun runProgram(const QString &program, const QStringList &args,
                      const QProcessEnvironment &env, const QByteArray &stdinBytes, int timeoutMs)
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(program, args);
    ProgramRun r;
    if (!p.waitForStarted(10000))
        return r;
    p.write(stdinBytes);
    p.closeWriteChannel();
    if (p.state() != QProcess::NotRunning) {
        QEventLoop loop;
        QObject::connect(&p, &QProcess::finished, &loop, &QEventLoop::quit);
        QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
        loop.exec();
    }
    if (p.state() != QProcess::NotRunning)
        return r;
    r.exitCode = p.exitCode();
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

} // namespace qp::test
