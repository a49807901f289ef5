#pragma once
// admit-kiosk's command line.

#include <filesystem>
#include <optional>
#include <string>
#include <variant>

#include "admit/base/result.hpp"
#include "admit/store/checkin_log.hpp"

namespace admit::kiosk::app {

struct AppOptions {
    bool headless = false;
    bool demo = false;
    bool windowed = false;
    bool dashboard = false;  // --mode dashboard
    bool muted = false;
    bool quitWhenDone = false;  // exit once a file source has ended (tests)
    bool tour = false;          // after the demo video, visit every staff screen (screenshots)
    std::string databasePath;
    std::string keyFile;  // the replica key (mode 0600); empty: systemd credential
    std::optional<std::variant<int, std::string>> camera;
    std::optional<std::filesystem::path> sourceFolder;
    std::optional<std::filesystem::path> sourceVideo;
    double fileFps = 10.0;
    std::string gate = "A";
    store::Direction direction = store::Direction::kEntry;
    std::optional<std::string> eventId;
    std::optional<std::filesystem::path> stateDir;       // demo data
    std::optional<std::filesystem::path> screenshotDir;  // or ADMIT_SCREENSHOT_DIR
    int width = 1280;
    int height = 800;
};

std::string usage();
Result<AppOptions> parseOptions(int argc, char** argv);

}  // namespace admit::kiosk::app
