#pragma once
// A verdict-worthy read: a code that passed the debounce.

#include <chrono>
#include <cstdint>

#include <opencv2/core/types.hpp>

#include "admit/scan/frame.hpp"
#include "admit/scan/qr_code.hpp"

namespace admit::scan {

struct ScanEvent {
    QrCode code;                      // text and corners, in frame pixels
    cv::Size frameSize;               // of the frame it was read from
    std::uint64_t frameSequence = 0;  // that frame's Frame::sequence
    TimePoint frameCaptured{};        // when that frame arrived
    TimePoint emitted{};              // when the event was queued (latency = emitted - captured)
    std::chrono::microseconds readDuration{};  // time QrReader::read took on that frame
};

}  // namespace admit::scan
