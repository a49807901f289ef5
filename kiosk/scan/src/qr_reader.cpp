#include "admit/scan/qr_reader.hpp"

#include <algorithm>
#include <cmath>

#include <ZXing/ReadBarcode.h>
#include <opencv2/imgproc.hpp>

namespace admit::scan {
namespace {

// One image the cascade actually reads: a region of the grey frame, resized.
struct PassImage {
    cv::Rect region;
    cv::Size size;
    bool tryHarder = false;
};

cv::Size targetSize(cv::Size region, int maxShortSide) {
    const int shortSide = std::min(region.width, region.height);
    if (maxShortSide <= 0 || shortSide <= maxShortSide) return region;
    const double scale = static_cast<double>(maxShortSide) / static_cast<double>(shortSide);
    return {std::max(1, static_cast<int>(std::lround(region.width * scale))),
            std::max(1, static_cast<int>(std::lround(region.height * scale)))};
}

std::vector<PassImage> planPasses(const QrReaderOptions& options, cv::Size frame) {
    std::vector<PassImage> plan;
    for (const ReadPass& pass : options.passes) {
        const cv::Rect region = pass.region == ReadPass::Region::Guide
                                    ? options.guide.toPixels(frame)
                                    : cv::Rect(0, 0, frame.width, frame.height);
        if (region.empty()) continue;
        const PassImage image{region, targetSize(region.size(), pass.maxShortSide), pass.tryHarder};
        const bool repeat = std::any_of(plan.begin(), plan.end(), [&](const PassImage& earlier) {
            return earlier.region == image.region && earlier.size == image.size &&
                   (earlier.tryHarder || !image.tryHarder);
        });
        if (!repeat) plan.push_back(image);
    }
    return plan;
}

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
    return {
        {ReadPass::Region::Frame, 540, false},
        {ReadPass::Region::Frame, 360, false},
        {ReadPass::Region::Guide, 0, true},
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
    cv::Mat scaled;
    for (const PassImage& pass : planPasses(options_, grey.size())) {
        cv::Mat view = grey(pass.region);
        if (pass.size != pass.region.size()) {
            cv::resize(view, scaled, pass.size, 0, 0, cv::INTER_AREA);
            view = scaled;
        }
        const ZXing::ImageView zxImage(view.data, view.cols, view.rows, ZXing::ImageFormat::Lum,
                                       static_cast<int>(view.step[0]));
        const ZXing::Results results = ZXing::ReadBarcodes(zxImage, hintsFor(pass.tryHarder));
        const float sx = static_cast<float>(pass.region.width) / static_cast<float>(view.cols);
        const float sy = static_cast<float>(pass.region.height) / static_cast<float>(view.rows);
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
