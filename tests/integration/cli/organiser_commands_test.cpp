// The organiser's commands through the real `admit`: each one's happy path, and bad input (an
// unknown ref, the wrong event, a bad status, an empty reason) answered with one sentence and
// exit code 1 or 2, with nothing changed.

#include <algorithm>
#include <fstream>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_run.hpp"
#include "temp_dir.hpp"

namespace {

using admit::testing::admit;
using admit::testing::CliRun;
using nlohmann::json;

class OrganiserCommands : public ::testing::Test {
  protected:
    void SetUp() override {
        db = "--db " + dir.file("org.db") + " --operator olga ";
        CliRun created = admit(db + "--json event create --name 'Desk Test' --types General,VIP");
        ASSERT_EQ(created.exitCode, 0) << created.out;
        eventId = json::parse(created.out)["event_id"];
        ev = " --event " + eventId + " ";
        std::ofstream(dir.file("people.csv")) << "name,email,ticket_type,status\n"
                                                 "Ada Lovelace,ada@example.org,General,approved\n"
                                                 "Bob Pending,bob@example.org,VIP,pending\n";
        ASSERT_EQ(admit(db + "import" + ev + dir.file("people.csv")).exitCode, 0);
        CliRun issued = admit(db + "tickets" + ev + "--out " + dir.file("out"));
        ASSERT_EQ(issued.exitCode, 0) << issued.out;
        std::ifstream csv(dir.file("out/tickets.csv"));
        std::string header, line;
        std::getline(csv, header);
        std::getline(csv, line);
        adaTicket = line.substr(line.rfind(',') + 1);
        if (!adaTicket.empty() && adaTicket.back() == '\r') adaTicket.pop_back();
    }
    json run(const std::string& arguments) {
        CliRun r = admit(db + "--json " + arguments);
        EXPECT_EQ(r.exitCode, 0) << arguments << "\n" << r.out;
        return r.exitCode == 0 ? json::parse(r.out) : json();
    }
    // A refusal: the exit code and the one line it printed.
    void refused(const std::string& arguments, int exitCode, const std::string& sentence) {
        CliRun r = admit(db + arguments);
        EXPECT_EQ(r.exitCode, exitCode) << arguments << "\n" << r.out;
        EXPECT_EQ(r.out.substr(0, r.out.find('\n')), "admit: " + sentence) << arguments;
    }
    std::int64_t auditEntries() { return static_cast<std::int64_t>(run("audit" + ev).size()); }

    admit::testing::TempDir dir;
    std::string db;
    std::string eventId;
    std::string ev;
    std::string adaTicket;
};

TEST_F(OrganiserCommands, TicketsAreRevokedBlockedAndReissuedWithReasons) {
    json revoked = run("ticket revoke" + ev + "'" + adaTicket + "' --reason Refunded");
    ASSERT_EQ(revoked["tickets"].size(), 1U);
    const std::string ref = revoked["tickets"][0]["ticket_ref"];
    EXPECT_EQ(revoked["tickets"][0]["revoked"], "Refunded");
    CliRun verdict = admit(db + "--json verify" + ev + "'" + adaTicket + "'");
    EXPECT_EQ(verdict.exitCode, 3);
    EXPECT_EQ(json::parse(verdict.out)["detail"], "Refunded");

    json blocked = run("ticket block" + ev + "--ref " + ref + " --reason 'Reported stolen'");
    EXPECT_EQ(blocked["tickets"][0]["blocked"], "Reported stolen");
    EXPECT_TRUE(run("ticket unblock" + ev + "--ref " + ref)["tickets"][0]["blocked"].is_null());

    // Ada's only code is revoked: reissuing by attendee gives her a new one.
    json reissued = run("ticket reissue" + ev + "--attendee 1 --png " + dir.file("new.png"));
    EXPECT_EQ(reissued["old_ref"], "");
    refused("ticket reissue" + ev + "--ref " + ref, 1,
            "the ticket is revoked already; reissue by --attendee instead");
    EXPECT_TRUE(std::ifstream(dir.file("new.png")).good());
    CliRun fresh =
        admit(db + "verify" + ev + "'" + reissued["ticket_text"].get<std::string>() + "'");
    EXPECT_EQ(fresh.exitCode, 0) << fresh.out;
}

TEST_F(OrganiserCommands, BadTicketInputIsOneSentenceAndChangesNothing) {
    const std::int64_t before = auditEntries();
    refused("ticket revoke" + ev + "--ref 00ff --reason Refunded", 1,
            "there is no ticket 00ff at event " + eventId);
    refused("ticket revoke" + ev + "'" + adaTicket + "' --reason ''", 1,
            "a reason is needed to revoke a ticket (kiosks show it)");
    refused("ticket revoke" + ev + "'" + adaTicket + "'", 2, "missing --reason");
    refused("ticket block" + ev + "--attendee 999 --reason x", 1,
            "there is no attendee 999 at event " + eventId);
    refused("ticket revoke" + ev + "--ref 00ff --attendee 1 --reason x", 2,
            "ticket revoke needs exactly one of: the ticket text, --ref REF, --attendee ID");
    json other = run("event create --name Other");
    refused("ticket revoke --event " + other["event_id"].get<std::string>() + " '" + adaTicket +
                "' --reason x",
            1,
            "the ticket is for event " + eventId + ", not " + other["event_id"].get<std::string>());
    EXPECT_EQ(auditEntries(), before);
}

TEST_F(OrganiserCommands, AttendeesAreAddedChangedShownAndTold) {
    json walkIn = run("attendee add" + ev + "--name 'Walt Walker' --type VIP --checkin --gate B");
    EXPECT_EQ(walkIn["checkin"]["accepted"], true);
    const std::string id = std::to_string(walkIn["attendee_id"].get<std::int64_t>());
    json changed = run("attendee set" + ev + "2 --status approved --note 'Step-free route'");
    EXPECT_EQ(changed["status"], "approved");
    EXPECT_EQ(changed["attention_note"], "Step-free route");
    json shown = run("attendee show" + ev + id);
    EXPECT_EQ(shown["name"], "Walt Walker");
    EXPECT_EQ(shown["inside"], true);
    EXPECT_EQ(run("attendee list" + ev).size(), 3U);
    EXPECT_EQ(run("attendee search" + ev + "walt").size(), 1U);
    json story = run("attendee history" + ev + id);
    ASSERT_EQ(story.size(), 3U);
    EXPECT_EQ(story[0]["action"], "attendee.added");
    EXPECT_EQ(story[0]["operator"], "olga");
    EXPECT_EQ(story[2]["action"], "checkin.entry");
    EXPECT_EQ(story[2]["gate"], "B");

    const std::int64_t before = auditEntries();
    refused("attendee set" + ev + "2 --status maybe", 1,
            "status must be approved, pending, rejected or cancelled, not 'maybe'");
    refused("attendee set" + ev + "999 --name X", 1,
            "there is no attendee 999 at event " + eventId);
    refused("attendee set --event nope 2 --name X", 1, "there is no event nope in this database");
    refused("attendee show" + ev + "ada", 2,
            "attendee show needs the attendee's id (a whole number), not 'ada'");
    refused("attendee add" + ev + "--name Cleo --type Gold", 1,
            "event " + eventId + " has no ticket type 'Gold' (it has General, VIP)");
    EXPECT_EQ(auditEntries(), before);
}

TEST_F(OrganiserCommands, MultiDayRulesTimeZoneDayStartAndTypeDays) {
    json event = run("event set" + ev +
                     "--reentry once_per_day --time-zone Europe/London --day-starts 05:00");
    EXPECT_EQ(event["reentry"], "once_per_day");
    EXPECT_EQ(event["time_zone"], "Europe/London");
    EXPECT_EQ(event["day_starts_at"], "05:00");
    json days = run("type days" + ev + "--type VIP --days 2026-09-12,2026-09-13");
    EXPECT_EQ(days["days"], json({"2026-09-12", "2026-09-13"}));
    EXPECT_EQ(run("type days" + ev + "--type VIP")["days"], days["days"]);
    json shown = run("event show" + ev);
    EXPECT_EQ(shown["ticket_types"][1]["days"], days["days"]);
    EXPECT_EQ(shown["ticket_types"][0]["days"], json::array());

    const std::int64_t before = auditEntries();
    refused("event set" + ev + "--day-starts 25:00", 1,
            "the day start '25:00' is not a time of day (HH:MM, 00:00 to 23:59)");
    refused("event set" + ev + "--time-zone Mars/Olympus_Mons", 1,
            "'Mars/Olympus_Mons' is not a time zone name (such as UTC or Europe/London)");
    refused("type days" + ev + "--type VIP --days 2026-09-12,2026-09-31", 1,
            "--days: '2026-09-31' is not a day (YYYY-MM-DD, such as 2026-09-12)");
    refused("type days" + ev + "--type VIP --days 2026-09-12,,2026-09-13", 2,
            "--days: an empty day in '2026-09-12,,2026-09-13' (days are YYYY-MM-DD, separated "
            "by commas, or 'any')");
    refused("type days" + ev + "--type Gold --days 2026-09-12", 1,
            "event " + eventId + " has no ticket type 'Gold'");
    EXPECT_EQ(auditEntries(), before);
    EXPECT_EQ(run("type days" + ev + "--type VIP --days any")["days"], json::array());
}

TEST_F(OrganiserCommands, EventTypesGatesOperatorsAuditAndExports) {
    json event =
        run("event set" + ev + "--valid-from 2026-07-04T16:00 --valid-until none --time-zone UTC");
    EXPECT_EQ(event["valid_from"], 1783180800);
    EXPECT_EQ(run("event show" + ev)["valid_from"], 1783180800);
    refused(
        "event set" + ev + "--valid-from tomorrow", 2,
        "--valid-from needs Unix seconds or a UTC time such as 2026-07-04T18:30, not 'tomorrow'");
    refused("event set" + ev + "--reentry sometimes", 1,
            "re-entry policy must be 'single', 'multiple', 'after_exit' or 'once_per_day', not "
            "'sometimes'");
    EXPECT_EQ(run("type add" + ev + "--name Crew")["code"], 3);
    EXPECT_EQ(run("type rename" + ev + "--type Crew --name Staff")["name"], "Staff");
    EXPECT_EQ(run("type list" + ev).size(), 3U);
    json rules = run("gate allow" + ev + "--type VIP --gate B");
    ASSERT_EQ(rules.size(), 1U);
    EXPECT_EQ(rules[0]["gate"], "B");
    EXPECT_EQ(run("gate list" + ev).size(), 1U);
    refused("gate allow" + ev + "--type Gold --gate B", 1,
            "event " + eventId + " has no ticket type 'Gold'");

    ASSERT_EQ(admit(db + "operator add --name vic --role volunteer" + ev, "482916").exitCode, 0);
    ASSERT_EQ(admit(db + "operator set-pin --name vic", "555123").exitCode, 0);
    json operators = run("operator list" + ev);
    ASSERT_EQ(operators.size(), 1U);
    EXPECT_EQ(operators[0]["failed_attempts"], 0);
    EXPECT_EQ(run("operator unlock --name vic")["operator"], "vic");
    refused("operator set-pin --name vic < /dev/null", 1, "no PIN was given");
    refused("operator remove --name nobody", 1, "there is no operator 'nobody'");
    run("operator remove --name vic");
    EXPECT_TRUE(run("operator list").empty());

    json audit = run("audit" + ev + "--operator olga --since 0");
    EXPECT_GE(audit.size(), 5U);
    std::set<std::string> actions;
    for (const json& line : audit) actions.insert(line["action"].get<std::string>());
    for (const char* action : {"event.created", "operator.added", "operator.pin_set",
                               "operator.removed", "gate.allowed"}) {
        EXPECT_EQ(actions.count(action), 1U) << action << " is in the audit";
    }
    for (const char* kind : {"checkins", "attendees", "audit"}) {
        CliRun csv = admit(db + "export " + kind + ev + "--format csv --out " + dir.file(kind));
        EXPECT_EQ(csv.exitCode, 0) << csv.out;
        CliRun asJson = admit(db + "export " + kind + ev + "--format json");
        EXPECT_EQ(asJson.exitCode, 0) << asJson.out;
        EXPECT_TRUE(json::parse(asJson.out).is_array());
    }
    refused("export people" + ev + "--format csv", 2,
            "the report must be checkins, attendees or audit, not 'people'");
    refused("export checkins" + ev + "--format xml", 2,
            "the format must be csv or json, not 'xml'");
}

TEST_F(OrganiserCommands, ImportTakesTheFormatFlagAndTellsTheFormatOtherwise) {
    CliRun help = admit("--help");
    EXPECT_NE(help.out.find("import --event ID [--format admit|pretix|eventbrite] FILE.csv"),
              std::string::npos);
    EXPECT_NE(help.out.find("docs/import-formats.md"), std::string::npos);

    const std::string eventbrite =
        std::string(ADMIT_SOURCE_DIR) + "/tests/data/eventbrite-attendee-report.csv";
    run("type add" + ev + "--name 'General Admission'");
    json told = run("import" + ev + eventbrite);
    EXPECT_EQ(told["format"], "eventbrite");
    EXPECT_EQ(told["inserted"], 5);
    EXPECT_NE(
        std::find(told["ignored_columns"].begin(), told["ignored_columns"].end(), "Job Title"),
        told["ignored_columns"].end());
    json named = run("import" + ev + "--format eventbrite " + eventbrite);
    EXPECT_EQ(named["unchanged"], 5);
    CliRun text = admit(db + "import" + ev + eventbrite);
    EXPECT_EQ(text.exitCode, 0);
    EXPECT_EQ(text.out.substr(0, text.out.find('\n')),
              "imported (eventbrite): 0 new, 0 updated, 5 unchanged");

    refused("import" + ev + "--format csv " + eventbrite, 2,
            "--format must be admit, pretix or eventbrite, not 'csv'");
    refused("import" + ev + "--format pretix " + eventbrite, 1,
            eventbrite + ":1: the header has no 'Order code' column (the pretix format needs it)");
    std::ofstream(dir.file("german.csv")) << "Vorname,Nachname,E-Mail\nAda,Lovelace,a@x.org\n";
    refused("import" + ev + dir.file("german.csv"), 1,
            dir.file("german.csv") +
                ":1: the header row is none of the recognised formats: Admit's own (name, email, "
                "ticket_type, status), pretix's order positions export (Order code, Position ID) "
                "or Eventbrite's attendee report (Order #, Attendee #); choose one with --format "
                "admit|pretix|eventbrite");
    EXPECT_EQ(run("attendee list" + ev + "--limit 100").size(), 7u);
}

}  // namespace
