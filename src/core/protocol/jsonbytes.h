#pragma once
// JSON at the byte level. Edits of a JSON text that leave every other byte as it was: a
// passthrough relay changes the one field it must (the model) and sends the client's own bytes
// otherwise (re-serializing would reorder keys and reformat numbers). And a string writer for
// the hot paths that write JSON without a QJsonObject.

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <optional>

namespace qp {

// `json` with the string value of the top-level member `key` replaced by `value`; nullopt when
// `json` is not an object or that member is absent or not a string.
std::optional<QByteArray> replaceTopLevelString(QByteArrayView json, QByteArrayView key,
                                                const QString &value);

// `json` (an object's text) with the top-level members named in `keys` made what they are in
// `to`: a member's value replaced, a member `to` lacks removed, one `json` lacks appended. The
// other members keep their bytes (key order, spacing, number spelling); separators around an
// edited or removed member may become a plain ','. nullopt, to serialize `to` instead, when
// `json` is not an object or one of `keys` is escaped or appears twice in it.
std::optional<QByteArray> withTopLevelMembers(QByteArrayView json, const QJsonObject &to,
                                              const QStringList &keys);

// QJsonDocument(object).toJson(QJsonDocument::Compact), the same bytes, written by walking the
// object: Qt's writer cost ~25,000 instructions for a 300-byte stream chunk (callgrind).
QByteArray compactJson(const QJsonObject &object);
void appendCompactJson(QByteArray &out, const QJsonValue &value);

// Appends `text` as a JSON string (quotes included), byte for byte as QJsonDocument writes it:
// '"', '\\' and control characters escaped (\b \f \n \r \t, else \u00xx), everything else UTF-8,
// a lone surrogate as \uxxxx. For events written per streamed token, where building a
// QJsonObject and serializing it cost ten times the bytes' own work (tests/bench, callgrind).
void appendJsonString(QByteArray &out, QStringView text);

} // namespace qp
