#include "admit/scan/scan_pipeline.hpp"

#include <utility>

#include "admit/scan/nearest_centre.hpp"

namespace admit::scan {
namespace {

// How often the scan thread rechecks for a stop request while no frame arrives.
constexpr std::chrono::milliseconds kIdlePoll{50};

}  // namespace

ScanPipeline::ScanPipeline(std::unique_ptr<FrameSource> source, PipelineOptions options)
    : options_(std::move(options)),
      capture_(std::move(source), options_.capture),
      reader_(options_.reader),
      debouncer_(options_.debounce) {}

ScanPipeline::~ScanPipeline() { stop(); }

void ScanPipeline::start() {
    if (scanThread_.joinable()) return;
    {
        std::lock_guard lock(mutex_);
        lastScanned_ = 0;
        stats_ = {};
        debouncer_.reset();
    }
    capture_.start();
    scanThread_ = std::jthread([this](std::stop_token stop) { scanLoop(std::move(stop)); });
}

void ScanPipeline::stop() {
    if (!scanThread_.joinable()) return;
    scanThread_.request_stop();
    capture_.stop();  // closes the frame mailbox, which wakes the scan thread
    scanThread_.join();
    scanThread_ = {};
    eventAdded_.notify_all();
}

void ScanPipeline::scanLoop(std::stop_token stop) {
    Heartbeat* heartbeat = options_.readerHeartbeat.get();
    std::uint64_t last = 0;
    while (!stop.stop_requested()) {
        if (heartbeat) heartbeat->beat();
        std::optional<Frame> frame = capture_.frames().waitNewer(last, kIdlePoll);
        if (!frame) continue;
        last = frame->sequence;

        const TimePoint started = Clock::now();
        auto codes = reader_.read(frame->image);
        const auto readDuration =
            std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started);

        std::optional<ScanEvent> event;
        if (codes && !codes->empty()) {
            const std::size_t best = *nearestToCentre(*codes, frame->image.size());
            QrCode& code = (*codes)[best];
            if (debouncer_.accept(code.text, frame->captured)) {
                event = ScanEvent{std::move(code), frame->image.size(), frame->sequence,
                                  frame->captured, Clock::now(),        readDuration};
            }
        }
        {
            std::lock_guard lock(mutex_);
            ++stats_.framesScanned;
            if (codes && !codes->empty()) ++stats_.codesRead;
            if (event) {
                ++stats_.events;
                events_.push_back(std::move(*event));
                while (events_.size() > options_.maxQueuedEvents) events_.pop_front();
            }
            lastScanned_ = frame->sequence;
        }
        if (event) eventAdded_.notify_all();
    }
    if (heartbeat) heartbeat->rest();
}

std::optional<Frame> ScanPipeline::latestFrame() const { return capture_.frames().latest(); }

std::vector<ScanEvent> ScanPipeline::takeEvents() {
    std::lock_guard lock(mutex_);
    std::vector<ScanEvent> taken(std::make_move_iterator(events_.begin()),
                                 std::make_move_iterator(events_.end()));
    events_.clear();
    return taken;
}

std::optional<ScanEvent> ScanPipeline::waitEvent(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    if (!eventAdded_.wait_for(lock, timeout, [&] { return !events_.empty(); })) {
        return std::nullopt;
    }
    ScanEvent event = std::move(events_.front());
    events_.pop_front();
    return event;
}

SourceState ScanPipeline::sourceState() const { return capture_.state(); }

bool ScanPipeline::finished() const {
    if (capture_.state().status != SourceStatus::Finished) return false;
    std::lock_guard lock(mutex_);
    return lastScanned_ >= capture_.framesCaptured();
}

cv::Rect ScanPipeline::guideRect(cv::Size frame) const {
    return options_.reader.guide.toPixels(frame);
}

PipelineStats ScanPipeline::stats() const {
    std::lock_guard lock(mutex_);
    PipelineStats stats = stats_;
    stats.framesCaptured = capture_.framesCaptured();
    stats.framesDropped = capture_.frames().dropped();
    return stats;
}

}  // namespace admit::scan
