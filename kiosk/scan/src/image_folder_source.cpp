#include "admit/scan/image_folder_source.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>
#include <system_error>

#include <opencv2/imgcodecs.hpp>

namespace admit::scan {
namespace {

bool isImage(const std::filesystem::path& path) {
    std::string ext = path.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".bmp";
}

}  // namespace

Status<> ImageFolderSource::open() {
    files_.clear();
    next_ = 0;
    std::error_code ec;
    std::filesystem::directory_iterator it(options_.path, ec);
    if (ec) return fail("cannot open " + describe() + ": " + ec.message());
    for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
        if (ec) return fail("cannot list " + describe() + ": " + ec.message());
        if (it->is_regular_file(ec) && isImage(it->path())) files_.push_back(it->path());
    }
    if (files_.empty()) return fail(describe() + " holds no images");
    std::sort(files_.begin(), files_.end());
    return Ok{};
}

Result<cv::Mat, SourceError> ImageFolderSource::read() {
    // At most one pass over the list per call, so a folder of undecodable files cannot spin.
    for (std::size_t tried = 0; tried < files_.size(); ++tried) {
        if (next_ == files_.size()) {
            if (!options_.loop) {
                return fail(SourceError{SourceError::Kind::EndOfStream, describe() + " ended"});
            }
            next_ = 0;
        }
        const auto& path = files_[next_++];
        cv::Mat image = cv::imread(path.string(), cv::IMREAD_COLOR);
        if (!image.empty()) return image;
        std::error_code ec;
        if (!std::filesystem::is_directory(options_.path, ec)) {
            return fail(SourceError{SourceError::Kind::Lost, describe() + " has gone"});
        }
    }
    if (!options_.loop && next_ == files_.size() && !files_.empty()) {
        return fail(SourceError{SourceError::Kind::EndOfStream, describe() + " ended"});
    }
    return fail(SourceError{SourceError::Kind::Lost, describe() + " has no readable images"});
}

std::chrono::nanoseconds ImageFolderSource::frameInterval() const {
    if (!(options_.fps > 0.0)) return {};
    return std::chrono::nanoseconds(static_cast<std::int64_t>(std::llround(1e9 / options_.fps)));
}

std::string ImageFolderSource::describe() const { return "folder " + options_.path.string(); }

}  // namespace admit::scan
