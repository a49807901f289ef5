#include "admit/organiser/attendee_import.hpp"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "admit/organiser/event_admin.hpp"
#include "admit/organiser/event_editor.hpp"
#include "admit/rules/checkin_engine.hpp"
#include "admit/store/attendee_search.hpp"
#include "admit/store/attendees.hpp"
#include "admit/store/audit_log.hpp"
#include "admit/store/store.hpp"
#include "admit/ticket/code_format.hpp"
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
    Result<ImportSummary, ImportError> import(const std::string& csv) {
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
    ASSERT_EQ(result.error().problems.size(), 5u);
    EXPECT_EQ(result.error().kind(), ImportProblem::Kind::kEmptyValue);
    EXPECT_EQ(result.error().problems[1].kind, ImportProblem::Kind::kBadEmail);
    EXPECT_EQ(result.error().problems[2].kind, ImportProblem::Kind::kUnknownTicketType);
    EXPECT_EQ(result.error().problems[2].column, "ticket_type");
    EXPECT_EQ(result.error().problems[3].kind, ImportProblem::Kind::kBadStatus);
    EXPECT_EQ(result.error().problems[4].kind, ImportProblem::Kind::kFieldCount);
    EXPECT_EQ(result.error().problems[4].line, 7);
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
    EXPECT_EQ(import("").error().kind(), ImportProblem::Kind::kEmptyFile);
    EXPECT_EQ(import("name,email,ticket_type\n").error().kind(),
              ImportProblem::Kind::kMissingColumn);
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
    EXPECT_EQ(result.error().kind(), ImportProblem::Kind::kDuplicateCode);
}

TEST_F(AttendeeImportTest, MissingFileIsNamed) {
    auto result = importAttendeesFile(*db, eventId, dir.file("nope.csv"), "olga", 0);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().kind(), ImportProblem::Kind::kUnreadableFile);
    EXPECT_EQ(result.error().message, "cannot read " + dir.file("nope.csv"));
}

// pretix's and Eventbrite's exports, from the sample files in tests/data (docs/import-formats.md).
class ExportImportTest : public ::testing::Test {
  protected:
    void SetUp() override {
        auto opened = store::openPlainDatabase(dir.file("org.db"), store::OpenMode::kCreate);
        ASSERT_TRUE(opened.ok());
        db = std::make_unique<SQLite::Database>(std::move(*opened));
        auto event = createEvent(
            *db, {"Fest", store::ReentryPolicy::kSingle, {"General", "VIP", "General Admission"}},
            1000);
        ASSERT_TRUE(event.ok());
        eventId = event->id;
    }
    static std::string sample(const std::string& name) {
        std::ifstream in(std::string(ADMIT_SOURCE_DIR) + "/tests/data/" + name, std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        EXPECT_FALSE(text.str().empty()) << name;
        return text.str();
    }
    Result<ImportSummary, ImportError> import(const std::string& csv,
                                              std::optional<ImportFormat> format = std::nullopt) {
        return importAttendees(*db, eventId, csv, "export.csv", "olga", 2000, format);
    }
    std::int64_t attendeeCount() { return store::Attendees(*db).count(eventId); }
    store::Attendee only(const std::string& query) {
        auto found = store::AttendeeSearch(*db, eventId).find(query, 5);
        EXPECT_EQ(found.size(), 1u) << query;
        return found.empty() ? store::Attendee{} : found[0].attendee;
    }
    Result<rules::Verdict, rules::CheckInError> scan(const std::string& text) {
        return rules::CheckInEngine(*db).scan(
            text, {eventId, "Main", store::Direction::kEntry, "olga", 3000});
    }
    static std::string replaced(std::string text, const std::string& from, const std::string& to) {
        auto at = text.find(from);
        EXPECT_NE(at, std::string::npos) << from;
        if (at != std::string::npos) text.replace(at, from.size(), to);
        return text;
    }

    admit::testing::TempDir dir;
    std::unique_ptr<SQLite::Database> db;
    std::string eventId;
};

constexpr const char* kPretixSample = "pretix-order-positions.csv";
constexpr const char* kEventbriteSample = "eventbrite-attendee-report.csv";
// The pretix_sig1 secret of José's position: the "valid" vector of shared/testdata/pretix-sig1.
constexpr const char* kJoseSecret =
    "E4BibyTSylQOgeKjuMPiTDxi5HXPuTVsx1qCli3IL0143gj0EZXOB9iQInANxRFJTt4Pf9nXnHdB91Qk/"
    "RN0L5AIBABSxw2TKFnSUNUCKAEAPAQA";

TEST_F(ExportImportTest, APretixExportImportsEveryPosition) {
    auto summary = import(sample(kPretixSample));
    ASSERT_TRUE(summary.ok()) << summary.error().message;
    EXPECT_EQ(summary->format, ImportFormat::kPretix);
    EXPECT_EQ(summary->inserted, 5);
    EXPECT_EQ(attendeeCount(), 5);
    store::Attendee ana = only("Ana Müller");
    EXPECT_EQ(ana.name, "Dr. Ana Müller");
    EXPECT_EQ(ana.email, "ana.mueller@example.org");
    EXPECT_EQ(ana.ticketType, 1);
    EXPECT_EQ(ana.status, store::AttendeeStatus::kApproved);
    store::Attendee jose = only("José");
    EXPECT_EQ(jose.email, "ana@example.org") << "no attendee email: the order's";
    EXPECT_EQ(jose.ticketType, 2);
    EXPECT_EQ(only("李伟").status, store::AttendeeStatus::kPending);
    EXPECT_EQ(only("Siobhán").status, store::AttendeeStatus::kCancelled);
    EXPECT_EQ(only("Björn").status, store::AttendeeStatus::kCancelled) << "expired";
    EXPECT_EQ(store::Attendees(*db).ticketsOf(jose.id).size(), 1u);
    const auto& ignored = summary->ignoredColumns;
    for (const char* column : {"Event slug", "Phone number", "Variation", "Seat ID", "Blocked",
                               "Workshops – C++", "Payment providers"}) {
        EXPECT_NE(std::find(ignored.begin(), ignored.end(), column), ignored.end()) << column;
    }
    EXPECT_EQ(db->execAndGet("SELECT count(*) FROM attendees WHERE import_key LIKE '%ABC12%' "
                             "OR import_key LIKE '%tR8vGkT7%'")
                  .getInt(),
              0)
        << "order codes and secrets are kept only as blind indexes";
}

TEST_F(ExportImportTest, AnEventbriteReportImportsEveryAttendee) {
    auto summary = import(sample(kEventbriteSample));
    ASSERT_TRUE(summary.ok()) << summary.error().message;
    EXPECT_EQ(summary->format, ImportFormat::kEventbrite);
    EXPECT_EQ(summary->inserted, 5);
    store::Attendee zoe = only("Zoë");
    EXPECT_EQ(zoe.name, "Zoë Çelik");
    EXPECT_EQ(zoe.ticketType, 3);
    EXPECT_EQ(zoe.status, store::AttendeeStatus::kApproved);
    EXPECT_EQ(only("花子").name, "花子 田中");
    EXPECT_EQ(only("花子").status, store::AttendeeStatus::kApproved) << "Checked In";
    EXPECT_EQ(only("Wójcik").status, store::AttendeeStatus::kCancelled) << "Refunded";
    EXPECT_EQ(only("Ødegård").status, store::AttendeeStatus::kPending);
    EXPECT_EQ(only("Renée").ticketType, 2);
}

TEST_F(ExportImportTest, ImportingTheSameExportTwiceChangesNothing) {
    for (const char* name : {kPretixSample, kEventbriteSample}) {
        ASSERT_TRUE(import(sample(name)).ok()) << name;
        auto auditBefore = store::AuditLog(*db).latest(1000).size();
        auto again = import(sample(name));
        ASSERT_TRUE(again.ok()) << name;
        EXPECT_EQ(again->inserted, 0) << name;
        EXPECT_EQ(again->updated, 0) << name;
        EXPECT_EQ(again->unchanged, 5) << name;
        EXPECT_EQ(store::AuditLog(*db).latest(1000).size(), auditBefore) << name;
    }
    EXPECT_EQ(attendeeCount(), 10);
}

TEST_F(ExportImportTest, AReExportWithAChangedStatusUpdatesThatAttendeeAudited) {
    ASSERT_TRUE(import(sample(kEventbriteSample)).ok());
    std::string reexport = replaced(sample(kEventbriteSample), "1.15,Attending", "1.15,Refunded");
    auto summary = import(reexport);
    ASSERT_TRUE(summary.ok()) << summary.error().message;
    EXPECT_EQ(summary->updated, 1);
    EXPECT_EQ(summary->unchanged, 4);
    store::Attendee zoe = only("Zoë");
    EXPECT_EQ(zoe.status, store::AttendeeStatus::kCancelled);
    auto newest = store::AuditLog(*db).latest(2);
    ASSERT_EQ(newest.size(), 2u);
    EXPECT_EQ(newest[0].entry.action, "attendees.imported");
    EXPECT_EQ(newest[1].entry.action, "attendee.updated");
    EXPECT_EQ(newest[1].entry.subject, "attendee:" + std::to_string(zoe.id));
    EXPECT_NE(newest[1].entry.detail.find("\"format\":\"eventbrite\""), std::string::npos);
    auto verdict = scan("51234567897012345678001");
    ASSERT_TRUE(verdict.ok());
    EXPECT_FALSE(verdict->accepted) << "a refunded attendee is not admitted";
}

// Each bad export after a good one: one sentence naming file, line and column, a typed kind,
// and the attendees exactly as before (the bad file also changes a good row's status).
TEST_F(ExportImportTest, BadExportsAreAnsweredExactlyAndNothingIsHalfApplied) {
    ASSERT_TRUE(import(sample(kEventbriteSample)).ok());
    std::string good =
        replaced(sample(kEventbriteSample), "Attending,\"12 Rue", "Refunded,\"12 Rue");
    struct Case {
        std::string csv;
        ImportProblem::Kind kind;
        std::string message;
    };
    std::vector<Case> cases{
        {replaced(good, "Attendee Status,", "Status,"), ImportProblem::Kind::kMissingColumn,
         "export.csv:1: the header has no 'Attendee Status' column (the eventbrite format needs "
         "it)"},
        {replaced(good, "Checked In", "Maybe"), ImportProblem::Kind::kBadStatus,
         "export.csv:5: field 'Attendee Status': 'Maybe' is not an Eventbrite attendee status "
         "(Attending, Checked In, Pending, Unpaid, Not Attending, Refunded, Cancelled, Deleted, "
         "Transferred)\nnothing was imported"},
        {replaced(good, "51234567927012345682001", "51234567907012345680001"),
         ImportProblem::Kind::kDuplicateCode,
         "export.csv:7: field 'Barcode #': the same code is on line 5\nnothing was imported"},
        {replaced(good, "Twitter,", "Twitter,,"), ImportProblem::Kind::kFieldCount,
         "export.csv:6: has 30 fields, the header has 29\nnothing was imported"},
    };
    for (const Case& c : cases) {
        auto result = import(c.csv);
        ASSERT_FALSE(result.ok()) << c.message;
        EXPECT_EQ(result.error().kind(), c.kind) << c.message;
        EXPECT_EQ(result.error().problems.size(), 1u) << result.error().message;
        EXPECT_EQ(result.error().message, c.message);
        EXPECT_EQ(attendeeCount(), 5);
        EXPECT_EQ(only("Zoë").status, store::AttendeeStatus::kApproved);
    }
    EXPECT_TRUE(import(good).ok()) << "the good file itself imports";
}

TEST_F(ExportImportTest, ABarcodeHeldByAnotherAttendeeRollsTheWholeImportBack) {
    ASSERT_TRUE(import("name,email,ticket_type,status,external_code\n"
                       "Walk In,walk@example.org,VIP,approved,51234567927012345682001\n")
                    .ok());
    auto result = import(sample(kEventbriteSample));
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().kind(), ImportProblem::Kind::kCodeTaken);
    EXPECT_EQ(result.error().problems[0].line, 7);
    EXPECT_EQ(result.error().message,
              "export.csv:7: field 'Barcode #': the code is already attached to another "
              "attendee\nnothing was imported");
    EXPECT_EQ(attendeeCount(), 1) << "the four rows before it were rolled back";
}

TEST_F(ExportImportTest, AnUnknownHeaderNamesTheRecognisedFormats) {
    auto result = import("Vorname,Nachname,E-Mail\nAda,Lovelace,ada@example.org\n");
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().kind(), ImportProblem::Kind::kUnknownFormat);
    EXPECT_EQ(result.error().message, "export.csv:1: " + recognisedFormatsSentence());
}

TEST_F(ExportImportTest, AFormatGivenByNameIsHeld) {
    auto wrong = import(sample(kPretixSample), ImportFormat::kEventbrite);
    ASSERT_FALSE(wrong.ok());
    EXPECT_EQ(wrong.error().kind(), ImportProblem::Kind::kMissingColumn);
    EXPECT_EQ(wrong.error().problems[0].column, "Order #");
    auto right = import(sample(kPretixSample), ImportFormat::kPretix);
    ASSERT_TRUE(right.ok()) << right.error().message;
    EXPECT_EQ(right->inserted, 5);
}

TEST_F(ExportImportTest, PretixSig1SecretsAreImportedAsOpaqueCodesAndStillAdmit) {
    ASSERT_TRUE(import(sample(kPretixSample)).ok());
    EXPECT_EQ(ticket::recogniseCode(kJoseSecret), ticket::CodeFormat::kPretixSig1);
    EXPECT_EQ(ticket::recogniseCode("tR8vGkT7rM2wFqyS3b9dVh4zLp6nEaXc"),
              ticket::CodeFormat::kOpaque);
    // Without the event's pretix keys the kiosk looks the secret up as an imported barcode.
    auto byIndex = rules::CheckInEngine(*db).evaluate(
        kJoseSecret, {eventId, "Main", store::Direction::kEntry, "olga", 3000});
    ASSERT_TRUE(byIndex.ok());
    EXPECT_TRUE(byIndex->accepted) << byIndex->detail;
    EXPECT_EQ(byIndex->format, ticket::CodeFormat::kPretixSig1);
    ASSERT_TRUE(byIndex->attendee);
    EXPECT_EQ(byIndex->attendee->name, "José Ñúñez");
    // With them, its signature is checked too, and it is the same ticket as the imported one.
    EventEditor editor(*db, eventId);
    Actor olga{"olga", 2500};
    ASSERT_TRUE(editor
                    .addPretixKey("LS0tLS1CRUdJTiBQVUJMSUMgS0VZLS0tLS0KTUNvd0JRWURLMlZ3QXlFQTdBRDcv"
                                  "dkZBMzNFc1k0ejJQSHI3aVpQc1o4bjVkaDBhalA4Z3l6Tm1tSXM9Ci0tLS0tRU5E"
                                  "IFBVQkxJQyBLRVktLS0tLQo=",
                                  olga)
                    .ok());
    ASSERT_TRUE(editor.mapPretixItem(1, "VIP", olga).ok());
    auto verified = scan(kJoseSecret);
    ASSERT_TRUE(verified.ok());
    EXPECT_TRUE(verified->accepted) << verified->detail;
    ASSERT_TRUE(verified->attendee);
    EXPECT_EQ(verified->attendee->name, "José Ñúñez");
    auto again = scan(kJoseSecret);
    ASSERT_TRUE(again.ok());
    EXPECT_FALSE(again->accepted) << "checked in once already";
}

TEST_F(ExportImportTest, AnEventbriteBarcodeAdmitsItsAttendee) {
    ASSERT_TRUE(import(sample(kEventbriteSample)).ok());
    auto verdict = scan("51234567907012345680001");
    ASSERT_TRUE(verdict.ok());
    EXPECT_TRUE(verdict->accepted) << verdict->detail;
    EXPECT_EQ(verdict->format, ticket::CodeFormat::kOpaque);
    ASSERT_TRUE(verdict->attendee);
    EXPECT_EQ(verdict->attendee->name, "花子 田中");
    EXPECT_EQ(verdict->ticketTypeName, "General Admission");
}

}  // namespace
}  // namespace admit::organiser
