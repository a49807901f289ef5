#include "admit/scan/qr_reader.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <utility>

#include <ZXing/ReadBarcode.h>
#include <opencv2/imgproc.hpp>

namespace admit::scan {
namespace {

// One image the cascade actually reads: a region of the grey frame, halved `halvings` times.
struct PassImage {
    cv::Rect region;
    int halvings = 0;
    bool tryHarder = false;
};

int halvingsFor(cv::Size region, int maxShortSide) {
    int shortSide = std::min(region.width, region.height);
    int halvings = 0;
    while (maxShortSide > 0 && shortSide > maxShortSide && shortSide >= 2) {
        shortSide /= 2;
        ++halvings;
    }
    return halvings;
}

std::vector<PassImage> planPasses(const QrReaderOptions& options, cv::Size frame) {
    std::vector<PassImage> plan;
    for (const ReadPass& pass : options.passes) {
        const cv::Rect region = pass.region == ReadPass::Region::Guide
                                    ? options.guide.toPixels(frame)
                                    : cv::Rect(0, 0, frame.width, frame.height);
        if (region.empty()) continue;
        const PassImage image{region, halvingsFor(region.size(), pass.maxShortSide),
                              pass.tryHarder};
        const bool repeat = std::any_of(plan.begin(), plan.end(), [&](const PassImage& earlier) {
            return earlier.region == image.region && earlier.halvings == image.halvings &&
                   (earlier.tryHarder || !image.tryHarder);
        });
        if (!repeat) plan.push_back(image);
    }
    return plan;
}

// Halvings of one region, computed once per frame and shared by the passes that need them.
// INTER_AREA at exactly 2x is OpenCV's fast path (other ratios are several times slower).
class Pyramid {
  public:
    explicit Pyramid(cv::Mat base) { levels_.push_back(std::move(base)); }

    const cv::Mat& level(int halvings) {
        while (static_cast<int>(levels_.size()) <= halvings) {
            const cv::Mat& top = levels_.back();
            const cv::Mat even = top(cv::Rect(0, 0, top.cols & ~1, top.rows & ~1));
            cv::Mat half;
            cv::resize(even, half, cv::Size(even.cols / 2, even.rows / 2), 0, 0, cv::INTER_AREA);
            levels_.push_back(std::move(half));
        }
        return levels_[static_cast<std::size_t>(halvings)];
    }

  private:
    std::vector<cv::Mat> levels_;
};

ZXing::DecodeHints hintsFor(bool tryHarder) {
    ZXing::DecodeHints hints;
    hints.setFormats(ZXing::BarcodeFormat::QRCode)
        .setTryHarder(tryHarder)
        .setTryRotate(false)     // the QR detector finds any orientation by itself
        .setTryDownscale(false)  // the cascade chooses the scales
        .setBinarizer(ZXing::Binarizer::LocalAverage);
    return hints;
}

}  // namespace

std::vector<ReadPass> QrReaderOptions::defaultPasses() {
    // Measured on camera-sized frames (tests/bench/scan, docs/performance.md): most codes are
    // read by the first, cheapest pass; the guide pass finds small codes held where asked; the
    // last pass only differs from the first on frames of 720 lines or fewer.
    return {
        {ReadPass::Region::Frame, 540, false},
        {ReadPass::Region::Frame, 270, false},
        {ReadPass::Region::Guide, 0, true},
        {ReadPass::Region::Frame, 720, false},
    };
}

QrReader::QrReader(QrReaderOptions options) : options_(std::move(options)) {}

Result<std::vector<QrCode>> QrReader::read(const cv::Mat& image) const {
    if (image.empty() || image.dims != 2) return fail("cannot read codes from an empty image");
    cv::Mat grey;
    switch (image.type()) {
        case CV_8UC1:
            grey = image;
            break;
        case CV_8UC3:
            cv::cvtColor(image, grey, cv::COLOR_BGR2GRAY);
            break;
        case CV_8UC4:
            cv::cvtColor(image, grey, cv::COLOR_BGRA2GRAY);
            break;
        default:
            return fail("cannot read codes from an image that is not 8-bit grey, BGR or BGRA");
    }

    std::vector<QrCode> codes;
    std::vector<std::pair<cv::Rect, Pyramid>> pyramids;
    for (const PassImage& pass : planPasses(options_, grey.size())) {
        auto pyramid = std::find_if(pyramids.begin(), pyramids.end(),
                                    [&](const auto& p) { return p.first == pass.region; });
        if (pyramid == pyramids.end()) {
            pyramids.emplace_back(pass.region, Pyramid(grey(pass.region)));
            pyramid = std::prev(pyramids.end());
        }
        const cv::Mat& view = pyramid->second.level(pass.halvings);
        const ZXing::ImageView zxImage(view.data, view.cols, view.rows, ZXing::ImageFormat::Lum,
                                       static_cast<int>(view.step[0]));
        const ZXing::Results results = ZXing::ReadBarcodes(zxImage, hintsFor(pass.tryHarder));
        const float scale = static_cast<float>(1 << pass.halvings);
        const float sx = scale;
        const float sy = scale;
        for (const ZXing::Result& result : results) {
            if (!result.isValid()) continue;
            QrCode code;
            code.text = result.text();
            for (std::size_t i = 0; i < 4; ++i) {
                const ZXing::PointI p = result.position()[i];
                // Scaled pixel x covers [x*s, (x+1)*s) of the region; map centre to centre.
                code.corners[i] = {(static_cast<float>(p.x) + 0.5f) * sx - 0.5f +
                                       static_cast<float>(pass.region.x),
                                   (static_cast<float>(p.y) + 0.5f) * sy - 0.5f +
                                       static_cast<float>(pass.region.y)};
            }
            codes.push_back(std::move(code));
        }
        if (!codes.empty()) break;
    }
    return codes;
}

}  // namespace admit::scan
