#include "admit/scan/video_file_source.hpp"

#include <cmath>
#include <system_error>

namespace admit::scan {
namespace {

std::chrono::nanoseconds intervalFor(double fps) {
    if (!(fps > 0.0) || !std::isfinite(fps)) return {};
    return std::chrono::nanoseconds(static_cast<std::int64_t>(std::llround(1e9 / fps)));
}

}  // namespace

Status<> VideoFileSource::open() {
    capture_.release();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(options_.path, ec)) {
        return fail(describe() + " does not exist");
    }
    // FFmpeg only: falling through to GStreamer or the image-sequence backend on a file FFmpeg
    // rejects gives confusing errors (and GStreamer leaks on the way).
    if (!capture_.open(options_.path.string(), cv::CAP_FFMPEG) || !capture_.isOpened()) {
        return fail("cannot open " + describe() + " as a video");
    }
    interval_ = intervalFor(options_.fps ? *options_.fps : capture_.get(cv::CAP_PROP_FPS));
    return Ok{};
}

Result<cv::Mat, SourceError> VideoFileSource::read() {
    cv::Mat image;
    if (capture_.isOpened() && capture_.read(image) && !image.empty()) return image;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(options_.path, ec)) {
        return fail(SourceError{SourceError::Kind::Lost, describe() + " has gone"});
    }
    if (options_.loop && capture_.set(cv::CAP_PROP_POS_FRAMES, 0) && capture_.read(image) &&
        !image.empty()) {
        return image;
    }
    return fail(SourceError{SourceError::Kind::EndOfStream, describe() + " ended"});
}

std::string VideoFileSource::describe() const { return "video " + options_.path.string(); }

}  // namespace admit::scan
