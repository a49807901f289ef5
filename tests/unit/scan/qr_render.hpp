#pragma once
// Test support: QR codes rendered with ZXing's encoder, placed on synthetic frames.

#include <string>

#include <opencv2/core/mat.hpp>

namespace admit::scan::test {

// A black-on-white QR code of `text`, `side` pixels square including a 4-module quiet zone.
cv::Mat renderQr(const std::string& text, int side);

// A mid-grey BGR frame of the given size with each code pasted with its top-left corner at the
// given point.
struct Placement {
    std::string text;
    cv::Point topLeft;
    int side = 200;
};
cv::Mat frameWith(cv::Size size, const std::vector<Placement>& codes);

}  // namespace admit::scan::test
