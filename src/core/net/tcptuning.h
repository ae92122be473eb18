#pragma once
// TCP settings Qt has no option for; the platform calls live here and nowhere else.
//
// Quick ACK (issue 16 §4, docs/tcp-quickack.md). An upstream that writes a response's head and
// body in two send()s without TCP_NODELAY (Python's http.server does) sends the head, then Nagle
// holds the small body until the head is acknowledged. Linux delays that ACK (up to ~40 ms)
// once a connection looks interactive, as a keep-alive connection does after its first
// request: every reused request then took ~44 ms instead of ~1 ms. Setting TCP_QUICKACK sends
// an ACK being delayed at once and leaves delayed-ACK mode, but the kernel goes back to it by
// itself (when we send), so HttpClientConnection sets it after each read that leaves a response
// unfinished: at most one setsockopt() per read.

class QAbstractSocket;

namespace qp::net {

// Whether armQuickAck does anything on this platform (Linux only).
bool quickAckSupported();

// Asks the kernel to acknowledge what `socket` receives next at once, and sends an ACK that is
// being delayed now. Does nothing on other platforms or on a socket without a descriptor.
void armQuickAck(QAbstractSocket *socket);

} // namespace qp::net
