#pragma once
// Raw HTTP from a test, as a browser, a hostile page or another machine would send it: bytes in,
// whatever comes back until the server closes the connection (or `until` appears) out.

#include <QByteArray>
#include <QHostAddress>

namespace qp::test {

// `from`: the local address to send from (null: any), e.g. the machine's own LAN address.
// `timeoutMs` bounds the wait for the answer.
QByteArray rawExchange(const QHostAddress &to, quint16 port, const QByteArray &raw,
                       const QByteArray &until = {}, const QHostAddress &from = {},
                       int timeoutMs = 5000);

// This machine's first non-loopback IPv4 address, or a null address when it has none (tests that
// need a caller from "another machine" skip then).
QHostAddress externalIPv4();

} // namespace qp::test
