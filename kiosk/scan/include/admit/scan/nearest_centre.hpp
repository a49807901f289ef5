#pragma once
// When several codes are in view, the one nearest the centre of the frame wins.

#include <cstddef>
#include <optional>
#include <vector>

#include <opencv2/core/types.hpp>

#include "admit/scan/qr_code.hpp"

namespace admit::scan {

// Index of the code whose centre is nearest the centre of a frame of the given size; none if
// `codes` is empty.
std::optional<std::size_t> nearestToCentre(const std::vector<QrCode>& codes, cv::Size frame);

}  // namespace admit::scan
