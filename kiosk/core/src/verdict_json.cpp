#include "admit/kiosk/verdict_json.hpp"

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
    // Replace invalid UTF-8 (a scanned code can contain anything) instead of throwing.
    return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace admit::kiosk
