#pragma once
// Small argv parser shared by the subcommands: "--flag value", "--flag=value" and bare switches.

#include <QHash>
#include <QSet>
#include <QString>
#include <QStringList>
#include <optional>

namespace qp::cli {

struct ParsedArgs {
    QHash<QString, QString> values;  // flag -> value (the last one given)
    QHash<QString, QStringList> all; // flag -> every value given, in order (repeatable flags)
    QSet<QString> switches;          // boolean flags present
    QStringList positional;
};

// `valueFlags` take a value, `switchFlags` do not. Returns an error line for unknown flags.
std::optional<QString> parseArgs(const QStringList &args, const QSet<QString> &valueFlags,
                                 const QSet<QString> &switchFlags, ParsedArgs &out);

// Reads the value of --`flag` as a whole number in [min, max]; the error line names the flag, the
// range and what was given.
std::optional<QString> parseIntFlag(const QString &flag, const QString &text, int min, int max,
                                    int *out);

// Exit codes shared by every command (issue 3 §2).
enum ExitCode { Ok = 0, Failure = 1, Usage = 2 };

} // namespace qp::cli
