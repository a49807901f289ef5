#include "admit/kiosk/camera_devices.hpp"

#include <fcntl.h>
#include <linux/videodev2.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <exception>
#include <map>
#include <optional>
#include <system_error>

namespace admit::kiosk {
namespace {

namespace fs = std::filesystem;

struct Probe {
    bool known = false;  // the driver answered VIDIOC_QUERYCAP
    bool captures = true;
    std::string card;
};

// Asks the driver what the node is. Anything that is not a V4L2 device (or that we may not
// open) is "unknown": listed, since it may still open in OpenCV.
Probe probe(const fs::path& node) {
    Probe result;
    int fd = ::open(node.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return result;
    v4l2_capability caps{};
    if (::ioctl(fd, VIDIOC_QUERYCAP, &caps) == 0) {
        result.known = true;
        std::uint32_t device =
            (caps.capabilities & V4L2_CAP_DEVICE_CAPS) != 0 ? caps.device_caps : caps.capabilities;
        result.captures = (device & (V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_VIDEO_CAPTURE_MPLANE)) != 0;
        result.card.assign(reinterpret_cast<const char*>(caps.card),
                           strnlen(reinterpret_cast<const char*>(caps.card), sizeof caps.card));
    }
    ::close(fd);
    return result;
}

// /dev/video12 -> 12, for sorting; other names sort last.
int nodeNumber(const std::string& node) {
    auto name = fs::path(node).filename().string();
    if (name.rfind("video", 0) != 0) return 1 << 30;
    try {
        return std::stoi(name.substr(5));
    } catch (const std::exception&) {
        return 1 << 30;
    }
}

bool isVideoNode(const fs::path& path) {
    auto name = path.filename().string();
    return name.size() > 5 && name.rfind("video", 0) == 0 &&
           std::all_of(name.begin() + 5, name.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::vector<CameraDevice> listCameraDevices(const fs::path& dev) {
    std::error_code error;
    // node -> the by-id link naming it (the first in name order: index0 before index1).
    std::map<std::string, std::string> byId;
    std::vector<fs::path> links;
    for (const auto& entry : fs::directory_iterator(dev / "v4l" / "by-id", error)) {
        links.push_back(entry.path());
    }
    std::sort(links.begin(), links.end());
    for (const auto& link : links) {
        auto target = fs::canonical(link, error);
        if (error || !isVideoNode(target)) continue;
        byId.emplace(target.string(), link.string());
    }
    std::vector<fs::path> nodes;
    for (const auto& entry : fs::directory_iterator(dev, error)) {
        if (isVideoNode(entry.path())) nodes.push_back(fs::canonical(entry.path(), error));
    }
    std::vector<CameraDevice> cameras;
    for (const auto& node : nodes) {
        if (node.empty()) continue;
        Probe what = probe(node);
        if (!what.captures) continue;
        CameraDevice camera;
        camera.node = node.string();
        auto link = byId.find(camera.node);
        camera.path = link != byId.end() ? link->second : camera.node;
        camera.label = what.card.empty() ? fs::path(camera.path).filename().string() : what.card;
        cameras.push_back(std::move(camera));
    }
    std::sort(cameras.begin(), cameras.end(), [](const CameraDevice& a, const CameraDevice& b) {
        return nodeNumber(a.node) < nodeNumber(b.node);
    });
    return cameras;
}

}  // namespace admit::kiosk
