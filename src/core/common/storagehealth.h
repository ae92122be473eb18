#pragma once
// Which of our writes are failing right now: a full disk, a read-only mount, a quota. Requests
// keep being served from memory meanwhile, so nothing else would show it; /health reports
// "storage": "degraded" while anything is listed here, and "ok" again once every failed write
// has succeeded since.
//
// Process-wide and thread-safe: files are written from the engine thread, the GUI thread and the
// usage store's thread, and a full disk is a fact about the machine, not about one of them. Each
// writer names what it writes (a file's path, "usage database ..."); a later success of the same
// name clears it. Reasons are paths and system error texts, never file contents.

#include <QString>
#include <QStringList>

namespace qp::storagehealth {

void failed(const QString &what, const QString &why);
void recovered(const QString &what);
bool degraded();
// "what: why", one line per failing write, sorted.
QStringList problems();

} // namespace qp::storagehealth
