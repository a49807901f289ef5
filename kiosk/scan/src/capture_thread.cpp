#include "admit/scan/capture_thread.hpp"

#include <algorithm>
#include <utility>

namespace admit::scan {

CaptureThread::CaptureThread(std::unique_ptr<FrameSource> source, CaptureOptions options)
    : source_(std::move(source)), options_(options) {}

CaptureThread::~CaptureThread() { stop(); }

void CaptureThread::start() {
    if (thread_.joinable()) return;
    frames_.reopen();
    captured_ = 0;
    setState(SourceStatus::Connecting, source_->describe());
    thread_ = std::jthread([this](std::stop_token stop) { run(std::move(stop)); });
}

void CaptureThread::stop() {
    if (!thread_.joinable()) return;
    thread_.request_stop();
    wake_.notify_all();
    thread_.join();
    thread_ = {};
    source_->close();
    frames_.close();
    setState(SourceStatus::Stopped, source_->describe());
}

SourceState CaptureThread::state() const {
    std::lock_guard lock(stateMutex_);
    return state_;
}

void CaptureThread::setState(SourceStatus status, std::string detail) {
    std::lock_guard lock(stateMutex_);
    state_.status = status;
    state_.detail = std::move(detail);
}

bool CaptureThread::sleepUntil(std::stop_token& stop, TimePoint deadline) {
    std::unique_lock lock(wakeMutex_);
    wake_.wait_until(lock, stop, deadline, [] { return false; });
    return !stop.stop_requested();
}

void CaptureThread::run(std::stop_token stop) {
    struct Rest {  // however the loop ends: stopped, or the file source finished
        Heartbeat* heartbeat;
        ~Rest() {
            if (heartbeat) heartbeat->rest();
        }
    } rest{options_.heartbeat.get()};
    bool open = false;
    TimePoint nextFrame = Clock::now();
    while (!stop.stop_requested()) {
        if (options_.heartbeat) options_.heartbeat->beat();
        if (!open) {
            auto opened = source_->open();
            if (!opened) {
                setState(SourceStatus::Disconnected, opened.error().message);
                if (!sleepUntil(stop, Clock::now() + options_.reconnectInterval)) break;
                continue;
            }
            open = true;
            setState(SourceStatus::Streaming, source_->describe());
            nextFrame = Clock::now();
        }
        const auto interval = source_->frameInterval();
        if (interval.count() > 0) {
            if (!sleepUntil(stop, nextFrame)) break;
            // After a stall, restart the cadence instead of bursting to catch up.
            nextFrame = std::max(nextFrame + interval, Clock::now());
        }
        auto image = source_->read();
        if (!image) {
            source_->close();
            open = false;
            if (image.error().kind == SourceError::Kind::EndOfStream) {
                setState(SourceStatus::Finished, image.error().message);
                break;
            }
            setState(SourceStatus::Disconnected, image.error().message);
            if (!sleepUntil(stop, Clock::now() + options_.reconnectInterval)) break;
            continue;
        }
        const std::uint64_t sequence = ++captured_;
        frames_.publish(Frame{std::move(image).value(), Clock::now(), sequence});
    }
}

}  // namespace admit::scan
