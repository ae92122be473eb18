#pragma once
// Runs one of our programs the way a user does, from a test: arguments, environment and standard
// input in; exit code and both outputs back. The wait runs the event loop, so fakes served from
// the test's own thread (an upstream, a token endpoint) answer the program meanwhile; a program
// that hangs fails the test after `timeoutMs` instead of hanging it.

#include <QByteArray>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace qp::test {

struct ProgramRun {
    int exitCode = -1; // -1: it did not start or did not finish in time
    QString out;
    QString err;
};

ProgramRun runProgram(const QString &program, const QStringList &args,
                      const QProcessEnvironment &env, const QByteArray &stdinBytes = {},
                      int timeoutMs = 30000);

} // namespace qp::test
