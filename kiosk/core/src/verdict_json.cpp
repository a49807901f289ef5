#include "admit/kiosk/verdict_json.hpp"

#include <chrono>

#include <nlohmann/json.hpp>

namespace admit::kiosk {

std::string verdictJsonLine(const ShownVerdict& verdict, const KioskState& state) {
    nlohmann::json line{
        {"seq", verdict.sequence},
        {"kind", verdictKindName(verdict.kind)},
        {"accepted", verdict.accepted},
        {"code", verdict.code},
        {"headline", verdict.headline},
        {"reason", verdict.reason},
        {"name", verdict.name},
        {"ticket_type", verdict.ticketType},
        {"note", verdict.note},
        {"detail", verdict.detail},
        {"ticket_ref", verdict.ticketRef},
        {"direction", store::directionName(verdict.direction)},
        {"via", verdict.via},
        {"at_ms", verdict.atMs},
        {"gate", state.gate},
        {"event", state.event ? state.event->name : std::string()},
        {"pending_uploads", state.pendingUploads},
    };
    if (verdict.frameCaptured) {
        line["frame_to_verdict_us"] = std::chrono::duration_cast<std::chrono::microseconds>(
                                          verdict.decidedAt - *verdict.frameCaptured)
                                          .count();
        line["read_us"] = verdict.readDuration.count();
    }
    // Replace invalid UTF-8 (a scanned code can contain anything) instead of throwing.
    return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string readyJsonLine(const KioskState& state) {
    nlohmann::json line{
        {"kind", "ready"},
        {"screen", screenName(state.screen)},
        {"event", state.event ? state.event->name : std::string()},
        {"gate", state.gate},
        {"source", state.cameraDescription},
    };
    return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace admit::kiosk
