#pragma once
// A full disk for this process, without root or a tiny file system: RLIMIT_FSIZE at 0 (with
// SIGXFSZ ignored) makes every write(2) that would put a byte into a file fail with EFBIG, the
// way a full disk fails it with ENOSPC. It takes the same paths in our code, in Qt and in SQLite:
// a buffered flush that fails, a journal that cannot grow. Creating, renaming and removing files
// still work, as they mostly do on a full disk. Process-wide while it lasts: files written by the
// in-process runtime fail too, which is the point.
//
// POSIX only; supported() is false elsewhere and the tests skip.

namespace qp::test {

class DiskFull
{
public:
    DiskFull();
    ~DiskFull() { end(); }
    DiskFull(const DiskFull &) = delete;
    DiskFull &operator=(const DiskFull &) = delete;

    static bool supported();
    // The disk has room again (also on destruction).
    void end();

private:
    bool m_active = false;
    unsigned long long m_previous = 0;
};

} // namespace qp::test
