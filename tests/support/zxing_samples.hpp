#pragma once
// The zxing-cpp 1.4.0 sample photos handed to the project beside it (../shared/testdata), used by
// the QR reader's tests and the scan benchmark. The target defines ADMIT_TESTDATA_DIR.

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace admit::testing {

inline const std::filesystem::path kZxingSamples =
    std::filesystem::path(ADMIT_TESTDATA_DIR) / "zxing-cpp-v1.4.0-samples";

// The PNG and JPEG photos of one sample folder ("qrcode-1", "falsepositives-2"), by name.
inline std::vector<std::filesystem::path> samplePhotosIn(const std::string& folder) {
    std::vector<std::filesystem::path> photos;
    for (const auto& entry : std::filesystem::directory_iterator(kZxingSamples / folder)) {
        const auto ext = entry.path().extension();
        if (ext == ".png" || ext == ".jpg") photos.push_back(entry.path());
    }
    std::sort(photos.begin(), photos.end());
    return photos;
}

}  // namespace admit::testing
