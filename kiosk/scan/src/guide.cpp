#include "admit/scan/guide.hpp"

#include <cmath>

namespace admit::scan {

cv::Rect Guide::toPixels(cv::Size frame) const {
    const auto w = static_cast<float>(frame.width);
    const auto h = static_cast<float>(frame.height);
    const cv::Rect pixels(static_cast<int>(std::lround(area.x * w)),
                          static_cast<int>(std::lround(area.y * h)),
                          static_cast<int>(std::lround(area.width * w)),
                          static_cast<int>(std::lround(area.height * h)));
    return pixels & cv::Rect(0, 0, frame.width, frame.height);
}

}  // namespace admit::scan
