#pragma once
// Timing for the benchmarks: how long a call takes, and a percentile of the times taken.

#include <algorithm>
#include <chrono>
#include <vector>

namespace admit::bench {

// The p-th percentile (0..1) by nearest rank; 0 for no values.
inline double percentile(std::vector<double> values, double p) {
    if (values.empty()) return 0.0;
    std::sort(values.begin(), values.end());
    auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
    return values[std::min(index, values.size() - 1)];
}

// Milliseconds `f` took, on the steady clock.
template <class F>
double timeMs(F&& f) {
    auto start = std::chrono::steady_clock::now();
    f();
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
        .count();
}

}  // namespace admit::bench
