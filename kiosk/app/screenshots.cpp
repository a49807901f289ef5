#include "screenshots.hpp"

#define GLFW_INCLUDE_NONE
#include <GL/gl.h>

#include <fstream>
#include <iostream>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "admit/kiosk/strings.hpp"
#include "admit/kiosk/sync_status.hpp"

namespace admit::kiosk::app {

std::string viewKey(const KioskState& state, const ui::UiContext& ui) {
    std::string key(screenName(state.screen));
    if (state.screen == Screen::kVerdict && state.verdict) {
        key += "-" + std::string(verdictKindName(state.verdict->kind)) + "-" + state.verdict->code;
    }
    if (state.screen == Screen::kSearch) {
        if (ui.confirm) {
            key += "-confirm";
        } else if (!state.searchResults.empty()) {
            key += "-results";
            if (ui.searchKeysHidden) key += "-nokeys";
            // A person the rules would refuse for a reason their state does not tell.
            if (state.searchResults.size() == 1 &&
                text::showsRefusal(state.searchResults.front())) {
                key += "-refused";
            }
        }
        if (state.direction == store::Direction::kExit) key += "-exit";
    }
    if (state.screen == Screen::kSettings && ui.editingGate) key += "-gate";
    // An enrolled kiosk's settings say how it reaches its server.
    if (state.screen == Screen::kSettings && !ui.editingGate) {
        switch (state.sync.connection) {
            case ServerConnection::kNone:
                break;
            case ServerConnection::kUnencrypted:
                key += "-unencrypted";
                break;
            case ServerConnection::kEncrypted:
                key += "-encrypted";
                break;
            case ServerConnection::kEncryptedPinned:
                key += "-pinned";
                break;
        }
    }
    // An enrolled kiosk's scanning screen, online and offline (the status bar differs).
    if (state.screen == Screen::kScanning && state.sync.enrolled && state.sync.activity.empty()) {
        key += describeSync(state.sync, ui.nowMs).online ? "-synced" : "-offline";
    }
    if (state.screen == Screen::kScanning && state.scanner) {
        key += state.scanner->connected ? "-scanner" : "-scanner-disconnected";
    }
    if (state.screen == Screen::kSetup && !state.resyncedFrom.empty()) key += "-resynced";
    if (state.screen == Screen::kDashboard && !state.stats) key += "-loading";
    if (state.screen == Screen::kDashboard && state.dashboardOnly) key += "-readonly";
    return key;
}

void Screenshots::consider(const std::string& key, int width, int height, const KioskState& state) {
    if (!dir_) return;
    if (key != lastKey_) {
        lastKey_ = key;
        renders_ = 0;
    }
    if (++renders_ != 2 || taken(key)) return;
    cv::Mat rgba(height, width, CV_8UC4);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadBuffer(GL_BACK);
    glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data);
    cv::Mat flipped, bgr;
    cv::flip(rgba, flipped, 0);
    cv::cvtColor(flipped, bgr, cv::COLOR_RGBA2BGR);
    std::string size = std::to_string(width) + "x" + std::to_string(height);
    std::filesystem::create_directories(*dir_);
    auto file = *dir_ / (key + "-" + size + ".png");
    if (!cv::imwrite(file.string(), bgr)) {
        std::cerr << "admit-kiosk: cannot write " << file << "\n";
        return;
    }
    taken_[key] = true;
    nlohmann::json line{{"file", file.filename().string()},
                        {"screen", screenName(state.screen)},
                        {"width", width},
                        {"height", height},
                        {"gate", state.gate},
                        {"direction", store::directionName(state.direction)}};
    if (state.screen == Screen::kSearch) line["query"] = state.searchQuery;
    if (state.screen == Screen::kVerdict && state.verdict) {
        line["kind"] = verdictKindName(state.verdict->kind);
        line["headline"] = state.verdict->headline;
        line["name"] = state.verdict->name;
        line["reason"] = state.verdict->reason;
    }
    std::ofstream(*dir_ / ("shown-" + size + ".jsonl"), std::ios::app) << line.dump() << "\n";
}

}  // namespace admit::kiosk::app
