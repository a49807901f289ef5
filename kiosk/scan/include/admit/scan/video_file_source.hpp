#pragma once
// A video file through OpenCV, played at its own frame rate (or as fast as possible).

#include <filesystem>
#include <optional>

#include <opencv2/videoio.hpp>

#include "admit/scan/frame_source.hpp"

namespace admit::scan {

struct VideoFileOptions {
    std::filesystem::path path;
    // Frames per second to play at; unset = the file's own rate; 0 = as fast as possible.
    std::optional<double> fps;
    bool loop = false;
};

class VideoFileSource final : public FrameSource {
  public:
    explicit VideoFileSource(VideoFileOptions options) : options_(std::move(options)) {}

    Status<> open() override;
    Result<cv::Mat, SourceError> read() override;
    void close() override { capture_.release(); }
    std::chrono::nanoseconds frameInterval() const override { return interval_; }
    std::string describe() const override;

  private:
    VideoFileOptions options_;
    cv::VideoCapture capture_;
    std::chrono::nanoseconds interval_{};
};

}  // namespace admit::scan
