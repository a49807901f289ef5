#include "qr_render.hpp"

#include <ZXing/BitMatrix.h>
#include <ZXing/MultiFormatWriter.h>
#include <opencv2/imgproc.hpp>

namespace admit::scan::test {

cv::Mat renderQr(const std::string& text, int side) {
    const ZXing::BitMatrix bits =
        ZXing::MultiFormatWriter(ZXing::BarcodeFormat::QRCode).setMargin(4).encode(text, 0, 0);
    cv::Mat modules(bits.height(), bits.width(), CV_8UC1);
    for (int y = 0; y < bits.height(); ++y) {
        for (int x = 0; x < bits.width(); ++x) {
            modules.at<unsigned char>(y, x) = bits.get(x, y) ? 0 : 255;
        }
    }
    cv::Mat scaled;
    cv::resize(modules, scaled, cv::Size(side, side), 0, 0, cv::INTER_NEAREST);
    return scaled;
}

cv::Mat frameWith(cv::Size size, const std::vector<Placement>& codes) {
    cv::Mat frame(size, CV_8UC3, cv::Scalar(128, 128, 128));
    for (const Placement& code : codes) {
        cv::Mat bgr;
        cv::cvtColor(renderQr(code.text, code.side), bgr, cv::COLOR_GRAY2BGR);
        bgr.copyTo(frame(cv::Rect(code.topLeft, bgr.size())));
    }
    return frame;
}

}  // namespace admit::scan::test
