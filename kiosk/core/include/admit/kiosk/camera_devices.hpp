#pragma once
// The V4L2 cameras on this machine, for the settings screen. Stable /dev/v4l/by-id/* names are
// preferred (they survive re-plugging and reboots); a /dev/videoN that no by-id link names is
// listed by its own path. Nodes that cannot capture video (a camera's metadata node) are left out.

#include <filesystem>
#include <string>
#include <vector>

namespace admit::kiosk {

struct CameraDevice {
    std::string path;   // what to open and store: /dev/v4l/by-id/... or /dev/videoN
    std::string label;  // for people: the driver's card name, else the file name
    std::string node;   // the /dev/videoN it is
};

// Lists the cameras under `dev` (a parameter so tests can use a fake tree), sorted by node.
std::vector<CameraDevice> listCameraDevices(const std::filesystem::path& dev = "/dev");

}  // namespace admit::kiosk
