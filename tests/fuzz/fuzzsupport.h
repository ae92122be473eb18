#pragma once
// Shared by every fuzz target (tests/fuzz/fuzz_*.cpp, docs/fuzzing.md). A target is a plain
// LLVMFuzzerTestOneInput: under QP_FUZZ libFuzzer drives it, otherwise replaymain.cpp feeds it the
// committed corpus as a normal ctest test. A violated property aborts, so both report it.

#include <QByteArray>
#include <QByteArrayView>
#include <QCoreApplication>
#include <QList>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#define QP_FUZZ_CHECK(cond)                                                                        \
    do {                                                                                           \
        if (!(cond))                                                                               \
            ::qp::fuzz::fail(#cond, __FILE__, __LINE__);                                           \
    } while (0)

namespace qp::fuzz {

[[noreturn]] inline void fail(const char *what, const char *file, int line)
{
    std::fprintf(stderr, "fuzz property violated: %s (%s:%d)\n", what, file, line);
    std::fflush(stderr);
    std::abort();
}

// Once per process: a QCoreApplication (some code asks for one) and no log output. Millions of
// inputs each logging a warning would spend the fuzzing time on stderr; a qFatal still aborts.
inline void init()
{
    static bool done = [] {
        static int argc = 1;
        static char name[] = "qp-fuzz";
        static char *argv[] = {name, nullptr};
        qInstallMessageHandler([](QtMsgType type, const QMessageLogContext &, const QString &msg) {
            if (type == QtFatalMsg) {
                std::fprintf(stderr, "qFatal: %s\n", qPrintable(msg));
                std::abort();
            }
        });
        new QCoreApplication(argc, argv);
        return true;
    }();
    (void)done;
}

// Inputs with several fields hold them separated by the byte 0x1e (ASCII record separator): one
// byte is easy for the fuzzer to find, and the seed files stay readable. Missing fields are empty.
inline QList<QByteArrayView> fields(const uint8_t *data, size_t size, int count)
{
    QList<QByteArrayView> out;
    QByteArrayView rest(reinterpret_cast<const char *>(data), qsizetype(size));
    while (out.size() < count - 1) {
        const qsizetype sep = rest.indexOf('\x1e');
        if (sep < 0)
            break;
        out.append(rest.first(sep));
        rest = rest.sliced(sep + 1);
    }
    out.append(rest);
    while (out.size() < count)
        out.append(QByteArrayView());
    return out;
}

// Split points for feeding `size` bytes in pieces, derived from `seed`: piece lengths cycle
// through 1..16 in an order the seed picks, so different seeds exercise different chunkings
// (single bytes, CRLF torn apart, ...) and the same input always splits the same way.
inline QList<qsizetype> pieces(uint8_t seed, qsizetype size)
{
    QList<qsizetype> lengths;
    quint32 state = seed * 2654435761u + 1;
    qsizetype total = 0;
    while (total < size) {
        state = state * 1103515245u + 12345u;
        const qsizetype len = seed == 0 ? size : qsizetype((state >> 16) % 16) + 1;
        lengths.append(std::min(len, size - total));
        total += lengths.last();
    }
    return lengths;
}

} // namespace qp::fuzz
