#pragma once
// The one way we replace a file that must never be lost: secrets, settings, OAuth credentials
// (ours and qwen-code's shared ~/.qwen/oauth_creds.json), start-at-login entries and the client
// configs we edit.
//
// Why not QSaveFile: Qt 6.4 buffers small writes, and when the buffer's flush fails inside
// commit() (ENOSPC on a full disk, EFBIG past RLIMIT_FSIZE) it still renames the empty temporary
// file over the original and returns true. A refresh during a full disk truncated every stored
// account that way. Here every step is checked: the bytes go to a new file beside the target,
// created with `mode` before anything is written, then write, flush and fsync must all succeed
// before the rename replaces the old file; any failure removes the new file and leaves the old
// one exactly as it was.
//
// The new file is hidden and named after the target (".name.tmp-<random>"). One left behind by
// a crash is removed by the next successful write of the same file once it is older than
// kLeftoverAgeSeconds (younger ones may belong to a writer in another process).
//
// Outcomes are also reported to common/storagehealth.h under the target's path, so /health says
// "storage": "degraded" while a file cannot be written.

#include "common/error.h"

#include <QByteArray>
#include <QFileDevice>
#include <QString>
#include <optional>

namespace qp {

constexpr int kLeftoverAgeSeconds = 10 * 60;

constexpr QFileDevice::Permissions kOwnerReadWrite =
    QFileDevice::ReadOwner | QFileDevice::WriteOwner;

// Replaces `path` (a symbolic link is followed: its target is replaced) with `bytes`. The
// directory must exist. The error names the path and the system's reason, never the content.
std::optional<Error> writeFileAtomically(const QString &path, const QByteArray &bytes,
                                         QFileDevice::Permissions mode = kOwnerReadWrite);

} // namespace qp
