#include "preview.hpp"

#include <GL/gl.h>

#include <algorithm>
#include <cstdint>

#include <opencv2/imgproc.hpp>

namespace admit::kiosk::app::ui {

PreviewTexture::~PreviewTexture() {
    if (texture_ != 0) glDeleteTextures(1, &texture_);
}

ImTextureID PreviewTexture::id() const {
    return reinterpret_cast<ImTextureID>(static_cast<std::uintptr_t>(texture_));
}

bool PreviewTexture::update(const scan::Frame& frame) {
    if (frame.image.empty() || (texture_ != 0 && frame.sequence == sequence_)) return false;
    if (frame.image.channels() == 1) {
        cv::cvtColor(frame.image, rgba_, cv::COLOR_GRAY2RGBA);
    } else if (frame.image.channels() == 4) {
        cv::cvtColor(frame.image, rgba_, cv::COLOR_BGRA2RGBA);
    } else {
        cv::cvtColor(frame.image, rgba_, cv::COLOR_BGR2RGBA);
    }
    if (texture_ == 0) {
        glGenTextures(1, &texture_);
        glBindTexture(GL_TEXTURE_2D, texture_);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    }
    glBindTexture(GL_TEXTURE_2D, texture_);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, rgba_.cols, rgba_.rows, 0, GL_RGBA, GL_UNSIGNED_BYTE,
                 rgba_.data);
    size_ = rgba_.size();
    sequence_ = frame.sequence;
    return true;
}

float drawPreview(const PreviewTexture& preview, const cv::Rect& guide, ImVec2 min, ImVec2 max,
                  float lineWidth) {
    if (preview.empty() || preview.size().area() == 0) return 0.0f;
    float availW = max.x - min.x;
    float availH = max.y - min.y;
    float fw = static_cast<float>(preview.size().width);
    float fh = static_cast<float>(preview.size().height);
    float scale = std::min(availW / fw, availH / fh);
    ImVec2 size(fw * scale, fh * scale);
    ImVec2 at(min.x + (availW - size.x) * 0.5f, min.y + (availH - size.y) * 0.5f);
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->AddImage(preview.id(), at, ImVec2(at.x + size.x, at.y + size.y));
    if (guide.area() > 0) {
        ImVec2 g0(at.x + static_cast<float>(guide.x) * scale,
                  at.y + static_cast<float>(guide.y) * scale);
        ImVec2 g1(g0.x + static_cast<float>(guide.width) * scale,
                  g0.y + static_cast<float>(guide.height) * scale);
        // Dim outside the guide, then a white frame with a dark outline (visible on any image).
        ImU32 shade = IM_COL32(0, 0, 0, 110);
        draw->AddRectFilled(at, ImVec2(at.x + size.x, g0.y), shade);
        draw->AddRectFilled(ImVec2(at.x, g1.y), ImVec2(at.x + size.x, at.y + size.y), shade);
        draw->AddRectFilled(ImVec2(at.x, g0.y), ImVec2(g0.x, g1.y), shade);
        draw->AddRectFilled(ImVec2(g1.x, g0.y), ImVec2(at.x + size.x, g1.y), shade);
        draw->AddRect(g0, g1, IM_COL32(0, 0, 0, 255), 0.0f, 0, lineWidth * 2.0f);
        draw->AddRect(g0, g1, IM_COL32(255, 255, 255, 255), 0.0f, 0, lineWidth);
    }
    return size.y;
}

}  // namespace admit::kiosk::app::ui
