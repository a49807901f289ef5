#include "admit/kiosk/strings.hpp"

#include <algorithm>
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

namespace {

std::string withReason(const std::string& reason) { return reason.empty() ? "" : ": " + reason; }

}  // namespace

bool showsRefusal(const SearchRow& row) {
    using rules::Denial;
    if (!row.refusal || !row.refusal->denial) return false;
    // Refusals the person's status or presence already says ("Booking cancelled", "Inside
    // since") are not repeated.
    switch (*row.refusal->denial) {
        case Denial::kCancelled:
        case Denial::kPendingApproval:
        case Denial::kRejected:
        case Denial::kAlreadyCheckedIn:
        case Denial::kNotCheckedIn:
            return false;
        default:
            return true;
    }
}

SearchState searchState(const SearchRow& hit, const std::string& entryDevice) {
    SearchState out;
    if (!hit.attendee.attentionNote.empty()) out.note = "Note: " + hit.attendee.attentionNote;
    // Any other refusal (a withdrawn code, a gate the ticket type may not use, the event's
    // window) is why there is no button: say it instead.
    if (showsRefusal(hit)) {
        return {denialReason(*hit.refusal), SearchTone::kRefused, out.note};
    }
    const store::AttendeePresence& p = hit.presence;
    switch (hit.attendee.status) {
        case store::AttendeeStatus::kCancelled:
            return {"Booking cancelled", SearchTone::kRefused, out.note};
        case store::AttendeeStatus::kRejected:
            return {"Booking not approved", SearchTone::kRefused, out.note};
        case store::AttendeeStatus::kPending:
            out.text = "Waiting for approval";
            out.tone = SearchTone::kCaution;
            break;
        case store::AttendeeStatus::kApproved:
            out.text = "Not checked in yet";
            break;
    }
    if (!p.lastEntry) return out;
    std::string where = "Gate " + p.lastEntry->gate;
    if (!entryDevice.empty()) where += ", " + entryDevice;
    if (p.inside) {
        out.text = "Inside since " + clockTime(p.lastEntry->wallTimeMs) + " - " + where;
        out.tone = SearchTone::kAlreadyIn;
    } else if (p.lastExit) {
        out.text = "Left at " + clockTime(p.lastExit->wallTimeMs) + " - came in " +
                   clockTime(p.lastEntry->wallTimeMs) + ", " + where;
    }
    return out;
}

const char* searchActionLabel(SearchAction action) {
    switch (action) {
        case SearchAction::kCheckIn:
            return kCheckIn;
        case SearchAction::kMarkExit:
            return kMarkExit;
        case SearchAction::kNone:
            return nullptr;
    }
    return nullptr;
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
        // The organiser's reason ("Refunded", "Reported stolen") travels in the roster.
        case Denial::kRevoked:
            return "This ticket was cancelled by the organiser" + withReason(verdict.detail);
        case Denial::kBlocked:
            return "This ticket is blocked" + withReason(verdict.detail);
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
        case Denial::kNotValidToday: {
            std::string days;
            for (const std::string& day : verdict.validDays) {
                days += (days.empty() ? "" : ", ") + day;
            }
            return days.empty() ? "Not valid today" : "Not valid today (valid " + days + ")";
        }
        case Denial::kAlreadyEnteredToday:
            // The time is the event's (its time zone), as the engine counted the day.
            if (verdict.previous) {
                return "Already entered today at " + verdict.previousTimeOfDay + ", Gate " +
                       verdict.previous->gate;
            }
            return "Already entered today";
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

std::string scannerLineRefused(const std::string& why) {
    return "The scanner sent " + why + ": not a code, ignored";
}
std::string storageFailure() {
    return "The check-in could not be saved (storage problem). Nothing was recorded.";
}
std::string noSyncClient() {
    return "This kiosk was built without sync: scan the offline event code instead";
}
std::string notASetupCode() { return "This event code is damaged or not for this version"; }
std::string lockedOut(std::int64_t retryAfterMs) {
    return "Too many wrong PINs: try again in " + std::to_string((retryAfterMs + 999) / 1000) +
           " s";
}
std::string undone(const std::string& who) { return "Check-in undone: " + who; }
std::string nothingToUndo() { return "There is no check-in on this kiosk to undo"; }
std::string undoFailed(const std::string& why) {
    return "Nothing was undone (storage problem): " + why;
}
std::string syncedAgo(std::int64_t ageMs) {
    std::int64_t minutes = std::max<std::int64_t>(ageMs, 0) / 60'000;
    if (minutes < 1) return "Synced just now";
    if (minutes < 120) return "Synced " + std::to_string(minutes) + " min ago";
    if (minutes < 48 * 60) return "Synced " + std::to_string(minutes / 60) + " h ago";
    return "Synced " + std::to_string(minutes / (24 * 60)) + " days ago";
}
std::string offlineLastSync(std::int64_t lastMs, std::int64_t nowMs) {
    // The time alone on the same day, else the date too.
    auto day = [](std::int64_t ms) {
        std::time_t t = static_cast<std::time_t>(ms / 1000);
        std::tm tm{};
        localtime_r(&t, &tm);
        return std::array<int, 2>{tm.tm_year, tm.tm_yday};
    };
    std::string when = clockTime(lastMs);
    if (day(lastMs) != day(nowMs)) {
        std::time_t t = static_cast<std::time_t>(lastMs / 1000);
        std::tm tm{};
        localtime_r(&t, &tm);
        std::array<char, 16> date{};
        std::strftime(date.data(), date.size(), "%e %b", &tm);
        std::string d = date.data();
        if (!d.empty() && d.front() == ' ') d.erase(0, 1);
        when = d + " " + when;
    }
    return "Offline - last sync " + when;
}
std::string connectingTo(const std::string& server) { return "Connecting to " + server + "..."; }
std::string eventAtServer(const std::string& server) { return "the event at " + server; }
std::string enrolUnreachable(const std::string& server) {
    return "Cannot reach the server " + server +
           ". Check the network, then scan the event code again.";
}
std::string enrolRefused() {
    return "This event code was already used or has expired. Ask the organiser for a new one.";
}
std::string enrolFailed(const std::string& server, const std::string& why) {
    return "The server " + server + " did not accept this kiosk: " + why;
}
std::string wrongServerKey(const std::string& server) {
    return "The server " + server +
           " is not the one in the event code (its key is different). Nothing was sent to it. "
           "Tell the organiser.";
}
std::string certificateRefused(const std::string& server) {
    return "The server " + server +
           " has a certificate this kiosk cannot trust. Nothing was sent to it. Tell the "
           "organiser.";
}
std::string enrolledWithoutRoster(const std::string& eventName, const std::string& why) {
    return "Connected to " + eventName + ", but the guest list could not be downloaded yet (" +
           why + "). The kiosk keeps trying.";
}
std::string enrolledLocalFailure(const std::string& why) {
    return "The server accepted this kiosk, but it could not store that: " + why;
}
std::string damagedExplanation() {
    return "It may hold check-ins that are not uploaded yet, so it is not deleted: Re-sync "
           "moves it aside and starts a new, empty one. Then scan the event code again: an "
           "online event code downloads the guest list and every check-in from the server.";
}
std::string resyncDone(const std::string& keptAs) {
    return "The damaged file was kept as " + keptAs + ". Scan the event code again.";
}
std::string resyncFailed(const std::string& why) {
    return "The damaged file could not be moved aside: " + why;
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
