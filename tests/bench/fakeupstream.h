#pragma once
// A fast OpenAI-compatible upstream for the benchmark: one epoll thread, keep-alive HTTP/1.1,
// answering POST /v1/chat/completions with a fixed 588-byte completion, or with a 20-event SSE
// body when the request says "stream":true. Markers in the request body select the stream's pace:
// "bench_ms=N" sends the events N ms apart (0: the whole body at once), "bench_n=N" sets the
// number of events. Every content delta carries "ts=<CLOCK_MONOTONIC ns>;" taken just before the
// write, so the client can compute how long each event took to reach it.
//
// It is deliberately not a Qt program and not our HttpServer: it must cost as little as nginx
// would, so that "direct" is a floor and the difference is the proxy.

#include <cstdint>

namespace bench {

// A non-blocking listening socket on 127.0.0.1 with a deep backlog; *port receives the port.
// Returns -1 on failure.
int makeListenSocket(uint16_t *port);

// Serves listenFd until the process is killed (it also dies with its parent).
[[noreturn]] void runFakeUpstream(int listenFd);

// The size of the non-stream completion body, for the report.
int completionBodySize();

} // namespace bench
