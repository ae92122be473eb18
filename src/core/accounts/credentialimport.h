#pragma once
// Finds Qwen credential files to import (qwen-protocol.md §A.4, §C): qwen-code's own
// <qwen home>/oauth_creds.json and the original proxies' <qwen home>/oauth_creds_<id>.json, the id
// being the file-name part between the prefix and ".json". Scanning only reads; AccountService
// copies the usable ones into the account store. Import never refreshes a token (mass refresh at
// start-up got accounts banned, §A.5) and never modifies or deletes the source files.

#include "auth/qwencredentials.h"
#include "common/error.h"

#include <QList>
#include <QString>

namespace qp {

struct ImportCandidate {
    QString filePath;
    QString accountId;           // from the file name ("default" for oauth_creds.json)
    bool isQwenCodeFile = false; // oauth_creds.json, which a running qwen CLI keeps refreshing
    Result<QwenCredentials> credentials = Error::make(Error::Kind::Internal, QString());
    QString warning; // e.g. the same refresh token as another file
};

struct ImportReportEntry {
    enum class Outcome { Imported, Replaced, SkippedExisting, Invalid, Failed };
    QString filePath;
    QString accountId;
    Outcome outcome = Outcome::Failed;
    QString message; // why it was skipped or failed; empty when imported
    QString warning; // something the user should know even though it worked

    // One line for the CLI: "imported  oauth_creds_work.json -> work".
    QString toLine() const;
    static QString outcomeName(Outcome o);
};

class CredentialImport
{
public:
    // Candidates in `qwenDir`, sorted by file name (so "default" comes first). Unreadable or
    // invalid files are returned too, with the error in `credentials`, so the report names them.
    static QList<ImportCandidate>
    scan(const QString &qwenDir, const QString &defaultFileAccountId = QStringLiteral("default"));
};

} // namespace qp
