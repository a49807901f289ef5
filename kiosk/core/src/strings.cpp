#include "admit/kiosk/strings.hpp"

#include <array>
#include <ctime>

namespace admit::kiosk::text {

std::string clockTime(std::int64_t unixMs) {
    std::time_t t = static_cast<std::time_t>(unixMs / 1000);
    std::tm tm{};
    localtime_r(&t, &tm);
    std::array<char, 16> out{};
    std::strftime(out.data(), out.size(), "%H:%M", &tm);
    return out.data();
}

std::string denialReason(const rules::Verdict& verdict) {
    using rules::Denial;
    if (!verdict.denial) return {};
    switch (*verdict.denial) {
        case Denial::kMalformed:
            return "This code is not a ticket we can read";
        case Denial::kEventSetupCode:
            return "This is an event set-up code, not a ticket";
        case Denial::kBadSignature:
            return "This ticket is forged or damaged";
        case Denial::kUnknownKey:
            return "This ticket was signed with an unknown key";
        case Denial::kOtherEvent:
            return "This ticket is for a different event";
        case Denial::kNotYetValid:
            return "This ticket is not valid yet";
        case Denial::kExpired:
            return "This ticket has expired";
        case Denial::kRevoked:
            return "This ticket was cancelled by the organiser";
        case Denial::kBlocked:
            return "This ticket is blocked";
        case Denial::kCancelled:
            return "This booking was cancelled";
        case Denial::kPendingApproval:
            return "This booking is still waiting for approval";
        case Denial::kRejected:
            return "This booking was not approved";
        case Denial::kUnknownTicket:
            return "This code is not on the guest list";
        case Denial::kTypeNotAllowedAtGate:
            return "This ticket type may not use this gate";
        case Denial::kAlreadyCheckedIn:
            if (verdict.previous) {
                return "Already checked in at " + clockTime(verdict.previous->wallTimeMs) +
                       ", Gate " + verdict.previous->gate;
            }
            return "Already checked in";
        case Denial::kNotCheckedIn:
            return "This ticket is not checked in, so it cannot exit";
    }
    return "Not admitted";
}

std::string setupDone(const std::string& eventName) {
    return "This kiosk now checks tickets for " + eventName;
}
std::string alreadySetUp(const std::string& eventName) {
    return "This kiosk is already set up for " + eventName;
}
std::string switchNeedsOrganiser(const std::string& eventName) {
    return "Switching to " + eventName + " needs an organiser PIN";
}
std::string scanEventCodeFirst() { return "Scan the event code first to set this kiosk up"; }
std::string storageFailure() {
    return "The check-in could not be saved (storage problem). Nothing was recorded.";
}
std::string onlineSetupUnsupported() {
    return "This is an online enrolment code; this kiosk needs the offline event code";
}
std::string notASetupCode() { return "This event code is damaged or not for this version"; }
std::string lockedOut(std::int64_t retryAfterMs) {
    return "Too many wrong PINs: try again in " + std::to_string((retryAfterMs + 999) / 1000) +
           " s";
}
std::string undone(const std::string& who) { return "Check-in undone: " + who; }
std::string nothingToUndo() { return "There is no check-in on this kiosk to undo"; }
std::string lastSyncAge(std::int64_t ageMs) {
    std::int64_t minutes = ageMs / 60'000;
    if (minutes < 1) return "synced just now";
    if (minutes < 120) return "synced " + std::to_string(minutes) + " min ago";
    return "synced " + std::to_string(minutes / 60) + " h ago";
}
std::string cannotOpenDatabase() { return "The kiosk database cannot be opened"; }
std::string dashboardOnlyNoEvent() { return "No event in this database"; }
std::string gateNameTooLong(std::size_t maxLength) {
    return "The gate name can be at most " + std::to_string(maxLength) + " characters long";
}
std::string settingNotSaved() {
    return "This setting could not be saved: it applies until the kiosk restarts";
}

}  // namespace admit::kiosk::text
