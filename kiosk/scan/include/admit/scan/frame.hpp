#pragma once
// A captured video frame and when it arrived.

#include <chrono>
#include <cstdint>

#include <opencv2/core/mat.hpp>

namespace admit::scan {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;

struct Frame {
    // BGR (CV_8UC3) or grey (CV_8UC1). Shared with every holder of the frame: treat as read-only
    // and clone() before drawing on it.
    cv::Mat image;
    // When the source handed the frame over (steady clock), the reference for latency.
    TimePoint captured{};
    // 1 for the first frame of a pipeline run, then +1 per captured frame (gaps = dropped frames).
    std::uint64_t sequence = 0;
};

}  // namespace admit::scan
