#pragma once
// Keeps glibc's malloc from handing memory back to the kernel after every request.
//
// Why: with the default (dynamic, from 128 KiB) trim threshold, the heap top grows and shrinks
// with each burst of requests: a brk() syscall to shrink it, page faults to grow it again.
// tests/bench measured ~7 % of the proxy's CPU there at 50 connections. A fixed threshold keeps
// at most that much freed memory in the process; the memory targets (idle RSS, 1000 streams)
// are measured with it. Does nothing on other C libraries.

namespace qp {

void tuneMallocForServer();

} // namespace qp
