#pragma once
// The benchmark's load generator: N keep-alive HTTP/1.1 connections on one epoll loop, each
// sending the same request again as soon as the previous response has ended. It records, per
// response, the time to the first response byte and to the last, and for SSE bodies the delay of
// every "ts=<ns>;" event (client receive time minus the upstream's send timestamp).

#include <cstdint>
#include <string>
#include <vector>

namespace bench {

struct LoadSpec {
    uint16_t port = 0;
    std::string request; // the whole HTTP request, sent as-is
    int connections = 1;
    int64_t requestsPerConnection = -1; // -1: until the duration is over
    int64_t durationNs = 0;             // stop sending new requests after this
    int64_t deadlineNs = 0;      // hard limit for the whole run (in-flight responses included)
    bool scanTimestamps = false; // look for ts=<ns>; in the body
};

struct LoadResult {
    int64_t completed = 0;           // responses fully received with status 200
    int64_t failed = 0;              // non-200, connection errors, early close
    int64_t unfinished = 0;          // connections still waiting at the deadline
    int64_t elapsedNs = 0;           // start to the last completed response
    std::vector<int64_t> latency;    // request written -> last byte
    std::vector<int64_t> ttfb;       // request written -> first response byte
    std::vector<int64_t> firstEvent; // request written -> first ts= event received
    std::vector<int64_t> eventDelay; // per event: receive time - upstream send timestamp
    std::string firstError;
    double requestsPerSecond() const
    {
        return elapsedNs > 0 ? double(completed) * 1e9 / double(elapsedNs) : 0.0;
    }
};

LoadResult runLoad(const LoadSpec &spec);

// POST /v1/chat/completions with a ~2 KB JSON body, "stream" and the upstream pace markers set.
std::string chatRequest(uint16_t port, bool stream, int eventIntervalMs, int events);

// POST /v1/messages with an Anthropic body of the same size and markers: the proxy translates it
// to the OpenAI request the fake upstream answers, and the answer back to Anthropic JSON or SSE
// (the text deltas keep the upstream's "ts=<ns>;" stamps).
std::string messagesRequest(uint16_t port, bool stream, int eventIntervalMs, int events);

} // namespace bench
