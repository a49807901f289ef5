#include "supervision.hpp"

#include "admit/kiosk/journal_stream.hpp"

#include <chrono>
#include <string>

namespace admit::kiosk::app {
namespace {

// The UI loop sleeps at most 0.5 s between frames (0.2 s headless); a frame that rebuilds the
// fonts or writes a 4K screenshot takes well under a second.
constexpr std::chrono::seconds kUiLoopLimit{10};

// A notification is lines of KEY=VALUE: an event name must not start a line of its own.
std::string oneLine(std::string text) {
    for (char& c : text) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
    }
    return text;
}

}  // namespace

Supervision::Supervision() : monitor_(std::make_shared<LivenessMonitor>()) {
    if (auto every = service::watchdogPingInterval(service::readWatchdogEnvironment())) {
        pinger_.emplace(monitor_, service::notifyServiceManager, *every);
        pinger_->start();
    }
}

Supervision::~Supervision() {
    if (pinger_) pinger_->stop();
    service::notifyServiceManager("STOPPING=1");
}

void Supervision::onUiLoop(const KioskState& state) {
    if (!ui_) ui_ = monitor_->watch("UI loop", kUiLoopLimit);
    ui_->beat();
    if (readySent_ || !state.ready) return;
    readySent_ = true;
    std::string status = "Ready: " + std::string(screenName(state.screen));
    if (state.event) status += ", " + state.event->name;
    service::notifyServiceManager("READY=1\nSTATUS=" + oneLine(status));
}

PersonalData Supervision::personalDataOnStdout() {
    return stdoutIsTheJournal() ? PersonalData::kLeftOut : PersonalData::kIncluded;
}

}  // namespace admit::kiosk::app
