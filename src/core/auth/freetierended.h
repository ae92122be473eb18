#pragma once
// Recognising "Qwen's free OAuth tier has ended" (qwen-protocol.md §0: discontinued on 2026-04-15).
// There is no documented error code for it: the portal either says so in words, or simply answers
// 401 "invalid access token or token expired" even for a token minted seconds ago. Both checks live
// here so the device flow, the TokenManager and the relay word the outcome the same way.

#include <QByteArray>
#include <QString>

namespace qp::freetier {

// True when an answer body says in words that the free tier / free usage ended or was
// discontinued (case-insensitive), whatever the status.
bool bodySaysEnded(const QByteArray &body);

// True for 401 + "invalid access token" on a token younger than `freshWindowMs`: a token we just
// obtained cannot have expired, so this is the discontinued portal, not a refresh problem.
bool freshTokenRejected(int httpStatus, const QByteArray &body, qint64 tokenAgeMs,
                        qint64 freshWindowMs = 5 * 60 * 1000);

// The one user-facing sentence for Error::Kind::Discontinued.
QString endedMessage();

} // namespace qp::freetier
