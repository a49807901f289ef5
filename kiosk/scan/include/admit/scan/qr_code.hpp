#pragma once
// One decoded QR code, in the pixel coordinates of the frame it was read from.

#include <array>
#include <string>

#include <opencv2/core/types.hpp>

namespace admit::scan {

struct QrCode {
    std::string text;  // UTF-8
    // Corners top-left, top-right, bottom-right, bottom-left of the symbol as printed.
    std::array<cv::Point2f, 4> corners{};

    cv::Point2f centre() const {
        return (corners[0] + corners[1] + corners[2] + corners[3]) * 0.25f;
    }
};

}  // namespace admit::scan
