#pragma once
// Reads QR codes (ZXing-cpp 1.4, QR only) from one frame, as a cascade of cheap passes that stops
// at the first pass that reads anything.

#include <vector>

#include <opencv2/core/mat.hpp>

#include "admit/base/result.hpp"
#include "admit/scan/guide.hpp"
#include "admit/scan/qr_code.hpp"

namespace admit::scan {

// One attempt at reading: which part of the frame, at what resolution, how hard.
struct ReadPass {
    enum class Region { Frame, Guide };
    Region region = Region::Frame;
    // Downscale by the smallest power of two that brings the shorter side of the region to at
    // most this many pixels (never upscale); 0 keeps full resolution. Halving is a 2x2 average
    // (fast, and it anti-aliases); smaller is faster, and large modules (a code held close)
    // binarise better when downscaled.
    int maxShortSide = 0;
    // ZXing's tryHarder: denser line scanning for finder patterns.
    bool tryHarder = false;
};

struct QrReaderOptions {
    Guide guide;
    // Tried in order until one reads a code. Passes that would produce the same image as an
    // earlier one (small frames are never upscaled) are skipped.
    std::vector<ReadPass> passes = defaultPasses();

    static std::vector<ReadPass> defaultPasses();
};

class QrReader {
  public:
    explicit QrReader(QrReaderOptions options = {});

    // Every QR code found by the first successful pass, in frame coordinates. Reading nothing is
    // an empty vector; only an unusable image (empty, not 8-bit grey/BGR/BGRA) is an error.
    Result<std::vector<QrCode>> read(const cv::Mat& image) const;

    const QrReaderOptions& options() const { return options_; }

  private:
    QrReaderOptions options_;
};

}  // namespace admit::scan
