#pragma once
// Our files hold tokens, keys, settings and usage: they are the user's alone (files 0600,
// directories 0700). New ones are made so (hardenProcess's umask, explicit modes on write); one
// found wider, made by an older version, by hand or under another umask, is tightened, and the
// caller says so once.

#include <QString>
#include <QStringList>

namespace qp {

// Tightens `path` to owner-only if group or others have any access; returns a line saying so
// (empty when nothing changed). Symbolic links are left alone.
QString tightenToOwner(const QString &path);
// The same for `dir` and the entries in it that are ours (`names`: file or folder names, '*'
// globs allowed), never anything else: a data dir pointed at a shared folder by mistake must not
// change the files of others.
QStringList tightenOurs(const QString &dir, const QStringList &names);

} // namespace qp
