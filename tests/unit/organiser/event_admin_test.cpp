#include "admit/organiser/event_admin.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "admit/rules/checkin_engine.hpp"
#include "admit/store/attendees.hpp"
#include "admit/store/audit_log.hpp"
#include "admit/store/events.hpp"
#include "admit/store/store.hpp"
#include "admit/ticket/event_setup.hpp"
#include "temp_dir.hpp"

namespace admit::organiser {
namespace {

class EventAdminTest : public ::testing::Test {
  protected:
    void SetUp() override {
        auto opened = store::openPlainDatabase(dir.file("org.db"), store::OpenMode::kCreate);
        ASSERT_TRUE(opened.ok());
        db = std::make_unique<SQLite::Database>(std::move(*opened));
        auto event = createEvent(*db, {"Fest", store::ReentryPolicy::kSingle, {"General"}}, 1000);
        ASSERT_TRUE(event.ok());
        eventId = event->id;
        store::Attendee ada{
            0, eventId, "a", "Ada", "ada@x.org", 1, store::AttendeeStatus::kApproved, ""};
        store::Attendees(*db).upsert(ada);
        adaId = ada.id;
    }
    admit::testing::TempDir dir;
    std::unique_ptr<SQLite::Database> db;
    std::string eventId;
    std::int64_t adaId = 0;
};

TEST_F(EventAdminTest, CreateEventValidates) {
    EXPECT_EQ(createEvent(*db, {""}, 0).error().message, "the event name is empty");
    EXPECT_EQ(createEvent(*db, {"X", store::ReentryPolicy::kSingle, {}}, 0).error().message,
              "an event needs at least one ticket type");
}

TEST_F(EventAdminTest, CreatingAnEventIsAnAuditEntryWithTheOrganisersName) {
    auto created = createEvent(*db, {"Gala", store::ReentryPolicy::kSingle, {"Seat", "Box"}}, 2000,
                               Actor{"olga", 2000});
    ASSERT_TRUE(created.ok());
    auto entries = store::AuditLog(*db).latest(10);
    ASSERT_FALSE(entries.empty());
    const auto& newest = entries.front().entry;
    EXPECT_EQ(newest.action, "event.created");
    EXPECT_EQ(newest.operatorName, "olga");
    EXPECT_EQ(newest.subject, created->id);
    auto detail = nlohmann::json::parse(newest.detail);
    EXPECT_EQ(detail["event_id"], created->id);
    EXPECT_EQ(detail["name"], "Gala");
    EXPECT_EQ(detail["ticket_types"], nlohmann::json::array({"Seat", "Box"}));
}

TEST_F(EventAdminTest, IssuingTwiceGivesTheSameTicket) {
    auto first = issueTicket(*db, eventId, adaId);
    auto second = issueTicket(*db, eventId, adaId);
    ASSERT_TRUE(first.ok() && second.ok());
    EXPECT_EQ(first->text, second->text);
    EXPECT_EQ(store::Attendees(*db).ticketsOf(adaId).size(), 1u);
    EXPECT_EQ(first->text.rfind("AT1:", 0), 0u);
}

TEST_F(EventAdminTest, SetupCodesDecode) {
    auto offline = offlineSetupCode(*db, eventId);
    ASSERT_TRUE(offline.ok());
    auto decoded = ticket::decodeEventSetup(*offline);
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(std::get<ticket::OfflineSetup>(*decoded).eventName, "Fest");
    auto online = onlineSetupCode(*db, eventId, "http://127.0.0.1:8080", "0123456789abcdef0123");
    ASSERT_TRUE(online.ok()) << online.error().message;
    auto bad = onlineSetupCode(*db, eventId, "ftp://x", "0123456789abcdef0123");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().message.find("0123456789abcdef0123"), std::string::npos);
}

TEST_F(EventAdminTest, ExportedReplicaHasNoSecretsAndChecksTicketsIn) {
    auto issued = issueTicket(*db, eventId, adaId);
    ASSERT_TRUE(issued.ok());
    auto replica = store::openPlainDatabase(dir.file("kiosk.db"), store::OpenMode::kCreate);
    ASSERT_TRUE(replica.ok());
    ASSERT_TRUE(exportReplica(*db, eventId, *replica).ok());
    EXPECT_EQ(replica->execAndGet("SELECT count(*) FROM event_keys WHERE secret_seed IS NOT NULL")
                  .getInt(),
              0);
    EXPECT_FALSE(issueTicket(*replica, eventId, adaId).ok()) << "a replica cannot sign";
    rules::CheckInEngine engine(*replica);
    auto verdict = engine.scan(issued->text, {eventId, "Main", store::Direction::kEntry, "", 5000});
    ASSERT_TRUE(verdict.ok());
    EXPECT_TRUE(verdict->accepted);
    EXPECT_EQ(verdict->attendee->name, "Ada");
    EXPECT_FALSE(exportReplica(*db, eventId, *replica).ok()) << "refuses a non-empty replica";
}

TEST_F(EventAdminTest, ExportedReplicaHasTheMultiDayRules) {
    auto issued = issueTicket(*db, eventId, adaId);
    ASSERT_TRUE(issued.ok());
    ASSERT_TRUE(store::Events(*db).setTypeDays(eventId, 1, {"2026-09-12"}));
    auto replica = store::openPlainDatabase(dir.file("kiosk.db"), store::OpenMode::kCreate);
    ASSERT_TRUE(replica.ok());
    ASSERT_TRUE(exportReplica(*db, eventId, *replica).ok());
    EXPECT_EQ(store::Events(*replica).typeDays(eventId, 1),
              (std::vector<std::string>{"2026-09-12"}));
    auto verdict = rules::CheckInEngine(*replica).scan(
        issued->text, {eventId, "Main", store::Direction::kEntry, "", 1'789'300'000'000});
    ASSERT_TRUE(verdict.ok());
    EXPECT_EQ(verdict->denial, rules::Denial::kNotValidToday) << "2026-09-13 UTC";
}

}  // namespace
}  // namespace admit::organiser
