#include "admit/demo/demo_frames.hpp"

#include <array>
#include <cstdio>
#include <system_error>

#include <ZXing/BitMatrix.h>
#include <ZXing/MultiFormatWriter.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "admit/kiosk/strings.hpp"

namespace admit::kiosk {
namespace {

cv::Mat qrImage(const std::string& content, int side) {
    ZXing::MultiFormatWriter writer(ZXing::BarcodeFormat::QRCode);
    writer.setMargin(2);
    writer.setEccLevel(2);  // M
    ZXing::BitMatrix matrix = writer.encode(content, side, side);
    cv::Mat image(matrix.height(), matrix.width(), CV_8UC1);
    for (int y = 0; y < matrix.height(); ++y) {
        for (int x = 0; x < matrix.width(); ++x) {
            image.at<std::uint8_t>(y, x) = matrix.get(x, y) ? 0 : 255;
        }
    }
    cv::Mat bgr;
    cv::cvtColor(image, bgr, cv::COLOR_GRAY2BGR);
    return bgr;
}

void background(cv::Mat& frame, int frameIndex) {
    // A dim entrance hall: a vertical gradient and a lit doorway, drifting slightly.
    for (int y = 0; y < frame.rows; ++y) {
        auto shade = static_cast<std::uint8_t>(60 + (y * 50) / frame.rows);
        frame.row(y).setTo(cv::Scalar(shade + 10, shade, shade - 10));
    }
    int drift = (frameIndex % 40) - 20;
    cv::rectangle(
        frame,
        cv::Rect(frame.cols / 12 + drift, frame.rows / 8, frame.cols / 6, frame.rows * 3 / 4),
        cv::Scalar(150, 170, 180), cv::FILLED);
}

}  // namespace

std::vector<DemoShot> demoStory(const DemoEvent& event) {
    const auto& t = event.tickets;
    return {
        {"", text::kDemoCaptionStart, false},
        {event.setupCode, text::kDemoCaptionSetup, false},
        {t.at(0).text, text::kDemoCaptionValid, false},
        {event.attention.text, text::kDemoCaptionAttention, false},
        {t.at(2).text, text::kDemoCaptionValid, false},
        {t.at(0).text, text::kDemoCaptionDuplicate, false},
        {event.revoked.text, text::kDemoCaptionRevoked, false},
        {event.otherEventTicket, text::kDemoCaptionOtherEvent, false},
        {t.at(3).text, text::kDemoCaptionUnreadable, true},
        {event.foreignCode, text::kDemoCaptionForeign, false},
        {t.at(4).text, text::kDemoCaptionValid, false},
    };
}

Result<cv::Mat> renderDemoFrame(const DemoShot& shot, cv::Size size, int frameIndex) {
    cv::Mat frame(size, CV_8UC3);
    background(frame, frameIndex);
    if (!shot.text.empty()) {
        // A phone held upright in the middle of the view, screen up, code filling the screen.
        int phoneH = size.height * 2 / 3;
        int phoneW = phoneH * 9 / 16 + phoneH / 10;
        int sway = (frameIndex % 6) - 3;
        cv::Rect phone((size.width - phoneW) / 2 + sway, (size.height - phoneH) / 2, phoneW,
                       phoneH);
        cv::rectangle(frame, phone, cv::Scalar(30, 30, 34), cv::FILLED);
        cv::Rect screen = phone;
        screen.x += phoneW / 14;
        screen.width -= phoneW / 7;
        screen.y += phoneH / 12;
        screen.height -= phoneH / 6;
        cv::rectangle(frame, screen, cv::Scalar(250, 250, 250), cv::FILLED);
        int side = screen.width - 8;
        cv::Mat qr;
        try {
            qr = qrImage(shot.text, side);
        } catch (const std::exception& e) {
            return fail(std::string("cannot render the demo QR code: ") + e.what());
        }
        if (qr.cols > screen.width || qr.rows > screen.height) {
            return fail("the demo QR code does not fit on the phone");
        }
        cv::Rect at(screen.x + (screen.width - qr.cols) / 2,
                    screen.y + (screen.height - qr.rows) / 2, qr.cols, qr.rows);
        qr.copyTo(frame(at));
        if (shot.unreadable) {
            // A cracked, smeared screen: blur the code until nothing can read it.
            cv::GaussianBlur(frame(at), frame(at), cv::Size(0, 0), 9.0);
            cv::line(frame, at.tl(), at.br(), cv::Scalar(90, 90, 90), 6);
        }
    }
    if (!shot.caption.empty()) {
        int baseline = 0;
        double scale = size.height / 500.0;
        auto extent = cv::getTextSize(shot.caption, cv::FONT_HERSHEY_SIMPLEX, scale, 2, &baseline);
        cv::Point origin((size.width - extent.width) / 2, size.height - extent.height);
        cv::rectangle(frame,
                      cv::Rect(origin.x - 10, origin.y - extent.height - 10, extent.width + 20,
                               extent.height + baseline + 20),
                      cv::Scalar(0, 0, 0), cv::FILLED);
        cv::putText(frame, shot.caption, origin, cv::FONT_HERSHEY_SIMPLEX, scale,
                    cv::Scalar(255, 255, 255), 2, cv::LINE_AA);
    }
    return frame;
}

Result<int> writeDemoFrames(const std::vector<DemoShot>& story, const std::filesystem::path& folder,
                            const DemoScriptOptions& options) {
    std::error_code error;
    std::filesystem::create_directories(folder, error);
    if (error) return fail("cannot create " + folder.string() + ": " + error.message());
    int index = 0;
    auto write = [&](const DemoShot& shot) -> Status<> {
        auto frame = renderDemoFrame(shot, options.frameSize, index);
        if (!frame) return fail(frame.error());
        std::array<char, 32> name{};
        std::snprintf(name.data(), name.size(), "frame_%05d.jpg", index);
        ++index;
        if (!cv::imwrite((folder / name.data()).string(), *frame, {cv::IMWRITE_JPEG_QUALITY, 92})) {
            return fail("cannot write demo frames into " + folder.string());
        }
        return Ok{};
    };
    DemoShot empty;
    for (const auto& shot : story) {
        for (int i = 0; i < options.framesPerShot; ++i) {
            if (auto s = write(shot); !s) return fail(s.error());
        }
        for (int i = 0; i < options.framesBetween; ++i) {
            if (auto s = write(empty); !s) return fail(s.error());
        }
    }
    return index;
}

}  // namespace admit::kiosk
