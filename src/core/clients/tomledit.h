#pragma once
// A small, careful edit of a TOML file (Codex's config.toml): set some top-level keys and replace
// or append one table, leaving every other line byte for byte. Not a TOML parser: it tracks just
// enough (strings, multi-line strings, arrays and inline tables spanning lines, comments) to know
// which lines are table headers and which start a key, and refuses a file where that is unclear.

#include "common/error.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QStringList>

namespace qp::clients {

struct TomlEdit {
    QList<QPair<QString, QString>> topLevel;  // key -> TOML value text, e.g. "\"x\""
    QStringList tablePath;                    // {"model_providers", "qwen-proxy"}
    QList<QPair<QString, QString>> tableBody; // key -> TOML value text, in order
};

Result<QByteArray> applyTomlEdit(const QByteArray &existing, const TomlEdit &edit);

} // namespace qp::clients
