#include "sources.hpp"

#include "admit/scan/image_folder_source.hpp"
#include "admit/scan/video_file_source.hpp"

namespace admit::kiosk::app {

std::unique_ptr<scan::FrameSource> makeSource(const AppOptions& options,
                                              const std::filesystem::path* demoFrames) {
    if (options.dashboard) return nullptr;
    if (options.sourceFolder) {
        return std::make_unique<scan::ImageFolderSource>(
            scan::ImageFolderOptions{*options.sourceFolder, options.fileFps, false});
    }
    if (options.sourceVideo) {
        return std::make_unique<scan::VideoFileSource>(
            scan::VideoFileOptions{*options.sourceVideo, options.fileFps, false});
    }
    if (!options.camera && demoFrames) {
        return std::make_unique<scan::ImageFolderSource>(
            scan::ImageFolderOptions{*demoFrames, options.fileFps, false});
    }
    return nullptr;  // a camera: the kiosk core opens the one its settings name
}

}  // namespace admit::kiosk::app
