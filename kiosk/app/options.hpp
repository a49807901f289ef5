#pragma once
// admit-kiosk's command line.

#include <filesystem>
#include <optional>
#include <string>

#include "admit/base/result.hpp"
#include "admit/store/checkin_log.hpp"

namespace admit::kiosk::app {

struct AppOptions {
    bool help = false;     // --help: usage on stdout, nothing else
    bool version = false;  // --version: version and commit, nothing else
    bool headless = false;
    bool demo = false;
    bool windowed = false;
    bool dashboard = false;  // --mode dashboard
    // --gate, --exit, --mute, --camera: for this run, over the settings stored in the replica.
    std::optional<bool> muted;
    bool quitWhenDone = false;  // exit once a file source has ended (tests)
    bool tour = false;          // after the demo video, visit every staff screen (screenshots)
    std::string databasePath;
    std::string keyFile;                 // the replica key (mode 0600); empty: systemd credential
    std::optional<std::string> camera;   // an index ("0") or a device path
    std::optional<std::string> scanner;  // a serial handheld scanner's device (/dev/ttyACM0)
    std::optional<std::filesystem::path> sourceFolder;
    std::optional<std::filesystem::path> sourceVideo;
    double fileFps = 10.0;
    std::optional<std::string> gate;
    std::optional<store::Direction> direction;
    std::optional<std::string> eventId;
    std::optional<std::filesystem::path> stateDir;       // demo data
    std::optional<std::filesystem::path> screenshotDir;  // or ADMIT_SCREENSHOT_DIR
    int width = 1280;
    int height = 800;
};

std::string usage();
Result<AppOptions> parseOptions(int argc, char** argv);

}  // namespace admit::kiosk::app
