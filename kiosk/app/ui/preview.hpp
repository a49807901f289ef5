#pragma once
// The camera preview as an OpenGL texture, updated only when a newer frame arrived.

#include <cstdint>

#include <imgui.h>
#include <opencv2/core/mat.hpp>

#include "admit/scan/frame.hpp"

namespace admit::kiosk::app::ui {

class PreviewTexture {
  public:
    PreviewTexture() = default;
    ~PreviewTexture();  // deletes the GL texture (needs the GL context still current)
    PreviewTexture(const PreviewTexture&) = delete;
    PreviewTexture& operator=(const PreviewTexture&) = delete;

    // Uploads `frame` if it is newer than the one shown; true if it was.
    bool update(const scan::Frame& frame);
    bool empty() const { return texture_ == 0; }
    ImTextureID id() const;
    cv::Size size() const { return size_; }
    std::uint64_t sequence() const { return sequence_; }

  private:
    unsigned int texture_ = 0;
    cv::Size size_;
    std::uint64_t sequence_ = 0;
    cv::Mat rgba_;
};

// Draws the preview fitted into [min, max) keeping its aspect ratio, with the guide frame
// (`guide` in frame pixels). Returns the drawn rectangle's height.
float drawPreview(const PreviewTexture& preview, const cv::Rect& guide, ImVec2 min, ImVec2 max,
                  float lineWidth);

}  // namespace admit::kiosk::app::ui
