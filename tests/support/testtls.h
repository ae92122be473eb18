#pragma once
// The TLS fixtures in tests/data/tls (see its README) and loopback servers that use them: one
// place for what the HTTP client, egress and TCP tests each need.

#include <QSslCertificate>
#include <QSslConfiguration>
#include <QTcpServer>
#include <optional>

namespace qp::test {

// tests/data/tls/<name>; a missing fixture stops the test run.
QByteArray tlsFixture(const char *name);
QSslCertificate tlsCertificate(const char *crtName);
// A server configuration with that certificate and key, not asking for client certificates.
QSslConfiguration serverTls(const char *crtName, const char *keyName);
// A server on 127.0.0.1 (a free port): a QSslServer with `tls`, else a plain one. With TLS a
// connection becomes pending only after its handshake.
QTcpServer *listenOnLoopback(QObject *parent, const std::optional<QSslConfiguration> &tls);

} // namespace qp::test
