#include "headless.hpp"

#include <csignal>
#include <cstdio>
#include <iostream>

#include "admit/base/exit_code.hpp"
#include "admit/kiosk/verdict_json.hpp"

namespace admit::kiosk::app {
namespace {

volatile std::sig_atomic_t stopRequested = 0;

extern "C" void onSignal(int) { stopRequested = 1; }

}  // namespace

int runHeadless(KioskCore& core, Supervision& supervision) {
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    bool announced = false;
    const PersonalData personal = Supervision::personalDataOnStdout();
    while (stopRequested == 0) {
        core.waitForWork(std::chrono::milliseconds(200));
        bool done = core.finished();
        auto news = core.drain();
        if (!announced && core.state().ready) {
            std::cout << readyJsonLine(core.state()) << std::endl;
            announced = true;
        }
        supervision.onUiLoop(core.state());
        for (const auto& verdict : news.verdicts) {
            std::cout << verdictJsonLine(verdict, core.state(), personal) << std::endl;
        }
        for (const auto& round : news.syncRounds) {
            std::cout << syncJsonLine(round, core.state()) << std::endl;
        }
        if (core.state().screen == Screen::kFailed) {
            std::cerr << "admit-kiosk: " << core.state().failure << "\n";
            return exit_code::kFailure;
        }
        // Nobody can press "Re-sync" here: say what is wrong and stop (the windowed kiosk
        // offers the re-sync).
        if (core.state().screen == Screen::kDamaged) {
            std::cout << damagedJsonLine(core.state()) << std::endl;
            std::cerr << "admit-kiosk: " << core.state().damage->message << "\n";
            return exit_code::kFailure;
        }
        if (done) break;
    }
    return exit_code::kOk;
}

}  // namespace admit::kiosk::app
