#include "admit/kiosk/verdict_json.hpp"

#include <chrono>

#include <nlohmann/json.hpp>

namespace admit::kiosk {

std::string verdictJsonLine(const ShownVerdict& verdict, const KioskState& state,
                            PersonalData personal) {
    nlohmann::json line{
        {"seq", verdict.sequence},
        {"kind", verdictKindName(verdict.kind)},
        {"accepted", verdict.accepted()},
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
        {"format", verdict.format},
        {"at_ms", verdict.atMs},
        {"gate", state.gate},
        {"event", state.event ? state.event->name : std::string()},
        {"pending_uploads", state.pendingUploads},
    };
    if (personal == PersonalData::kLeftOut) {
        line.erase("name");
        line.erase("note");
    }
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

std::string syncJsonLine(const SyncRoundOutcome& round, const KioskState& state) {
    nlohmann::json line{
        {"kind", "sync"},
        {"ok", round.ok},
        {"after_enrolment", round.afterEnrolment},
        {"uploaded", round.uploaded},
        {"downloaded", round.downloaded},
        {"roster_changed", round.rosterChanged},
        {"roster_version", round.rosterVersion},
        {"pending_uploads", round.pendingUploads},
        {"at_ms", round.atMs},
        {"server", state.sync.server},
        {"event", state.event ? state.event->name : std::string()},
    };
    if (!round.ok) {
        line["step"] = round.step;
        line["error_kind"] = round.errorKind;
        line["error"] = round.error;
    }
    return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string damagedJsonLine(const KioskState& state) {
    nlohmann::json line{
        {"kind", "damaged"},
        {"screen", screenName(state.screen)},
        {"error", state.damage ? state.damage->message : std::string()},
    };
    return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace admit::kiosk
