#pragma once
// The images of a folder (png, jpg, bmp), in file name order, as frames: for the demo and tests.

#include <cstddef>
#include <filesystem>
#include <vector>

#include "admit/scan/frame_source.hpp"

namespace admit::scan {

struct ImageFolderOptions {
    std::filesystem::path path;
    double fps = 30.0;  // 0 = as fast as possible
    bool loop = false;
};

class ImageFolderSource final : public FrameSource {
  public:
    explicit ImageFolderSource(ImageFolderOptions options) : options_(std::move(options)) {}

    Status<> open() override;
    // Images that fail to decode are skipped; the folder vanishing is Lost.
    Result<cv::Mat, SourceError> read() override;
    void close() override { files_.clear(); }
    std::chrono::nanoseconds frameInterval() const override;
    std::string describe() const override;

  private:
    ImageFolderOptions options_;
    std::vector<std::filesystem::path> files_;
    std::size_t next_ = 0;
};

}  // namespace admit::scan
