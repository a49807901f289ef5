#pragma once
// A V4L2 camera through OpenCV.

#include <string>
#include <variant>

#include <opencv2/videoio.hpp>

#include "admit/scan/frame_source.hpp"

namespace admit::scan {

struct CameraOptions {
    std::variant<int, std::string> device = 0;  // index (/dev/videoN) or device path
    int width = 1280;
    int height = 720;
    int fps = 30;
    bool mjpeg = true;  // ask for MJPEG (needed by most USB cameras for 720p/1080p at 30 fps)
};

class CameraSource final : public FrameSource {
  public:
    explicit CameraSource(CameraOptions options) : options_(std::move(options)) {}

    Status<> open() override;
    Result<cv::Mat, SourceError> read() override;
    void close() override { capture_.release(); }
    std::chrono::nanoseconds frameInterval() const override { return {}; }
    std::string describe() const override;

  private:
    CameraOptions options_;
    cv::VideoCapture capture_;
};

}  // namespace admit::scan
