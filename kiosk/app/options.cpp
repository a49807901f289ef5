#include "options.hpp"

#include <charconv>
#include <cstdlib>
#include <string_view>

#include "admit/kiosk/kiosk_settings.hpp"

namespace admit::kiosk::app {
namespace {

bool parseInt(std::string_view text, int& out) {
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
    return error == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::string usage() {
    return "usage: admit-kiosk [--demo] [--headless | --windowed [--size WxH]]\n"
           "                   [--db PATH [--key-file PATH]] [--camera N|PATH | --source-folder "
           "DIR |\n"
           "                    --source-video FILE [--fps N]] [--gate NAME] [--exit]\n"
           "                   [--scanner DEVICE] [--event ID] [--mode kiosk|dashboard] [--mute]\n"
           "                   [--state-dir DIR] [--screenshot-dir DIR] [--quit-when-done] "
           "[--tour]\n"
           "       admit-kiosk --version | --help\n";
}

Result<AppOptions> parseOptions(int argc, char** argv) {
    AppOptions options;
    if (const char* dir = std::getenv("ADMIT_SCREENSHOT_DIR"); dir && *dir) {
        options.screenshotDir = dir;
    }
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        auto value = [&](std::string& out) -> bool {
            if (i + 1 >= argc) return false;
            out = argv[++i];
            return true;
        };
        std::string v;
        if (arg == "--headless") {
            options.headless = true;
        } else if (arg == "--demo") {
            options.demo = true;
        } else if (arg == "--windowed") {
            options.windowed = true;
        } else if (arg == "--exit") {
            options.direction = store::Direction::kExit;
        } else if (arg == "--mute") {
            options.muted = true;
        } else if (arg == "--tour") {
            options.tour = true;
        } else if (arg == "--quit-when-done") {
            options.quitWhenDone = true;
        } else if (arg == "--db") {
            if (!value(options.databasePath)) return fail("--db needs a path");
        } else if (arg == "--key-file") {
            if (!value(options.keyFile)) return fail("--key-file needs a path");
        } else if (arg == "--gate") {
            if (!value(v)) return fail("--gate needs a name");
            auto gate = normaliseGateName(v);
            if (!gate) return fail("--gate: " + gate.error().message);
            options.gate = *gate;
        } else if (arg == "--event") {
            if (!value(v)) return fail("--event needs an event id");
            options.eventId = v;
        } else if (arg == "--camera") {
            if (!value(v) || v.empty()) return fail("--camera needs a number or a device path");
            options.camera = v;
        } else if (arg == "--scanner") {
            if (!value(v) || v.empty())
                return fail("--scanner needs a device path, e.g. /dev/ttyACM0");
            options.scanner = v;
        } else if (arg == "--source-folder") {
            if (!value(v)) return fail("--source-folder needs a folder");
            options.sourceFolder = v;
        } else if (arg == "--source-video") {
            if (!value(v)) return fail("--source-video needs a file");
            options.sourceVideo = v;
        } else if (arg == "--fps") {
            int fps = 0;
            if (!value(v) || !parseInt(v, fps) || fps < 0 || fps > 240) {
                return fail("--fps needs a number from 0 to 240");
            }
            options.fileFps = fps;
        } else if (arg == "--mode") {
            if (!value(v)) return fail("--mode needs kiosk or dashboard");
            if (v == "dashboard") {
                options.dashboard = true;
            } else if (v != "kiosk") {
                return fail("--mode must be kiosk or dashboard, not " + v);
            }
        } else if (arg == "--state-dir") {
            if (!value(v)) return fail("--state-dir needs a folder");
            options.stateDir = v;
        } else if (arg == "--screenshot-dir") {
            if (!value(v)) return fail("--screenshot-dir needs a folder");
            options.screenshotDir = v;
        } else if (arg == "--size") {
            if (!value(v)) return fail("--size needs WxH");
            auto x = v.find('x');
            if (x == std::string::npos ||
                !parseInt(std::string_view(v).substr(0, x), options.width) ||
                !parseInt(std::string_view(v).substr(x + 1), options.height) ||
                options.width < 320 || options.height < 240) {
                return fail("--size needs WxH, e.g. 800x480");
            }
        } else if (arg == "--help" || arg == "-h") {
            options.help = true;
            return options;
        } else if (arg == "--version") {
            options.version = true;
            return options;
        } else {
            return fail("unknown option " + std::string(arg) + "\n" + usage());
        }
    }
    int sources =
        (options.camera ? 1 : 0) + (options.sourceFolder ? 1 : 0) + (options.sourceVideo ? 1 : 0);
    if (sources > 1) return fail("choose one of --camera, --source-folder, --source-video");
    // The tour presses buttons for screenshots: the demo's staff screens, or a damaged
    // replica's Re-sync.
    if (options.tour && !options.demo && !options.screenshotDir) {
        return fail("--tour needs --demo or --screenshot-dir");
    }
    if (!options.demo && options.databasePath.empty()) {
        return fail("--db PATH is needed (or --demo)\n" + usage());
    }
    return options;
}

}  // namespace admit::kiosk::app
