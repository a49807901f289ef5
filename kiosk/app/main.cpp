// admit-kiosk: the check-in kiosk. See docs/kiosk.md.

#include <iostream>
#include <optional>

#include "admit/base/exit_code.hpp"
#include "admit/base/version.hpp"
#include "admit/kiosk/kiosk_core.hpp"
#include "demo_setup.hpp"
#include "headless.hpp"
#include "options.hpp"
#include "shell.hpp"
#include "sources.hpp"
#include "supervision.hpp"

int main(int argc, char** argv) {
    using namespace admit::kiosk;
    auto parsed = app::parseOptions(argc, argv);
    if (!parsed) {
        std::cerr << parsed.error().message << "\n";
        return admit::exit_code::kUsage;
    }
    app::AppOptions options = std::move(parsed).value();
    if (options.help) {
        std::cout << app::usage();
        return admit::exit_code::kOk;
    }
    if (options.version) {
        std::cout << admit::versionLine("admit-kiosk") << "\n";
        return admit::exit_code::kOk;
    }
    app::Supervision supervision;  // systemd's watchdog and READY=1

    std::optional<app::DemoFolderGuard> demoGuard;
    std::optional<std::filesystem::path> demoFrames;
    KioskOptions kiosk;
    kiosk.database = {options.databasePath, options.keyFile};
    kiosk.gate = options.gate;
    kiosk.direction = options.direction;
    kiosk.eventId = options.eventId;
    kiosk.dashboardOnly = options.dashboard;
    kiosk.muted = options.muted;
    kiosk.camera = options.camera;
    kiosk.scannerDevice = options.scanner;
    kiosk.liveness = supervision.monitor();
    if (options.demo) {
        std::cerr << "admit-kiosk: preparing the demo event and video...\n";
        auto demo = app::prepareDemo(options.stateDir ? &*options.stateDir : nullptr);
        if (!demo) {
            std::cerr << "admit-kiosk: " << demo.error().message << "\n";
            return admit::exit_code::kFailure;
        }
        if (options.databasePath.empty()) kiosk.database = {demo->replica, demo->keyFile};
        demoFrames = demo->frames;
        // The demo starts on the set-up screen: its video opens with the event code.
        kiosk.selectSingleEvent = options.dashboard;
        demoGuard.emplace(*demo);
    }

    auto source = app::makeSource(options, demoFrames ? &*demoFrames : nullptr);
    // No file source: the camera from --camera or the settings, switchable at run time.
    kiosk.cameraFromSettings = !source && !options.dashboard;
    KioskCore core(kiosk);
    if (options.headless) {
        core.start(std::move(source));
        return app::runHeadless(core, supervision);
    }
    return app::runWindowed(core, options, std::move(source), supervision);
}
