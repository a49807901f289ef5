#pragma once
// Where frames come from: a camera, a video file, a folder of images. A source is used from one
// thread only (the capture thread), which reopens it after it reports itself lost.

#include <chrono>
#include <string>

#include <opencv2/core/mat.hpp>

#include "admit/base/result.hpp"

namespace admit::scan {

struct SourceError {
    enum class Kind {
        EndOfStream,  // a file or folder is done; not an error of the device
        Lost,         // device unplugged, file or folder gone: close, then reopen later
    };
    Kind kind = Kind::Lost;
    std::string message;
};

class FrameSource {
  public:
    virtual ~FrameSource() = default;

    // Opens (or reopens after close()) the device or file.
    virtual Status<> open() = 0;
    // The next frame, in a newly allocated Mat (BGR or grey); blocks for a camera.
    virtual Result<cv::Mat, SourceError> read() = 0;
    virtual void close() = 0;

    // How long to wait between frames: 0 for a camera, which paces itself; the frame rate for
    // files (0 if configured "as fast as possible").
    virtual std::chrono::nanoseconds frameInterval() const = 0;
    // For status messages: "camera /dev/video0", "folder /tmp/x".
    virtual std::string describe() const = 0;
};

}  // namespace admit::scan
