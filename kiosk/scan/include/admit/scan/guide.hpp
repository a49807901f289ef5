#pragma once
// The guide frame: the region of the camera image where a visitor is asked to hold the code. The
// UI draws it; the reader searches it first at full resolution.

#include <opencv2/core/types.hpp>

namespace admit::scan {

struct Guide {
    // Normalised to the frame (0..1), centred by default: half the width, two thirds the height.
    cv::Rect2f area{0.25f, 1.0f / 6.0f, 0.5f, 2.0f / 3.0f};

    // The guide in pixels of a frame of the given size, clipped to the frame.
    cv::Rect toPixels(cv::Size frame) const;
};

}  // namespace admit::scan
