#pragma once
// The demo "camera": a sequence of frames of phones held up to the kiosk, each showing a QR code
// (rendered with ZXing's writer, composed with OpenCV), with empty frames in between.

#include <filesystem>
#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "admit/base/result.hpp"
#include "admit/demo/demo_event.hpp"

namespace admit::kiosk {

struct DemoShot {
    std::string text;         // the QR code's content; empty = no phone
    std::string caption;      // printed on the frame ("Valid ticket")
    bool unreadable = false;  // blurred beyond reading
};

struct DemoScriptOptions {
    int framesPerShot = 15;  // phone in view
    int framesBetween = 20;  // empty view (longer than the debounce and the verdict screen)
    cv::Size frameSize{960, 720};
};

// The demo's story: event code, valid tickets, an attention note, a duplicate, a revoked
// ticket, another event's ticket, an unreadable code, a code that is no ticket.
std::vector<DemoShot> demoStory(const DemoEvent& event);

// One frame: a phone showing `shot` (or an empty view).
Result<cv::Mat> renderDemoFrame(const DemoShot& shot, cv::Size size, int frameIndex);

// Writes the whole story as numbered JPEG files into `folder` (created); returns the count.
Result<int> writeDemoFrames(const std::vector<DemoShot>& story, const std::filesystem::path& folder,
                            const DemoScriptOptions& options = {});

}  // namespace admit::kiosk
