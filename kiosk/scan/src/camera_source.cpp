#include "admit/scan/camera_source.hpp"

namespace admit::scan {

Status<> CameraSource::open() {
    capture_.release();
    const bool opened = std::holds_alternative<int>(options_.device)
                            ? capture_.open(std::get<int>(options_.device), cv::CAP_V4L2)
                            : capture_.open(std::get<std::string>(options_.device), cv::CAP_V4L2);
    if (!opened || !capture_.isOpened()) return fail("cannot open " + describe());
    // Format first: some drivers only offer high resolutions in MJPEG.
    if (options_.mjpeg) {
        capture_.set(cv::CAP_PROP_FOURCC, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'));
    }
    capture_.set(cv::CAP_PROP_FRAME_WIDTH, options_.width);
    capture_.set(cv::CAP_PROP_FRAME_HEIGHT, options_.height);
    capture_.set(cv::CAP_PROP_FPS, options_.fps);
    // One buffer: the driver hands over the newest frame, not a queue of old ones.
    capture_.set(cv::CAP_PROP_BUFFERSIZE, 1);
    return Ok{};
}

Result<cv::Mat, SourceError> CameraSource::read() {
    cv::Mat image;
    if (!capture_.isOpened() || !capture_.read(image) || image.empty()) {
        return fail(
            SourceError{SourceError::Kind::Lost, describe() + " stopped delivering frames"});
    }
    return image;
}

std::string CameraSource::describe() const {
    return std::holds_alternative<int>(options_.device)
               ? "camera /dev/video" + std::to_string(std::get<int>(options_.device))
               : "camera " + std::get<std::string>(options_.device);
}

}  // namespace admit::scan
