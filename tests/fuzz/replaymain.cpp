// Without QP_FUZZ each fuzz target is linked with this main instead of libFuzzer's: it runs
// LLVMFuzzerTestOneInput once on every file of the directories (or files) named on the command
// line, so the committed corpus is replayed by ctest in the ordinary Release and ASan builds.
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <algorithm>
#include <cstdint>
#include <cstdio>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool replay(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "cannot read %s\n", qPrintable(path));
        return false;
    }
    const QByteArray bytes = f.readAll();
    // A copy of exactly `size` bytes, so ASan sees a read past the end as libFuzzer would.
    auto *copy = new uint8_t[size_t(bytes.size())];
    std::copy(bytes.begin(), bytes.end(), copy);
    LLVMFuzzerTestOneInput(copy, size_t(bytes.size()));
    delete[] copy;
    return true;
}

int main(int argc, char **argv)
{
    int files = 0;
    for (int i = 1; i < argc; ++i) {
        const QString arg = QString::fromLocal8Bit(argv[i]);
        if (QFileInfo(arg).isDir()) {
            QStringList paths;
            QDirIterator it(arg, QDir::Files, QDirIterator::Subdirectories);
            while (it.hasNext())
                paths.append(it.next());
            paths.sort(); // a stable order, so a failure names the same file every run
            for (const QString &p : paths) {
                std::fprintf(stderr, "%s\n", qPrintable(p));
                if (!replay(p))
                    return 1;
                ++files;
            }
        } else {
            if (!replay(arg))
                return 1;
            ++files;
        }
    }
    if (files == 0) {
        std::fprintf(stderr, "no corpus files given\n");
        return 1;
    }
    std::printf("replayed %d inputs\n", files);
    return 0;
}
