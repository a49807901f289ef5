#pragma once
// Runs a FrameSource on its own thread: paces file sources, publishes into a LatestFrame, reports
// the source status and reopens a lost source by itself.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>

#include "admit/base/liveness.hpp"
#include "admit/scan/frame_source.hpp"
#include "admit/scan/latest_frame.hpp"
#include "admit/scan/source_status.hpp"

namespace admit::scan {

struct CaptureOptions {
    // Wait between attempts to reopen a lost or unopenable source.
    std::chrono::milliseconds reconnectInterval{500};
    // Beaten every time round the capture loop, resting once the loop ends (the kiosk's
    // watchdog: a camera read that hangs stops the beats). Optional.
    std::shared_ptr<Heartbeat> heartbeat{};
};

class CaptureThread {
  public:
    CaptureThread(std::unique_ptr<FrameSource> source, CaptureOptions options = {});
    ~CaptureThread();  // stops and joins
    CaptureThread(const CaptureThread&) = delete;
    CaptureThread& operator=(const CaptureThread&) = delete;

    void start();
    void stop();

    LatestFrame& frames() { return frames_; }
    const LatestFrame& frames() const { return frames_; }
    SourceState state() const;
    std::uint64_t framesCaptured() const { return captured_.load(); }

  private:
    void run(std::stop_token stop);
    void setState(SourceStatus status, std::string detail);
    // Sleeps until `deadline` or stop; false if stopping.
    bool sleepUntil(std::stop_token& stop, TimePoint deadline);

    std::unique_ptr<FrameSource> source_;
    CaptureOptions options_;
    LatestFrame frames_;
    mutable std::mutex stateMutex_;
    SourceState state_;
    std::condition_variable_any wake_;
    std::mutex wakeMutex_;
    std::atomic<std::uint64_t> captured_{0};
    std::jthread thread_;
};

}  // namespace admit::scan
