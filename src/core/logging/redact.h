#pragma once
// The one redaction helper: everything that reaches a log line, an error body or the UI passes
// through it. Known secrets (keys and tokens registered at runtime) are replaced exactly; anything
// that looks like a bearer token or an API key is masked by pattern as a second line of defence.

#include <QString>

namespace qp {

// Registers a secret value so that it is masked wherever it appears later. Thread-safe.
void registerSecret(const QString &secret);
void unregisterSecret(const QString &secret);

QString redact(QString text);
QByteArray redact(const QByteArray &text);

} // namespace qp
