#include "admit/organiser/attendee_import.hpp"

#include <gtest/gtest.h>

#include "admit/organiser/event_admin.hpp"
#include "admit/store/attendee_search.hpp"
#include "admit/store/attendees.hpp"
#include "admit/store/store.hpp"
#include "temp_dir.hpp"

namespace admit::organiser {
namespace {

class AttendeeImportTest : public ::testing::Test {
  protected:
    void SetUp() override {
        auto opened = store::openPlainDatabase(dir.file("org.db"), store::OpenMode::kCreate);
        ASSERT_TRUE(opened.ok());
        db = std::make_unique<SQLite::Database>(std::move(*opened));
        auto event =
            createEvent(*db, {"Fest", store::ReentryPolicy::kSingle, {"General", "VIP"}}, 1000);
        ASSERT_TRUE(event.ok());
        eventId = event->id;
    }
    Result<ImportSummary> import(const std::string& csv) {
        return importAttendees(*db, eventId, csv, "people.csv", "olga", 2000);
    }
    std::int64_t attendeeCount() { return store::Attendees(*db).count(eventId); }

    admit::testing::TempDir dir;
    std::unique_ptr<SQLite::Database> db;
    std::string eventId;
};

constexpr const char* kGood =
    "name,email,ticket_type,status,external_code,attention_note\n"
    "Ada Lovelace,ada@example.org,General,approved,,\n"
    "Grace Hopper,grace@navy.mil,vip,,EXT-1,Wheelchair user\n"
    "\"Smith, Sam\",sam@example.org,General,pending,,\n"
    "\"Smith, Sam\",sam@example.org,General,pending,,\n";

TEST_F(AttendeeImportTest, ImportsEveryRow) {
    auto summary = import(kGood);
    ASSERT_TRUE(summary.ok()) << summary.error().message;
    EXPECT_EQ(summary->inserted, 4);
    EXPECT_EQ(attendeeCount(), 4);
    auto found = store::AttendeeSearch(*db, eventId).find("Grace", 5);
    ASSERT_EQ(found.size(), 1u);
    const store::Attendee& grace = found[0].attendee;
    EXPECT_EQ(grace.ticketType, 2);
    EXPECT_EQ(grace.status, store::AttendeeStatus::kApproved);
    EXPECT_EQ(grace.attentionNote, "Wheelchair user");
    EXPECT_EQ(store::Attendees(*db).ticketsOf(grace.id).size(), 1u);
    EXPECT_EQ(
        db->execAndGet("SELECT count(*) FROM attendees WHERE import_key LIKE '%EXT-1%'").getInt(),
        0)
        << "the external code is stored only as its blind index";
}

TEST_F(AttendeeImportTest, ReimportingTheSameFileChangesNothing) {
    ASSERT_TRUE(import(kGood).ok());
    auto again = import(kGood);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->inserted, 0);
    EXPECT_EQ(again->updated, 0);
    EXPECT_EQ(again->unchanged, 4);
    EXPECT_EQ(attendeeCount(), 4);
}

TEST_F(AttendeeImportTest, AChangedRowUpdatesThatAttendee) {
    ASSERT_TRUE(import(kGood).ok());
    std::string changed = kGood;
    changed.replace(changed.find("General,approved"), 16, "General,cancelled");
    auto summary = import(changed);
    ASSERT_TRUE(summary.ok());
    EXPECT_EQ(summary->updated, 1);
    EXPECT_EQ(store::AttendeeSearch(*db, eventId).find("Ada", 1).at(0).attendee.status,
              store::AttendeeStatus::kCancelled);
}

TEST_F(AttendeeImportTest, BadRowsAreReportedExactlyAndNothingIsImported) {
    auto result = import(
        "name,email,ticket_type,status\n"
        "Ada,ada@example.org,General,approved\n"
        ",nobody@example.org,General,approved\n"
        "Bob,bob-at-example.org,General,approved\n"
        "Cy,cy@example.org,Backstage,approved\n"
        "Di,di@example.org,General,maybe\n"
        "Ed,ed@example.org,General\n");
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().message,
              "people.csv:3: field 'name': is empty\n"
              "people.csv:4: field 'email': 'bob-at-example.org' is not an email address\n"
              "people.csv:5: field 'ticket_type': 'Backstage' is not a ticket type of this event "
              "(General, VIP)\n"
              "people.csv:6: field 'status': status must be approved, pending, rejected or "
              "cancelled, not 'maybe'\n"
              "people.csv:7: has 3 fields, the header has 4\n"
              "nothing was imported");
    EXPECT_EQ(attendeeCount(), 0);
}

TEST_F(AttendeeImportTest, HeaderProblems) {
    EXPECT_EQ(import("name,email,ticket_type\n").error().message,
              "people.csv:1: the header has no 'status' column");
    EXPECT_EQ(import("name,email,ticket_type,status,colour\n").error().message,
              "people.csv:1: unknown column 'colour' (columns are name, email, ticket_type, "
              "status, external_code, attention_note)");
    EXPECT_EQ(import("").error().message, "people.csv: the file is empty (a header row is needed)");
}

TEST_F(AttendeeImportTest, DuplicateExternalCodesInOneFile) {
    auto result = import(
        "name,email,ticket_type,status,external_code\n"
        "Ada,ada@example.org,General,approved,X1\n"
        "Bob,bob@example.org,General,approved,X1\n");
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().message,
              "people.csv:3: field 'external_code': the same code is on line 2\n"
              "nothing was imported");
}

TEST_F(AttendeeImportTest, MissingFileIsNamed) {
    auto result = importAttendeesFile(*db, eventId, dir.file("nope.csv"), "olga", 0);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().message, "cannot read " + dir.file("nope.csv"));
}

}  // namespace
}  // namespace admit::organiser
