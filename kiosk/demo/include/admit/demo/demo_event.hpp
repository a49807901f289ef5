#pragma once
// The built-in demo: an organiser database with an event (organiser::createEvent), a few dozen
// attendees with issued tickets, and the kiosk's encrypted replica exported from it; plus the
// codes the demo video holds up (valid, attention, revoked, other event, not a ticket).

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "admit/base/result.hpp"

namespace admit::kiosk {

// The demo's operator PINs. They are demo data, documented in docs/kiosk.md, not secrets.
inline constexpr const char* kDemoOrganiser = "Sam Organiser";
inline constexpr const char* kDemoOrganiserPin = "2468";
inline constexpr const char* kDemoVolunteer = "Vic Volunteer";
inline constexpr const char* kDemoVolunteerPin = "1357";

struct DemoTicket {
    std::int64_t attendeeId = 0;
    std::string name;
    std::string ticketRef;
    std::string text;  // what the QR code holds
};

struct DemoEvent {
    std::string eventId;
    std::string eventName;
    std::string setupCode;            // the offline event code ("AE1:...")
    std::vector<DemoTicket> tickets;  // every issued ticket, valid unless listed below
    DemoTicket attention;             // valid, with an attention note
    DemoTicket revoked;               // issued, then revoked by the organiser
    std::string otherEventTicket;     // validly signed, for another event
    std::string foreignCode;          // a QR code that is no ticket (a URL)
};

// Creates the demo event in the organiser database `db` (migrated). Names are fixed; keys random.
Result<DemoEvent> createDemoEvent(SQLite::Database& db, std::int64_t nowMs);

struct DemoProvision {
    std::filesystem::path organiserDatabase;  // plain, holds the signing key
    std::filesystem::path replica;            // the kiosk's encrypted replica
    std::filesystem::path keyFile;            // its key (mode 0600)
    DemoEvent event;
};

// Into `folder` (created; earlier demo files there are replaced): the organiser database with the
// demo event, a new replica key and the replica exported for the kiosk.
Result<DemoProvision> provisionDemo(const std::filesystem::path& folder, std::int64_t nowMs);

}  // namespace admit::kiosk
