#pragma once
// Test support: waits for a condition set by another thread. The deadline only guards against a
// hung test; no assertion depends on how fast anything happens.

#include <chrono>
#include <thread>

namespace admit::scan::test {

template <class Condition>
bool waitFor(Condition condition, std::chrono::seconds deadline = std::chrono::seconds(20)) {
    const auto end = std::chrono::steady_clock::now() + deadline;
    while (!condition()) {
        if (std::chrono::steady_clock::now() > end) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
}

}  // namespace admit::scan::test
