#include "admit/scan/latest_frame.hpp"

#include <utility>

namespace admit::scan {

void LatestFrame::publish(Frame frame) {
    {
        std::lock_guard lock(mutex_);
        if (!taken_) ++dropped_;
        frame_ = std::move(frame);
        taken_ = false;
    }
    changed_.notify_all();
}

std::optional<Frame> LatestFrame::latest() const {
    std::lock_guard lock(mutex_);
    return frame_;
}

std::optional<Frame> LatestFrame::waitNewer(std::uint64_t afterSequence,
                                            std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    const bool ready = changed_.wait_for(
        lock, timeout, [&] { return closed_ || (frame_ && frame_->sequence > afterSequence); });
    if (!ready || closed_) return std::nullopt;
    taken_ = true;
    return frame_;
}

void LatestFrame::close() {
    {
        std::lock_guard lock(mutex_);
        closed_ = true;
    }
    changed_.notify_all();
}

void LatestFrame::reopen() {
    std::lock_guard lock(mutex_);
    closed_ = false;
    frame_.reset();
    taken_ = true;
}

std::uint64_t LatestFrame::dropped() const {
    std::lock_guard lock(mutex_);
    return dropped_;
}

}  // namespace admit::scan
