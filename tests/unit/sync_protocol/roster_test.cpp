#include "admit/sync/protocol/roster.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "admit/organiser/event_admin.hpp"
#include "admit/organiser/event_editor.hpp"
#include "admit/organiser/ticket_admin.hpp"
#include "admit/rules/checkin_engine.hpp"
#include "admit/store/attendees.hpp"
#include "admit/store/operators.hpp"
#include "admit/store/store.hpp"
#include "pretix_vectors.hpp"
#include "temp_dir.hpp"

namespace admit::sync {
namespace {

using nlohmann::json;

class RosterTest : public ::testing::Test {
  protected:
    void SetUp() override {
        server = open("server.db");
        kiosk = open("kiosk.db");
        auto event = organiser::createEvent(
            *server, {"Fest", store::ReentryPolicy::kSingle, {"General", "VIP"}}, 1000);
        ASSERT_TRUE(event.ok());
        eventId = event->id;
        adaId = addAttendee("a", "Ada");
        auto issued = organiser::issueTicket(*server, eventId, adaId);
        ASSERT_TRUE(issued.ok());
        adaTicket = issued->text;
        ASSERT_TRUE(store::Operators(*server).set("olga", store::Role::kOrganiser, "4321").ok());
        ASSERT_TRUE(store::Operators(*server).allowAtEvent("olga", eventId).ok());
    }

    std::unique_ptr<SQLite::Database> open(const std::string& name) {
        auto opened = store::openPlainDatabase(dir.file(name), store::OpenMode::kCreate);
        EXPECT_TRUE(opened.ok());
        return std::make_unique<SQLite::Database>(std::move(*opened));
    }

    std::int64_t addAttendee(const std::string& key, const std::string& name) {
        store::Attendee a{
            0, eventId, key, name, key + "@x.org", 1, store::AttendeeStatus::kApproved, ""};
        store::Attendees(*server).upsert(a);
        return a.id;
    }

    RosterApplied download() {
        std::int64_t have = std::stoll(
            kiosk
                ->execAndGet(
                    "SELECT coalesce((SELECT value FROM meta WHERE key = 'sync.roster_version'), "
                    "'0')")
                .getString());
        auto body = rosterJson(*server, eventId, have);
        EXPECT_TRUE(body.ok()) << body.error().message;
        auto applied = applyRosterJson(*kiosk, eventId, *body);
        EXPECT_TRUE(applied.ok()) << applied.error().message;
        return applied.ok() ? *applied : RosterApplied{};
    }

    rules::ScanContext at(std::int64_t nowMs) {
        return {eventId, "Main", store::Direction::kEntry, "", nowMs};
    }

    admit::testing::TempDir dir;
    std::unique_ptr<SQLite::Database> server;
    std::unique_ptr<SQLite::Database> kiosk;
    std::string eventId;
    std::int64_t adaId = 0;
    std::string adaTicket;
};

TEST_F(RosterTest, AnEmptyKioskGetsEverythingItNeedsAndNoSecrets) {
    RosterApplied applied = download();
    EXPECT_TRUE(applied.changed);
    EXPECT_EQ(applied.attendees, 1);
    // event, key, 2 ticket types, attendee, ticket, operator
    EXPECT_EQ(applied.rowsWritten, 7);
    EXPECT_EQ(applied.version, rosterVersion(*server, eventId));
    EXPECT_EQ(
        kiosk->execAndGet("SELECT count(*) FROM event_keys WHERE secret_seed IS NOT NULL").getInt(),
        0);
    EXPECT_EQ(kiosk->execAndGet("SELECT count(*) FROM event_keys").getInt(), 1);
    EXPECT_EQ(kiosk->execAndGet("SELECT count(*) FROM ticket_types").getInt(), 2);
    EXPECT_FALSE(organiser::issueTicket(*kiosk, eventId, adaId).ok()) << "a kiosk cannot sign";
    auto olga = store::Operators(*kiosk).authenticate("olga", "4321", 2000);
    EXPECT_TRUE(olga.ok()) << "the PIN hash came along";

    rules::CheckInEngine engine(*kiosk);
    auto verdict = engine.scan(adaTicket, at(5000));
    ASSERT_TRUE(verdict.ok());
    EXPECT_TRUE(verdict->accepted);
    ASSERT_TRUE(verdict->attendee);
    EXPECT_EQ(verdict->attendee->name, "Ada");
}

// The roster's columns are the protocol's list, not whatever the schema holds: a column added to
// the organiser's schema is not sent (it was, with SELECT *, and the kiosk refused the roster).
TEST_F(RosterTest, AColumnAddedToTheSchemaIsNotSentUntilTheProtocolListsIt) {
    server->exec(
        "ALTER TABLE attendees ADD COLUMN desk_note TEXT NOT NULL DEFAULT 'kept-at-the-desk'");
    auto body = rosterJson(*server, eventId, 0);
    ASSERT_TRUE(body.ok()) << body.error().message;
    auto sent = json::parse(*body);
    EXPECT_EQ(sent["tables"]["attendees"]["columns"],
              json({"id", "event_id", "import_key", "name", "email", "ticket_type", "status",
                    "attention_note"}));
    EXPECT_EQ(body->find("kept-at-the-desk"), std::string::npos);
    auto applied = applyRosterJson(*kiosk, eventId, *body);
    ASSERT_TRUE(applied.ok()) << applied.error().message;
    EXPECT_EQ(applied->attendees, 1);
}

TEST_F(RosterTest, UnchangedUntilTheRosterChanges) {
    RosterApplied first = download();
    RosterApplied again = download();
    EXPECT_FALSE(again.changed);
    EXPECT_EQ(again.version, first.version);

    // A lock-out counter is local state, not roster.
    EXPECT_FALSE(store::Operators(*server).authenticate("olga", "0000", 3000).ok());
    EXPECT_EQ(rosterVersion(*server, eventId), first.version);

    addAttendee("b", "Bob");
    EXPECT_GT(rosterVersion(*server, eventId), first.version);
    RosterApplied withBob = download();
    EXPECT_TRUE(withBob.changed);
    EXPECT_EQ(withBob.attendees, 2);

    store::CodeLists(*server).add(store::CodeList::kRevoked, eventId,
                                  store::Attendees(*server).ticketsOf(adaId).at(0).ref, "refund",
                                  4000);
    RosterApplied revoked = download();
    EXPECT_TRUE(revoked.changed);
    EXPECT_EQ(revoked.rowsWritten, 1) << "only the new revocation is written";
    rules::CheckInEngine engine(*kiosk);
    auto verdict = engine.scan(adaTicket, at(5000));
    ASSERT_TRUE(verdict.ok());
    EXPECT_FALSE(verdict->accepted);
    EXPECT_EQ(verdict->denial, rules::Denial::kRevoked);
}

TEST_F(RosterTest, ReplacingTheRosterKeepsCheckInsAndLocalLockOuts) {
    download();
    rules::CheckInEngine engine(*kiosk);
    ASSERT_TRUE(engine.scan(adaTicket, at(5000))->accepted);
    EXPECT_FALSE(store::Operators(*kiosk).authenticate("olga", "0000", 6000).ok());
    std::int64_t failures =
        kiosk->execAndGet("SELECT failed_attempts FROM operators WHERE name = 'olga'").getInt64();
    ASSERT_EQ(failures, 1);

    addAttendee("b", "Bob");
    server->exec("UPDATE attendees SET attention_note = 'VIP guest' WHERE import_key = 'a'");
    RosterApplied changed = download();
    ASSERT_TRUE(changed.changed);
    EXPECT_EQ(changed.rowsWritten, 2) << "Bob is new and Ada's note changed";
    EXPECT_EQ(kiosk->execAndGet("SELECT attention_note FROM attendees WHERE import_key = 'a'")
                  .getString(),
              "VIP guest");
    EXPECT_EQ(kiosk->execAndGet("SELECT count(*) FROM checkins").getInt(), 1);
    EXPECT_EQ(kiosk->execAndGet("SELECT count(*) FROM outbox").getInt(), 1);
    EXPECT_EQ(
        kiosk->execAndGet("SELECT failed_attempts FROM operators WHERE name = 'olga'").getInt64(),
        failures);
    auto again = rules::CheckInEngine(*kiosk).scan(adaTicket, at(7000));
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->denial, rules::Denial::kAlreadyCheckedIn);
}

TEST_F(RosterTest, AMalformedRosterIsRefusedWholeAndNamesWhere) {
    download();
    addAttendee("b", "Bob");
    auto body = rosterJson(*server, eventId, 0);
    ASSERT_TRUE(body.ok());
    json good = json::parse(*body);

    json badStatus = good;
    badStatus["tables"]["attendees"]["rows"][1][6] = "vip";  // status
    auto refused = applyRosterJson(*kiosk, eventId, badStatus.dump());
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().message.find("roster table attendees row 2 is refused"),
              std::string::npos)
        << refused.error().message;
    EXPECT_EQ(kiosk->execAndGet("SELECT count(*) FROM attendees").getInt(), 1)
        << "the previous roster is kept";

    json missingColumn = good;
    missingColumn["tables"]["tickets"]["columns"].erase(1);
    refused = applyRosterJson(*kiosk, eventId, missingColumn.dump());
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().message.rfind("roster table tickets has columns", 0), 0u);

    json otherEvent = good;
    otherEvent["tables"]["tickets"]["rows"][0][0] = "0190a8c4-5e3b-7c2d-9f00-1a2b3c4d5e6f";
    refused = applyRosterJson(*kiosk, eventId, otherEvent.dump());
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().message,
              "roster table tickets row 1 column event_id is not this kiosk's event");

    json badBlob = good;
    badBlob["tables"]["event_keys"]["rows"][0][2] = json{{"hex", "zz"}};
    refused = applyRosterJson(*kiosk, eventId, badBlob.dump());
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().message,
              "roster table event_keys row 1 column public_key hex is not hexadecimal");

    json noTable = good;
    noTable["tables"].erase("operators");
    EXPECT_EQ(applyRosterJson(*kiosk, eventId, noTable.dump()).error().message,
              "the roster has no table operators");
    EXPECT_EQ(applyRosterJson(*kiosk, eventId, "{").error().message,
              "the roster is not a JSON object");
    EXPECT_EQ(kiosk->execAndGet("SELECT count(*) FROM attendees").getInt(), 1);
}

TEST_F(RosterTest, RemovedOperatorsAndAttendeesGoAway) {
    download();
    server->exec("DELETE FROM operators");
    server->exec("DELETE FROM tickets");
    server->exec("DELETE FROM attendees");
    ASSERT_TRUE(download().changed);
    EXPECT_EQ(kiosk->execAndGet("SELECT count(*) FROM operators").getInt(), 0);
    EXPECT_EQ(kiosk->execAndGet("SELECT count(*) FROM attendees").getInt(), 0);
}

TEST_F(RosterTest, UnknownEvent) {
    auto body = rosterJson(*server, "0190a8c4-5e3b-7c2d-9f00-1a2b3c4d5e6f", 0);
    ASSERT_FALSE(body.ok());
    EXPECT_EQ(body.error().message, "unknown event 0190a8c4-5e3b-7c2d-9f00-1a2b3c4d5e6f");
}

TEST_F(RosterTest, ARevocationAndItsReasonReachTheKioskVerdict) {
    download();
    const std::int64_t before = rosterVersion(*server, eventId);
    organiser::TicketAdmin admin(*server, eventId);
    auto revoked =
        admin.revoke({organiser::TicketSelector::By::kText, adaTicket}, "Refunded", {"olga", 5000});
    ASSERT_TRUE(revoked.ok()) << revoked.error().message;
    EXPECT_GT(rosterVersion(*server, eventId), before);
    RosterApplied applied = download();
    EXPECT_TRUE(applied.changed);
    auto verdict = rules::CheckInEngine(*kiosk).scan(adaTicket, at(6000));
    ASSERT_TRUE(verdict.ok());
    EXPECT_FALSE(verdict->accepted);
    EXPECT_EQ(verdict->denial, rules::Denial::kRevoked);
    EXPECT_EQ(verdict->detail, "Refunded");
}

TEST_F(RosterTest, TheEventsCheckInWindowReachesTheKiosk) {
    organiser::EventEditor editor(*server, eventId);
    organiser::EventChanges changes;
    changes.validUntil = std::optional<std::int64_t>(100);  // closed at 100 s
    changes.timeZone = "UTC";
    ASSERT_TRUE(editor.set(changes, {"olga", 5000}).ok());
    download();
    EXPECT_EQ(kiosk->execAndGet("SELECT valid_until FROM events").getInt64(), 100);
    auto verdict = rules::CheckInEngine(*kiosk).scan(adaTicket, at(200'000));
    ASSERT_TRUE(verdict.ok());
    EXPECT_EQ(verdict->denial, rules::Denial::kExpired) << verdict->detail;
}

TEST_F(RosterTest, PretixKeysAndItemTypesReachTheKioskAndLeaveIt) {
    const auto vectors = admit::testing::readPretixVectors();
    const std::string pretixTicket = vectors.at("tickets").at(1).at("text");  // valid_2, item 42
    organiser::EventEditor editor(*server, eventId);
    for (const auto& k : vectors.at("event_keys_pretix_sig1")) {
        ASSERT_TRUE(editor.addPretixKey(k.get<std::string>(), {"olga", 5000}).ok());
    }
    ASSERT_TRUE(editor.mapPretixItem(42, "VIP", {"olga", 5000}).ok());
    download();
    EXPECT_EQ(kiosk->execAndGet("SELECT count(*) FROM event_pretix_keys").getInt(), 2);
    auto verdict = rules::CheckInEngine(*kiosk).evaluate(pretixTicket, at(6000));
    ASSERT_TRUE(verdict.ok());
    EXPECT_TRUE(verdict->accepted) << verdict->detail;
    EXPECT_EQ(verdict->ticketTypeName, "VIP");

    for (const auto& k : vectors.at("event_keys_pretix_sig1")) {
        ASSERT_TRUE(editor.removePretixKey(k.get<std::string>(), {"olga", 7000}).ok());
    }
    ASSERT_TRUE(
        editor.addPretixKey(vectors.at("other_event_keys_pretix_sig1").at(0), {"olga", 7000}).ok());
    download();
    EXPECT_EQ(kiosk->execAndGet("SELECT count(*) FROM event_pretix_keys").getInt(), 1);
    auto refused = rules::CheckInEngine(*kiosk).evaluate(pretixTicket, at(8000));
    ASSERT_TRUE(refused.ok());
    EXPECT_EQ(refused->denial, rules::Denial::kBadSignature) << refused->detail;
}

}  // namespace
}  // namespace admit::sync
