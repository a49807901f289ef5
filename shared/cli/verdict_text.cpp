#include "verdict_text.hpp"

#include <array>
#include <ctime>

namespace admit::cli {
namespace {

std::string localTime(std::int64_t unixMs) {
    std::time_t t = static_cast<std::time_t>(unixMs / 1000);
    std::tm tm{};
    localtime_r(&t, &tm);
    std::array<char, 32> out{};
    std::strftime(out.data(), out.size(), "%Y-%m-%d %H:%M", &tm);
    return out.data();
}

}  // namespace

std::string verdictText(const rules::Verdict& v) {
    std::string who = v.attendee ? v.attendee->name : "ticket " + v.ticketRef;
    if (v.accepted) {
        std::string text = "ACCEPTED " + std::string(store::directionName(v.direction)) + ": " +
                           who + " (" + v.ticketTypeName + ")";
        if (v.needsAttention()) text += "\nATTENTION: " + v.attentionNote;
        return text;
    }
    std::string text = "DENIED: " + std::string(rules::denialCode(*v.denial));
    if (v.previous) {
        text += " at " + localTime(v.previous->wallTimeMs) + ", gate " + v.previous->gate +
                ", device " + v.previous->deviceId;
    }
    if (!v.detail.empty()) text += " (" + v.detail + ")";
    if (!v.ticketRef.empty()) text += "\n  " + who;
    return text;
}

nlohmann::json verdictJson(const rules::Verdict& v) {
    nlohmann::json j{{"accepted", v.accepted},
                     {"direction", store::directionName(v.direction)},
                     {"ticket", v.ticketRef},
                     {"ticket_type", v.ticketTypeName}};
    if (v.denial) j["reason"] = rules::denialCode(*v.denial);
    if (!v.detail.empty()) j["detail"] = v.detail;
    if (v.attendee) j["name"] = v.attendee->name;
    if (v.needsAttention()) j["attention"] = v.attentionNote;
    if (v.checkIn) j["checkin_id"] = v.checkIn->id;
    if (v.previous) {
        j["previous"] = {{"wall_time", v.previous->wallTimeMs},
                         {"gate", v.previous->gate},
                         {"device", v.previous->deviceId}};
    }
    return j;
}

}  // namespace admit::cli
