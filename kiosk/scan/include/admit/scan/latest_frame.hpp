#pragma once
// A one-frame mailbox between the capture thread and its readers: the latest frame wins, a frame
// nobody took before the next one arrived is dropped (no backlog, no growing latency).

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>

#include "admit/scan/frame.hpp"

namespace admit::scan {

class LatestFrame {
  public:
    // Replaces the held frame. Sequences must increase.
    void publish(Frame frame);
    // The newest frame, without consuming it (for the preview).
    std::optional<Frame> latest() const;
    // Waits until a frame newer than `afterSequence` is held and returns it; none on timeout or
    // after close().
    std::optional<Frame> waitNewer(std::uint64_t afterSequence, std::chrono::milliseconds timeout);
    // Wakes waiters for good (shutdown).
    void close();
    void reopen();

    // Frames replaced before any waitNewer() took them.
    std::uint64_t dropped() const;

  private:
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::optional<Frame> frame_;
    bool taken_ = true;
    bool closed_ = false;
    std::uint64_t dropped_ = 0;
};

}  // namespace admit::scan
