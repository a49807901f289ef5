#pragma once
// Test support: a source that hands over its next frame only when the test allows it, so tests
// of the pipeline can run frame by frame, with no frame dropped however slow the machine is.

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "admit/scan/frame_source.hpp"

namespace admit::scan::test {

class Gate {
  public:
    void allow(std::size_t frames) {
        {
            std::lock_guard lock(mutex_);
            allowed_ = frames;
        }
        changed_.notify_all();
    }
    void openForGood() { allow(static_cast<std::size_t>(-1)); }
    void waitFor(std::size_t frame) {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return allowed_ > frame; });
    }

  private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::size_t allowed_ = 0;
};

class SteppedSource final : public FrameSource {
  public:
    SteppedSource(std::vector<cv::Mat> frames, std::shared_ptr<Gate> gate)
        : frames_(std::move(frames)), gate_(std::move(gate)) {}
    Status<> open() override { return Ok{}; }
    Result<cv::Mat, SourceError> read() override {
        if (next_ == frames_.size()) {
            return fail(SourceError{SourceError::Kind::EndOfStream, "stepped source ended"});
        }
        gate_->waitFor(next_);
        return frames_[next_++].clone();
    }
    void close() override {}
    std::chrono::nanoseconds frameInterval() const override { return {}; }
    std::string describe() const override { return "stepped"; }

  private:
    std::vector<cv::Mat> frames_;
    std::shared_ptr<Gate> gate_;
    std::size_t next_ = 0;
};

}  // namespace admit::scan::test
