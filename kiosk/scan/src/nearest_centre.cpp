#include "admit/scan/nearest_centre.hpp"

#include <limits>

namespace admit::scan {

std::optional<std::size_t> nearestToCentre(const std::vector<QrCode>& codes, cv::Size frame) {
    const cv::Point2f centre(static_cast<float>(frame.width) / 2.0f,
                             static_cast<float>(frame.height) / 2.0f);
    std::optional<std::size_t> best;
    float bestDistance = std::numeric_limits<float>::max();
    for (std::size_t i = 0; i < codes.size(); ++i) {
        const cv::Point2f d = codes[i].centre() - centre;
        const float distance = d.dot(d);
        if (distance < bestDistance) {
            bestDistance = distance;
            best = i;
        }
    }
    return best;
}

}  // namespace admit::scan
