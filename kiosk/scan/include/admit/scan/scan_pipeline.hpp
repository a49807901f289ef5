#pragma once
// The scanning pipeline, drivable with or without a UI: a capture thread (latest frame wins) and
// a scan thread (QrReader, nearest-centre choice, debounce) producing ScanEvents.
//
//   ScanPipeline pipeline(std::make_unique<CameraSource>(CameraOptions{}));
//   pipeline.start();
//   while (auto event = pipeline.waitEvent(std::chrono::milliseconds(100))) ...
//   pipeline.latestFrame();   // preview for the UI, any thread
//   pipeline.sourceState();   // "camera unplugged"

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "admit/base/liveness.hpp"
#include "admit/scan/capture_thread.hpp"
#include "admit/scan/debouncer.hpp"
#include "admit/scan/frame_source.hpp"
#include "admit/scan/qr_reader.hpp"
#include "admit/scan/scan_event.hpp"
#include "admit/scan/source_status.hpp"

namespace admit::scan {

struct PipelineOptions {
    QrReaderOptions reader;
    DebounceOptions debounce;
    CaptureOptions capture;
    // Events nobody took are kept up to this many (oldest dropped first).
    std::size_t maxQueuedEvents = 64;
    // Beaten every time round the QR reader's loop (the kiosk's watchdog); the capture thread's
    // is capture.heartbeat. Optional.
    std::shared_ptr<Heartbeat> readerHeartbeat{};
};

struct PipelineStats {
    std::uint64_t framesCaptured = 0;
    std::uint64_t framesScanned = 0;
    std::uint64_t framesDropped = 0;  // captured but superseded before the scanner got to them
    std::uint64_t codesRead = 0;      // frames with a code (before debounce)
    std::uint64_t events = 0;         // after debounce
};

class ScanPipeline {
  public:
    explicit ScanPipeline(std::unique_ptr<FrameSource> source, PipelineOptions options = {});
    ~ScanPipeline();  // stops and joins both threads
    ScanPipeline(const ScanPipeline&) = delete;
    ScanPipeline& operator=(const ScanPipeline&) = delete;

    void start();
    void stop();

    // Everything below is safe from any thread.

    // The newest captured frame (for the preview texture); none before the first frame.
    std::optional<Frame> latestFrame() const;
    // Takes all queued events, oldest first.
    std::vector<ScanEvent> takeEvents();
    // Waits up to `timeout` for the next event.
    std::optional<ScanEvent> waitEvent(std::chrono::milliseconds timeout);
    SourceState sourceState() const;
    // True once a file or folder source has ended and its last frame has been scanned.
    bool finished() const;
    // The guide rectangle in pixels, for a frame of the given size.
    cv::Rect guideRect(cv::Size frame) const;
    PipelineStats stats() const;

  private:
    void scanLoop(std::stop_token stop);

    PipelineOptions options_;
    CaptureThread capture_;
    QrReader reader_;
    Debouncer debouncer_;

    mutable std::mutex mutex_;
    std::condition_variable eventAdded_;
    std::deque<ScanEvent> events_;
    PipelineStats stats_;
    std::uint64_t lastScanned_ = 0;
    std::jthread scanThread_;
};

}  // namespace admit::scan
