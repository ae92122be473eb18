#pragma once
// Keeps glibc's malloc from handing memory back to the kernel after every request.
//
// Why: with the default (dynamic, from 128 KiB) trim threshold, the heap top grows and shrinks
// with each burst of requests: a brk() syscall to shrink it, page faults to grow it again.
// tests/bench measured ~7 % of the proxy's CPU there at 50 connections. A fixed threshold keeps
// at most that much freed memory in the process; the memory targets (idle RSS, 1000 streams)
// are measured with it.
//
// It also turns glibc's fastbins off. A request for 1 KiB or more consolidates every fastbin chunk
// first, and a proxy makes such a request several times per request it relays, so the small
// frees of one request were merged again at the next large allocation. Measured with
// `qp-bench --soak 5` (alternating, two runs each): proxy CPU per OpenAI JSON request 73.4 and 72.1
// → 68.7 and 66.6 µs; per SSE request 104.4 and 104.7 → 98.5 and 100.5 µs. Does nothing on other
// C libraries.

namespace qp {

void tuneMallocForServer();

} // namespace qp
