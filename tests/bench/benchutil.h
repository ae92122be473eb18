#pragma once
// Small helpers shared by the benchmark's load client, fake upstream and report.

#include <algorithm>
#include <cstdint>
#include <ctime>
#include <string>
#include <vector>

namespace bench {

// CLOCK_MONOTONIC is system-wide, so a timestamp taken in the upstream process can be compared
// with one taken in the load client: that is how per-chunk relay latency is measured.
inline int64_t nowNs()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

// Nearest-rank percentile (q in [0,1]) of an unsorted sample; 0 for an empty one.
inline int64_t percentile(std::vector<int64_t> v, double q)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    size_t i = size_t(q * double(v.size()));
    return v[std::min(i, v.size() - 1)];
}

inline int64_t median(std::vector<int64_t> v)
{
    return percentile(std::move(v), 0.5);
}

} // namespace bench
