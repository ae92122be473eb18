#pragma once
// Edits of a JSON text that leave every other byte as it was: a passthrough relay changes the
// one field it must (the model) and sends the client's own bytes otherwise (re-serializing would
// reorder keys and reformat numbers).

#include <QByteArray>
#include <QString>
#include <optional>

namespace qp {

// `json` with the string value of the top-level member `key` replaced by `value`; nullopt when
// `json` is not an object or that member is absent or not a string.
std::optional<QByteArray> replaceTopLevelString(QByteArrayView json, QByteArrayView key,
                                                const QString &value);

} // namespace qp
