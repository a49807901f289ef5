#include "admit/demo/demo_event.hpp"

#include <array>
#include <system_error>
#include <tuple>

#include "admit/kiosk/kiosk_database.hpp"
#include "admit/organiser/event_admin.hpp"
#include "admit/replica/replica_key.hpp"
#include "admit/store/attendees.hpp"
#include "admit/store/operators.hpp"
#include "admit/store/store.hpp"

namespace admit::kiosk {
namespace {

constexpr std::array<const char*, 36> kNames = {
    "Amelia Hughes",   "Oliver Bennett", "Priya Sharma",   "Mateo Garcia",  "Chloe Dubois",
    "Kwame Mensah",    "Hannah Schmidt", "Liam O'Connor",  "Sofia Rossi",   "Noah Williams",
    "Aiko Tanaka",     "Lucas Martin",   "Fatima Haddad",  "Ethan Clarke",  "Isabella Costa",
    "Jonas Lindqvist", "Grace Okafor",   "Samuel Levi",    "Mia Kowalski",  "Daniel Nguyen",
    "Zara Ahmed",      "Thomas Moreau",  "Eva Novak",      "Arjun Patel",   "Lena Fischer",
    "Oscar Jensen",    "Nadia Petrova",  "Ruben de Vries", "Yasmin Farouk", "Leo Andersson",
    "Clara Jimenez",   "Felix Wagner",   "Maya Cohen",     "Hugo Laurent",  "Ines Almeida",
    "Tariq Rahman"};

std::string emailOf(const std::string& name) {
    std::string email;
    for (char c : name) {
        if (c == ' ') {
            email += '.';
        } else if (c != '\'') {
            email += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        }
    }
    return email + "@example.org";
}

Result<DemoTicket> addAttendee(SQLite::Database& db, const std::string& eventId,
                               const std::string& key, const std::string& name, std::uint16_t type,
                               const std::string& note,
                               store::AttendeeStatus status = store::AttendeeStatus::kApproved) {
    store::Attendee a;
    a.status = status;
    a.eventId = eventId;
    a.importKey = key;
    a.name = name;
    a.email = emailOf(name);
    a.ticketType = type;
    a.attentionNote = note;
    store::Attendees(db).upsert(a);
    auto issued = organiser::issueTicket(db, eventId, a.id);
    if (!issued) return fail(issued.error());
    return DemoTicket{a.id, a.name, issued->ticketRef, issued->text};
}

}  // namespace

Result<DemoEvent> createDemoEvent(SQLite::Database& db, std::int64_t nowMs) {
    DemoEvent demo;
    auto event = organiser::createEvent(
        db, {"Harbour Lights Festival", store::ReentryPolicy::kSingle, {"General", "VIP", "Crew"}},
        nowMs);
    if (!event) return fail(event.error());
    demo.eventId = event->id;
    demo.eventName = event->name;
    try {
        for (std::size_t i = 0; i < kNames.size(); ++i) {
            auto type = static_cast<std::uint16_t>(i % 7 == 3 ? 2 : (i % 11 == 5 ? 3 : 1));
            std::string note = i == 1 ? "Wheelchair user: offer the step-free route" : "";
            auto ticket = addAttendee(db, demo.eventId, "demo-" + std::to_string(i + 1), kNames[i],
                                      type, note);
            if (!ticket) return fail(ticket.error());
            demo.tickets.push_back(*ticket);
        }
        // Bookings that do not admit, for the search's states (not expected: not approved).
        for (auto [key, name, status, note] :
             {std::tuple{"demo-pending", "Olivia Grant", store::AttendeeStatus::kPending, ""},
              std::tuple{"demo-cancelled", "Carolina Díaz", store::AttendeeStatus::kCancelled,
                         "Refunded: booked twice"}}) {
            auto ticket = addAttendee(db, demo.eventId, key, name, 1, note, status);
            if (!ticket) return fail(ticket.error());
        }
        demo.attention = demo.tickets[1];
        demo.revoked = demo.tickets[5];
        store::CodeLists(db).add(store::CodeList::kRevoked, demo.eventId, demo.revoked.ticketRef,
                                 "Refunded", nowMs);
        store::Operators operators(db);
        if (auto s = operators.set(kDemoOrganiser, store::Role::kOrganiser, kDemoOrganiserPin);
            !s) {
            return fail(s.error());
        }
        if (auto s = operators.set(kDemoVolunteer, store::Role::kVolunteer, kDemoVolunteerPin);
            !s) {
            return fail(s.error());
        }
        // Operators serve the events they are listed for; a replica carries only those.
        for (const char* name : {kDemoOrganiser, kDemoVolunteer}) {
            if (auto s = operators.allowAtEvent(name, demo.eventId); !s) return fail(s.error());
        }

        auto other = organiser::createEvent(db, {"Riverside Jazz Night"}, nowMs);
        if (!other) return fail(other.error());
        auto stranger = addAttendee(db, other->id, "jazz-1", "Robin Stranger", 1, "");
        if (!stranger) return fail(stranger.error());
        demo.otherEventTicket = stranger->text;
    } catch (const SQLite::Exception& e) {
        return fail(std::string("cannot create the demo event: ") + e.what());
    }
    auto setup = organiser::offlineSetupCode(db, demo.eventId);
    if (!setup) return fail(setup.error());
    demo.setupCode = *setup;
    demo.foreignCode = "https://example.org/menu";
    return demo;
}

Result<DemoProvision> provisionDemo(const std::filesystem::path& folder, std::int64_t nowMs) {
    DemoProvision out;
    out.organiserDatabase = folder / "demo-organiser.db";
    out.replica = folder / "demo-kiosk.replica";
    out.keyFile = folder / "demo-kiosk.key";
    std::error_code error;
    std::filesystem::create_directories(folder, error);
    if (error) return fail("cannot create " + folder.string() + ": " + error.message());
    for (const auto& base : {out.organiserDatabase, out.replica}) {
        for (const char* suffix : {"", "-wal", "-shm"}) {
            std::filesystem::remove(base.string() + suffix, error);
        }
    }
    std::filesystem::remove(out.keyFile, error);

    auto organiserDb =
        store::openPlainDatabase(out.organiserDatabase.string(), store::OpenMode::kCreate);
    if (!organiserDb) return fail(organiserDb.error());
    auto event = createDemoEvent(*organiserDb, nowMs);
    if (!event) return fail(event.error());
    out.event = *event;

    if (auto written = replica::writeKeyFile(out.keyFile, replica::ReplicaKey::generate());
        !written) {
        return fail(written.error().message);
    }
    auto replicaDb = openKioskDatabase({out.replica, out.keyFile});
    if (!replicaDb) return fail(replicaDb.error().message);
    if (auto exported = organiser::exportReplica(*organiserDb, out.event.eventId, *replicaDb);
        !exported) {
        return fail(exported.error());
    }
    return out;
}

}  // namespace admit::kiosk
