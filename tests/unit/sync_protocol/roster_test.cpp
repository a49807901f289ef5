#include "admit/sync/protocol/roster.hpp"

#include <algorithm>
#include <functional>
#include <random>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "admit/organiser/event_admin.hpp"
#include "admit/organiser/event_editor.hpp"
#include "admit/organiser/ticket_admin.hpp"
#include "admit/rules/checkin_engine.hpp"
#include "admit/store/attendees.hpp"
#include "admit/store/operators.hpp"
#include "admit/store/store.hpp"
#include "admit/sync/protocol/messages.hpp"
#include "pretix_vectors.hpp"
#include "temp_dir.hpp"

namespace admit::sync {
namespace {

using nlohmann::json;

// Every roster row of a replica as text, to compare two replicas (below).
std::string rosterText(SQLite::Database& replica);

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

    static std::int64_t held(SQLite::Database& replica) {
        return std::stoll(
            replica
                .execAndGet(
                    "SELECT coalesce((SELECT value FROM meta WHERE key = 'sync.roster_version'), "
                    "'0')")
                .getString());
    }

    RosterApplied download() {
        std::int64_t have = held(*kiosk);
        auto body = rosterJson(*server, eventId, have);
        EXPECT_TRUE(body.ok()) << body.error().message;
        auto applied = applyRosterJson(*kiosk, eventId, *body);
        EXPECT_TRUE(applied.ok()) << applied.error().message;
        return applied.ok() ? *applied : RosterApplied{};
    }

    // The answer fed in pieces of `pieceBytes` as it would arrive (RosterDownload::receive),
    // then applied.
    Result<RosterApplied, RosterError> streamed(SQLite::Database& replica, const std::string& body,
                                                std::size_t pieceBytes = 7) {
        RosterDownload download(eventId, held(replica));
        auto receiver = download.receive(replica);
        for (std::size_t at = 0; at < body.size(); at += pieceBytes) {
            if (!receiver->feed(std::string_view(body).substr(at, pieceBytes))) break;
        }
        auto next = receiver->finish();
        receiver.reset();
        if (!next) return fail(next.error());
        if (*next) return fail("one page of several");
        return download.apply(replica);
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

// The whole roster is written as its rows are read, in pieces of about 64 KiB (the server
// sends it from a file), never as one string: the pieces make the same roster the kiosk applies.
TEST_F(RosterTest, TheWholeRosterIsWrittenInPiecesAsItsRowsAreRead) {
    for (int i = 0; i < 1500; ++i)
        addAttendee("k" + std::to_string(i), "Name " + std::to_string(i));
    std::vector<std::size_t> pieces;
    std::string body;
    auto version = writeFullRoster(*server, eventId, [&](std::string_view piece) {
        pieces.push_back(piece.size());
        body.append(piece);
    });
    ASSERT_TRUE(version.ok()) << version.error().message;
    EXPECT_EQ(*version, rosterVersion(*server, eventId));
    EXPECT_GT(body.size(), 128u * 1024) << "big enough for several pieces";
    EXPECT_GT(pieces.size(), 3u);
    // A piece is handed on once it reaches 64 KiB: at most one row more.
    EXPECT_LT(*std::max_element(pieces.begin(), pieces.end()), 64u * 1024 + 1024);
    auto whole = rosterJson(*server, eventId, 0);
    ASSERT_TRUE(whole.ok());
    EXPECT_EQ(body, *whole) << "the same answer as the whole roster";
    auto parsed = nlohmann::json::parse(body);
    EXPECT_EQ(parsed["full"], true);
    EXPECT_EQ(parsed["version"], *version);
    EXPECT_EQ(parsed["tables"]["attendees"]["rows"].size(), 1501u);
    auto applied = applyRosterJson(*kiosk, eventId, body);
    ASSERT_TRUE(applied.ok()) << applied.error().message;
    EXPECT_EQ(applied->attendees, 1501);

    bool called = false;
    auto unknown =
        writeFullRoster(*server, "no-such-event", [&](std::string_view) { called = true; });
    EXPECT_FALSE(unknown.ok());
    EXPECT_FALSE(called) << "nothing is written for an unknown event";
}

// Issue 14: the first roster is parsed as it arrives and written row by row, never held whole.
// The same rows and the same refusals as the whole answer, whatever the pieces.
TEST_F(RosterTest, AStreamedWholeRosterWritesWhatTheWholeAnswerWrites) {
    for (int i = 0; i < 300; ++i) addAttendee("k" + std::to_string(i), "Name " + std::to_string(i));
    auto body = rosterJson(*server, eventId, 0);
    ASSERT_TRUE(body.ok());
    auto whole = open("whole.db");
    auto asWhole = applyRosterJson(*whole, eventId, *body);
    ASSERT_TRUE(asWhole.ok()) << asWhole.error().message;
    for (std::size_t piece : {std::size_t{1}, std::size_t{7}, std::size_t{16 * 1024}}) {
        auto fresh = open("streamed-" + std::to_string(piece) + ".db");
        auto applied = streamed(*fresh, *body, piece);
        ASSERT_TRUE(applied.ok()) << applied.error().message;
        EXPECT_TRUE(applied->changed);
        EXPECT_FALSE(applied->delta);
        EXPECT_EQ(applied->version, asWhole->version);
        EXPECT_EQ(applied->attendees, 301);
        EXPECT_EQ(applied->rowsWritten, asWhole->rowsWritten);
        EXPECT_EQ(rosterText(*fresh), rosterText(*whole)) << "pieces of " << piece;
        EXPECT_EQ(held(*fresh), asWhole->version);
    }

    // Into a replica holding an older roster: only what differs is written, what is gone goes.
    download();
    server->exec("UPDATE attendees SET attention_note = 'VIP' WHERE import_key = 'k5'");
    server->exec("DELETE FROM attendees WHERE import_key = 'k7'");
    addAttendee("new", "Newcomer");
    auto later = rosterJson(*server, eventId, 0);
    ASSERT_TRUE(later.ok());
    auto applied = streamed(*kiosk, *later, 4096);
    ASSERT_TRUE(applied.ok()) << applied.error().message;
    EXPECT_EQ(applied->rowsWritten, 3) << "one changed, one new, one removed";
    auto check = open("check.db");
    ASSERT_TRUE(applyRosterJson(*check, eventId, *later).ok());
    EXPECT_EQ(rosterText(*kiosk), rosterText(*check));
}

TEST_F(RosterTest, AStreamedRosterThatDoesNotMatchIsRefusedWholeAndNamesWhere) {
    download();
    const std::int64_t before = held(*kiosk);
    addAttendee("b", "Bob");
    addAttendee("c", "Cy");
    auto body = rosterJson(*server, eventId, 0);
    ASSERT_TRUE(body.ok());
    json good = json::parse(*body);
    auto refusedWith = [&](const json& answer) {
        auto refused = streamed(*kiosk, answer.dump());
        EXPECT_FALSE(refused.ok());
        EXPECT_EQ(kiosk->execAndGet("SELECT count(*) FROM attendees").getInt(), 1)
            << "the previous roster is kept";
        EXPECT_EQ(held(*kiosk), before);
        return refused.ok() ? std::string() : refused.error().message;
    };

    json badStatus = good;
    badStatus["tables"]["attendees"]["rows"][1][6] = "vip";
    EXPECT_EQ(refusedWith(badStatus).rfind("roster table attendees row 2 is refused", 0), 0u);
    json otherEvent = good;
    otherEvent["tables"]["tickets"]["rows"][0][0] = "0190a8c4-5e3b-7c2d-9f00-1a2b3c4d5e6f";
    EXPECT_EQ(refusedWith(otherEvent),
              "roster table tickets row 1 column event_id is not this kiosk's event");
    json shortRow = good;
    shortRow["tables"]["attendees"]["rows"][2].erase(3);
    EXPECT_EQ(refusedWith(shortRow), "roster table attendees row 3 does not have 8 values");
    json badBlob = good;
    badBlob["tables"]["event_keys"]["rows"][0][2] = json{{"hex", "zz"}};
    EXPECT_EQ(refusedWith(badBlob),
              "roster table event_keys row 1 column public_key hex is not hexadecimal");
    json missingColumn = good;
    missingColumn["tables"]["tickets"]["columns"].erase(1);
    EXPECT_EQ(refusedWith(missingColumn).rfind("roster table tickets has columns", 0), 0u);
    json noTable = good;
    noTable["tables"].erase("operators");
    EXPECT_EQ(refusedWith(noTable), "the roster has no table operators");
    json unknownTable = good;
    unknownTable["tables"]["secrets"] = {{"columns", {"x"}}, {"rows", {{1}}}};
    EXPECT_EQ(refusedWith(unknownTable), "the roster has an unknown table \"secrets\"");
    json otherProtocol = good;
    otherProtocol["protocol"] = kProtocolVersion + 1;
    auto protocol = streamed(*kiosk, otherProtocol.dump());
    ASSERT_FALSE(protocol.ok());
    EXPECT_EQ(protocol.error().kind, RosterError::Kind::kProtocol);
    EXPECT_EQ(kiosk->execAndGet("SELECT count(*) FROM attendees").getInt(), 1);

    // Cut short (a transfer that broke off), not JSON, nested too deep: refused, nothing kept.
    auto cut = streamed(*kiosk, body->substr(0, body->size() / 2));
    ASSERT_FALSE(cut.ok());
    EXPECT_NE(cut.error().message.find("not valid JSON"), std::string::npos) << cut.error().message;
    EXPECT_EQ(kiosk->execAndGet("SELECT count(*) FROM attendees").getInt(), 1);
    std::string deep = *body;
    deep.insert(deep.find("[[") + 1, "[[[[[[[[[[");
    auto nested = streamed(*kiosk, deep);
    ASSERT_FALSE(nested.ok());
    EXPECT_EQ(nested.error().message, "the roster is nested too deeply");

    // A refused answer stops the sender: feed says so (attendees come first, and the pipe holds
    // a few pieces only).
    RosterDownload download(eventId, held(*kiosk));
    auto receiver = download.receive(*kiosk);
    const std::string refused = badStatus.dump();
    bool stopped = false;
    for (std::size_t at = 0; at < refused.size() && !stopped; at += 16) {
        stopped = !receiver->feed(std::string_view(refused).substr(at, 16));
    }
    EXPECT_TRUE(stopped) << "the receiver refused before the end";
    EXPECT_FALSE(receiver->finish().ok());

    auto fine = streamed(*kiosk, *body);
    ASSERT_TRUE(fine.ok()) << fine.error().message;
    EXPECT_EQ(kiosk->execAndGet("SELECT count(*) FROM attendees").getInt(), 3);
}

// A NUL byte ended nlohmann's parse as if the body had ended: the receiver's thread stopped
// reading, and the pieces after it filled the pipe until feed() waited for ever (a sync round
// that never ends). Found by fuzz_roster_stream.
TEST_F(RosterTest, ANulByteInAStreamedAnswerIsRefusedAndNeverHangsTheSender) {
    auto body = rosterJson(*server, eventId, 0);
    ASSERT_TRUE(body.ok());
    const std::string before =
        kiosk->execAndGet("SELECT group_concat(name) FROM attendees").getString();
    for (const std::string& tail :
         {std::string(1, '\0') + std::string(4096, 'x'), std::string(1, '\0')}) {
        auto refused = streamed(*kiosk, *body + tail, 16);
        ASSERT_FALSE(refused.ok());
        EXPECT_NE(refused.error().message.find("not valid JSON"), std::string::npos)
            << refused.error().message;
        EXPECT_EQ(kiosk->execAndGet("SELECT group_concat(name) FROM attendees").getString(),
                  before);
    }
    auto whole = RosterDownload(eventId, 0).add(*body + std::string(1, '\0') + "x");
    EXPECT_FALSE(whole.ok()) << "a NUL after the document was taken for its end";
}

TEST_F(RosterTest, ChangesAndUnchangedAnswersArriveStreamedAsWell) {
    download();
    auto same = rosterJson(*server, eventId, held(*kiosk));
    ASSERT_TRUE(same.ok());
    auto unchanged = streamed(*kiosk, *same);
    ASSERT_TRUE(unchanged.ok()) << unchanged.error().message;
    EXPECT_FALSE(unchanged->changed);
    store::CodeLists(*server).add(store::CodeList::kRevoked, eventId, "x", "refund", 1);
    auto delta = rosterJson(*server, eventId, held(*kiosk));
    ASSERT_TRUE(delta.ok());
    auto applied = streamed(*kiosk, *delta);
    ASSERT_TRUE(applied.ok()) << applied.error().message;
    EXPECT_TRUE(applied->delta);
    EXPECT_EQ(applied->rowsWritten, 1);
}

// Found by the differential test: an attendee deleted and imported again (a new id, the same
// import key) arriving streamed: its row waits for the old one's removal.
TEST_F(RosterTest, AStreamedRosterTakesAnImportKeyOfARemovedAttendee) {
    addAttendee("b", "Bob");
    download();
    server->exec("DELETE FROM tickets WHERE attendee_id = " + std::to_string(adaId));
    server->exec("DELETE FROM attendees WHERE id = " + std::to_string(adaId));
    ASSERT_NE(addAttendee("a", "Ada again"), adaId);
    auto applied = streamed(*kiosk, *rosterJson(*server, eventId, 0));
    ASSERT_TRUE(applied.ok()) << applied.error().message;
    EXPECT_EQ(kiosk->execAndGet("SELECT name FROM attendees WHERE import_key = 'a'").getString(),
              "Ada again");
    auto check = open("check.db");
    ASSERT_TRUE(applyRosterJson(*check, eventId, *rosterJson(*server, eventId, 0)).ok());
    EXPECT_EQ(rosterText(*kiosk), rosterText(*check));
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
    EXPECT_TRUE(withBob.delta);
    EXPECT_EQ(withBob.attendees, 1) << "only Bob travelled";
    EXPECT_EQ(kiosk->execAndGet("SELECT count(*) FROM attendees").getInt(), 2);

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

TEST_F(RosterTest, MultiDayRulesReachTheKioskWholeAndAsChanges) {
    organiser::EventEditor editor(*server, eventId);
    organiser::EventChanges changes;
    changes.reentryPolicy = "once_per_day";
    changes.timeZone = "Europe/London";
    changes.dayStartsAt = "05:00";
    ASSERT_TRUE(editor.set(changes, {"olga", 5000}).ok());
    ASSERT_TRUE(editor.setTypeDays("General", {"2026-09-12"}, {"olga", 5000}).ok());
    EXPECT_TRUE(download().changed);  // the whole roster
    EXPECT_EQ(kiosk->execAndGet("SELECT day_starts_at FROM events").getInt(), 300);
    // 2026-09-13 02:00 BST still counts as Saturday; from 05:00 the Saturday ticket is refused,
    // by the kiosk alone.
    auto night = rules::CheckInEngine(*kiosk).scan(adaTicket, at(1'789'261'200'000));
    ASSERT_TRUE(night.ok());
    EXPECT_TRUE(night->accepted) << night->detail;
    auto again = rules::CheckInEngine(*kiosk).scan(adaTicket, at(1'789'262'000'000));
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->denial, rules::Denial::kAlreadyEnteredToday) << again->detail;
    auto sunday = rules::CheckInEngine(*kiosk).scan(adaTicket, at(1'789'272'000'000));
    ASSERT_TRUE(sunday.ok());
    EXPECT_EQ(sunday->denial, rules::Denial::kNotValidToday) << sunday->detail;

    // A change of days comes as a change, with the removed day as a tombstone.
    ASSERT_TRUE(editor.setTypeDays("General", {"2026-09-13"}, {"olga", 6000}).ok());
    RosterApplied applied = download();
    EXPECT_TRUE(applied.delta);
    EXPECT_EQ(kiosk->execAndGet("SELECT group_concat(day) FROM ticket_type_days").getString(),
              "2026-09-13");
    auto now = rules::CheckInEngine(*kiosk).scan(adaTicket, at(1'789'272'000'000));
    ASSERT_TRUE(now.ok());
    EXPECT_TRUE(now->accepted) << now->detail;
}

// A kiosk's roster step as the client runs it: pages of `pageKeys` changes until the last, with
// `betweenPages` run after each page (the organiser working meanwhile), then one apply.
Result<RosterApplied, RosterError> syncInPages(SQLite::Database& server, SQLite::Database& replica,
                                               const std::string& eventId, std::int64_t pageKeys,
                                               const std::function<void()>& betweenPages = {}) {
    const std::int64_t have =
        std::stoll(replica
                       .execAndGet("SELECT coalesce((SELECT value FROM meta WHERE key = "
                                   "'sync.roster_version'), '0')")
                       .getString());
    RosterDownload download(eventId, have);
    std::int64_t after = 0;
    for (;;) {
        auto body = rosterJson(server, eventId, have, after, pageKeys);
        if (!body) return fail(body.error());
        auto next = download.add(*body);
        if (!next) return fail(next.error());
        if (!*next) break;
        after = **next;
        if (betweenPages) betweenPages();
    }
    return download.apply(replica);
}

// Every roster table of a replica, in key order, as text: two replicas with the same text hold
// the same roster.
std::string rosterText(SQLite::Database& replica) {
    std::string out;
    for (const char* table :
         {"events", "event_keys", "ticket_types", "ticket_type_gates", "attendees", "tickets",
          "revoked_codes", "blocked_codes", "operators"}) {
        SQLite::Statement q(replica, std::string("SELECT * FROM ") + table + " ORDER BY 1, 2, 3");
        out += std::string(table) + ":\n";
        while (q.executeStep()) {
            for (int i = 0; i < q.getColumnCount(); ++i) {
                out +=
                    (q.getColumn(i).isNull() ? std::string("NULL") : q.getColumn(i).getString()) +
                    "|";
            }
            out += "\n";
        }
    }
    return out;
}

TEST_F(RosterTest, OneRevokedCodeTravelsAsJustThatChange) {
    download();
    const std::int64_t have = held(*kiosk);
    organiser::TicketAdmin admin(*server, eventId);
    ASSERT_TRUE(
        admin.revoke({organiser::TicketSelector::By::kText, adaTicket}, "Refunded", {"olga", 5000})
            .ok());
    auto body = rosterJson(*server, eventId, have);
    ASSERT_TRUE(body.ok()) << body.error().message;
    json sent = json::parse(*body);
    EXPECT_EQ(sent["full"], false);
    EXPECT_EQ(sent["since"], have);
    EXPECT_EQ(sent["more"], false);
    ASSERT_EQ(sent["tables"].size(), 1u) << *body;
    ASSERT_EQ(sent["tables"]["revoked_codes"]["rows"].size(), 1u);
    EXPECT_EQ(sent["tables"]["revoked_codes"]["rows"][0][2], "Refunded");
    EXPECT_TRUE(sent["removed"].empty());
    EXPECT_LT(body->size(), 1024u) << *body;

    auto applied = applyRosterJson(*kiosk, eventId, *body);
    ASSERT_TRUE(applied.ok()) << applied.error().message;
    EXPECT_TRUE(applied->delta);
    EXPECT_EQ(applied->rowsWritten, 1);
    EXPECT_EQ(applied->version, rosterVersion(*server, eventId));
    EXPECT_EQ(held(*kiosk), rosterVersion(*server, eventId));
    auto verdict = rules::CheckInEngine(*kiosk).scan(adaTicket, at(6000));
    ASSERT_TRUE(verdict.ok());
    EXPECT_EQ(verdict->denial, rules::Denial::kRevoked);
    EXPECT_EQ(verdict->detail, "Refunded");
    EXPECT_FALSE(download().changed);
}

TEST_F(RosterTest, ADeletedRowArrivesAsATombstone) {
    const std::int64_t bob = addAttendee("b", "Bob");
    ASSERT_TRUE(organiser::issueTicket(*server, eventId, bob).ok());
    const std::string bobRef = store::Attendees(*server).ticketsOf(bob).at(0).ref;
    store::CodeLists(*server).add(store::CodeList::kBlocked, eventId, bobRef, "copied", 4000);
    download();
    ASSERT_EQ(kiosk->execAndGet("SELECT count(*) FROM blocked_codes").getInt(), 1);
    const std::int64_t have = held(*kiosk);

    ASSERT_TRUE(store::CodeLists(*server).remove(store::CodeList::kBlocked, eventId, bobRef));
    server->exec("DELETE FROM tickets WHERE attendee_id = " + std::to_string(bob));
    server->exec("DELETE FROM attendees WHERE id = " + std::to_string(bob));
    auto body = rosterJson(*server, eventId, have);
    ASSERT_TRUE(body.ok());
    json sent = json::parse(*body);
    EXPECT_TRUE(sent["tables"].empty()) << *body;
    EXPECT_EQ(sent["removed"]["blocked_codes"], json::array({json::array({eventId, bobRef})}));
    EXPECT_EQ(sent["removed"]["tickets"], json::array({json::array({eventId, bobRef})}));
    EXPECT_EQ(sent["removed"]["attendees"], json::array({json::array({bob})}));

    auto applied = applyRosterJson(*kiosk, eventId, *body);
    ASSERT_TRUE(applied.ok()) << applied.error().message;
    EXPECT_EQ(applied->rowsWritten, 3);
    EXPECT_EQ(kiosk->execAndGet("SELECT count(*) FROM blocked_codes").getInt(), 0);
    EXPECT_EQ(kiosk->execAndGet("SELECT count(*) FROM attendees").getInt(), 1);
    EXPECT_EQ(rosterText(*kiosk), [&] {
        auto fresh = open("fresh.db");
        EXPECT_TRUE(applyRosterJson(*fresh, eventId, *rosterJson(*server, eventId, 0)).ok());
        return rosterText(*fresh);
    }());
}

// Found by the differential test below: the whole roster wrote new rows before removing gone
// ones, so an attendee deleted and imported again (a new id, the same import key) was refused.
TEST_F(RosterTest, AnAttendeeImportedAgainUnderANewIdReachesAKioskWholeOrAsChanges) {
    addAttendee("b", "Bob");  // so that Ada's id is not the highest, and is not given again
    download();
    auto asChanges = open("changes.db");
    ASSERT_TRUE(applyRosterJson(*asChanges, eventId, *rosterJson(*server, eventId, 0)).ok());
    server->exec("DELETE FROM tickets WHERE attendee_id = " + std::to_string(adaId));
    server->exec("DELETE FROM attendees WHERE id = " + std::to_string(adaId));
    const std::int64_t again = addAttendee("a", "Ada again");
    ASSERT_NE(again, adaId);
    auto whole = applyRosterJson(*kiosk, eventId, *rosterJson(*server, eventId, 0));
    ASSERT_TRUE(whole.ok()) << whole.error().message;
    auto changes =
        applyRosterJson(*asChanges, eventId, *rosterJson(*server, eventId, held(*asChanges)));
    ASSERT_TRUE(changes.ok()) << changes.error().message;
    EXPECT_TRUE(changes->delta);
    EXPECT_EQ(kiosk->execAndGet("SELECT name FROM attendees WHERE import_key = 'a'").getString(),
              "Ada again");
    EXPECT_EQ(rosterText(*kiosk), rosterText(*asChanges));
}

TEST_F(RosterTest, AKioskTheLogNoLongerReachesGetsTheWholeRoster) {
    download();
    const std::int64_t have = held(*kiosk);
    EXPECT_EQ(rosterAnswerFor(*server, eventId, 0), RosterAnswer::kFull);
    EXPECT_EQ(rosterAnswerFor(*server, eventId, have), RosterAnswer::kUnchanged);
    EXPECT_EQ(rosterAnswerFor(*server, eventId, have + 5), RosterAnswer::kFull)
        << "a kiosk ahead of a server restored from a backup";
    for (int i = 0; i < 5; ++i) addAttendee("n" + std::to_string(i), "New");
    EXPECT_EQ(rosterAnswerFor(*server, eventId, have), RosterAnswer::kChanges);

    // A window of 2 versions: the changes since `have` are forgotten.
    pruneRosterChanges(*server, eventId, 2);
    EXPECT_EQ(rosterAnswerFor(*server, eventId, have), RosterAnswer::kFull);
    EXPECT_EQ(rosterAnswerFor(*server, eventId, rosterVersion(*server, eventId) - 2),
              RosterAnswer::kChanges);
    EXPECT_LE(server->execAndGet("SELECT count(*) FROM roster_changes").getInt(), 3);
    auto body = rosterJson(*server, eventId, have);
    ASSERT_TRUE(body.ok());
    EXPECT_EQ(json::parse(*body)["full"], true);
    RosterApplied applied = download();
    EXPECT_FALSE(applied.delta);
    EXPECT_EQ(applied.attendees, 6);
    EXPECT_EQ(kiosk->execAndGet("SELECT count(*) FROM attendees").getInt(), 6);
}

TEST_F(RosterTest, AKiosksOwnReplicaKeepsNoChangeLog) {
    download();
    addAttendee("b", "Bob");
    download();
    EXPECT_EQ(kiosk->execAndGet("SELECT count(*) FROM roster_changes").getInt(), 0);
    EXPECT_GT(server->execAndGet("SELECT count(*) FROM roster_changes").getInt(), 0);
    auto exported = open("exported.db");
    ASSERT_TRUE(organiser::exportReplica(*server, eventId, *exported).ok());
    EXPECT_EQ(exported->execAndGet("SELECT count(*) FROM attendees").getInt(), 2);
    EXPECT_EQ(exported->execAndGet("SELECT count(*) FROM roster_changes").getInt(), 0);
}

TEST_F(RosterTest, ChangesMadeWhileThePagesArriveAreNotMissed) {
    download();
    for (int i = 0; i < 30; ++i) addAttendee("p" + std::to_string(i), "Page " + std::to_string(i));
    int page = 0;
    auto applied = syncInPages(*server, *kiosk, eventId, 7, [&] {
        // The organiser renames a row already sent, and removes another, between pages.
        ++page;
        server->exec("UPDATE attendees SET name = 'Renamed " + std::to_string(page) +
                     "' WHERE import_key = 'p0'");
        server->exec("DELETE FROM attendees WHERE import_key = 'p" + std::to_string(page) + "'");
    });
    ASSERT_TRUE(applied.ok()) << applied.error().message;
    EXPECT_TRUE(applied->delta);
    EXPECT_GE(page, 4);
    EXPECT_EQ(held(*kiosk), rosterVersion(*server, eventId));
    auto fresh = open("fresh.db");
    ASSERT_TRUE(applyRosterJson(*fresh, eventId, *rosterJson(*server, eventId, 0)).ok());
    EXPECT_EQ(rosterText(*kiosk), rosterText(*fresh));
}

// Differential: random organiser changes; one kiosk follows with changes in pages of random
// sizes (the organiser working between pages too), another with the whole roster each time;
// after each round both hold the same roster, and the server's.
TEST_F(RosterTest, ApplyingChangesEqualsApplyingTheWholeRoster) {
    int deltas = 0;
    for (std::uint32_t seed = 1; seed <= 6; ++seed) {
        SCOPED_TRACE("seed " + std::to_string(seed));
        std::mt19937 random(seed);
        auto pick = [&](int n) { return static_cast<int>(random() % static_cast<unsigned>(n)); };
        auto deltaKiosk = open("delta" + std::to_string(seed) + ".db");
        auto fullKiosk = open("full" + std::to_string(seed) + ".db");
        int made = 0;
        auto randomId = [&]() -> std::optional<std::int64_t> {
            SQLite::Statement q(*server, "SELECT id FROM attendees ORDER BY random() LIMIT 1");
            if (!q.executeStep()) return std::nullopt;
            return q.getColumn(0).getInt64();
        };
        auto randomRef = [&]() -> std::optional<std::string> {
            SQLite::Statement q(*server, "SELECT ref FROM tickets ORDER BY random() LIMIT 1");
            if (!q.executeStep()) return std::nullopt;
            return q.getColumn(0).getString();
        };
        auto change = [&] {
            switch (pick(9)) {
                case 0:
                case 1: {
                    const std::int64_t id = addAttendee("s" + std::to_string(++made), "Someone");
                    ASSERT_TRUE(organiser::issueTicket(*server, eventId, id).ok());
                    break;
                }
                case 2:
                    if (auto id = randomId()) {
                        server->exec("UPDATE attendees SET name = 'N" + std::to_string(pick(1000)) +
                                     "', status = 'cancelled' WHERE id = " + std::to_string(*id));
                    }
                    break;
                case 3:
                    if (auto ref = randomRef()) {
                        store::CodeLists(*server).add(
                            pick(2) ? store::CodeList::kRevoked : store::CodeList::kBlocked,
                            eventId, *ref, "r" + std::to_string(pick(100)), pick(100000));
                    }
                    break;
                case 4:
                    server->exec(
                        "DELETE FROM revoked_codes WHERE rowid IN (SELECT rowid FROM "
                        "revoked_codes ORDER BY random() LIMIT 1)");
                    server->exec(
                        "DELETE FROM blocked_codes WHERE rowid IN (SELECT rowid FROM "
                        "blocked_codes ORDER BY random() LIMIT 1)");
                    break;
                case 5:
                    if (auto id = randomId()) {
                        server->exec("DELETE FROM tickets WHERE attendee_id = " +
                                     std::to_string(*id));
                        server->exec("DELETE FROM attendees WHERE id = " + std::to_string(*id));
                    }
                    break;
                case 6: {
                    const std::string name = "op" + std::to_string(pick(4));
                    if (pick(3) == 0) {
                        store::Operators(*server).remove(name);
                    } else {
                        ASSERT_TRUE(store::Operators(*server)
                                        .set(name, store::Role::kVolunteer,
                                             std::to_string(1000 + pick(9000)))
                                        .ok());
                        ASSERT_TRUE(store::Operators(*server).allowAtEvent(name, eventId).ok());
                    }
                    break;
                }
                case 7:
                    server->exec("UPDATE events SET name = 'Fest " + std::to_string(pick(100)) +
                                 "'");
                    break;
                case 8:
                    if (pick(2)) {
                        server->exec("INSERT OR IGNORE INTO ticket_type_gates VALUES ('" + eventId +
                                     "', 2, 'Gate " + std::to_string(pick(3)) + "')");
                    } else {
                        server->exec("DELETE FROM ticket_type_gates WHERE gate = 'Gate " +
                                     std::to_string(pick(3)) + "'");
                    }
                    break;
            }
        };
        for (int round = 0; round < 12; ++round) {
            const int changes = pick(round == 0 ? 1 : 12);
            for (int i = 0; i < changes; ++i) change();
            auto viaChanges = syncInPages(*server, *deltaKiosk, eventId, 1 + pick(6), [&] {
                if (pick(3) == 0) change();
            });
            ASSERT_TRUE(viaChanges.ok()) << viaChanges.error().message;
            if (viaChanges->delta) ++deltas;
            auto whole = rosterJson(*server, eventId, 0);
            ASSERT_TRUE(whole.ok());
            auto viaWhole = applyRosterJson(*fullKiosk, eventId, *whole);
            ASSERT_TRUE(viaWhole.ok()) << viaWhole.error().message;
            ASSERT_EQ(rosterText(*deltaKiosk), rosterText(*fullKiosk)) << "round " << round;
            ASSERT_EQ(held(*deltaKiosk), held(*fullKiosk));
        }
        EXPECT_GT(made, 0);
    }
    EXPECT_GE(deltas, 50) << "most rounds came as changes, not whole";
}

TEST_F(RosterTest, ADamagedChangeIsRefusedWholeAndNamesWhere) {
    download();
    const std::int64_t have = held(*kiosk);
    const std::string before = rosterText(*kiosk);
    addAttendee("b", "Bob");
    addAttendee("c", "Cy");
    const std::string adaRef = store::Attendees(*server).ticketsOf(adaId).at(0).ref;
    store::CodeLists(*server).add(store::CodeList::kRevoked, eventId, adaRef, "refund", 4000);
    auto body = rosterJson(*server, eventId, have);
    ASSERT_TRUE(body.ok());
    const json good = json::parse(*body);
    ASSERT_EQ(good["tables"]["attendees"]["rows"].size(), 2u) << *body;

    auto refusedWith = [&](const json& damaged) {
        auto refused = applyRosterJson(*kiosk, eventId, damaged.dump());
        EXPECT_FALSE(refused.ok());
        EXPECT_EQ(rosterText(*kiosk), before) << "the previous roster is kept";
        EXPECT_EQ(held(*kiosk), have);
        return refused.ok() ? RosterError{} : refused.error();
    };
    json badStatus = good;
    badStatus["tables"]["attendees"]["rows"][1][6] = "vip";
    EXPECT_EQ(refusedWith(badStatus).message.rfind("roster table attendees row 2 is refused", 0),
              0u)
        << refusedWith(badStatus).message;

    json badColumns = good;
    badColumns["tables"]["revoked_codes"]["columns"][2] = "why";
    EXPECT_EQ(refusedWith(badColumns).message.rfind("roster table revoked_codes has columns", 0),
              0u);

    json shortRow = good;
    shortRow["tables"]["attendees"]["rows"][0].erase(7);
    EXPECT_EQ(refusedWith(shortRow).message, "roster table attendees row 1 does not have 8 values");

    json otherEvent = good;
    otherEvent["removed"]["tickets"] =
        json::array({json::array({"0190a8c4-5e3b-7c2d-9f00-1a2b3c4d5e6f", adaRef})});
    EXPECT_EQ(refusedWith(otherEvent).message,
              "roster table tickets removed key 1 column event_id is not this kiosk's event");

    json unknownTable = good;
    unknownTable["tables"]["checkins"] = good["tables"]["attendees"];
    EXPECT_EQ(refusedWith(unknownTable).message, "the roster has an unknown table \"checkins\"");

    json orphan = good;  // a ticket whose attendee the kiosk does not have
    orphan["tables"]["tickets"] = {{"columns", {"event_id", "ref", "kind", "attendee_id"}},
                                   {"rows", {{eventId, "ff", "opaque", 999}}}};
    EXPECT_EQ(refusedWith(orphan).message.rfind("the roster's changes are refused", 0), 0u)
        << refusedWith(orphan).message;

    json otherBase = good;
    otherBase["since"] = have - 1;
    EXPECT_EQ(refusedWith(otherBase).message, "the roster's changes are not since version " +
                                                  std::to_string(have) +
                                                  ", the version this kiosk holds");

    json otherProtocol = good;
    otherProtocol["protocol"] = 1;
    RosterError protocol = refusedWith(otherProtocol);
    EXPECT_EQ(protocol.kind, RosterError::Kind::kProtocol);
    EXPECT_EQ(protocol.message, "the server speaks sync protocol 1, this kiosk " +
                                    std::to_string(kProtocolVersion) +
                                    ": update Admit on the server");
    EXPECT_EQ(refusedWith(badStatus).kind, RosterError::Kind::kRefused);

    json notLast = good;
    notLast["more"] = true;
    notLast["next"] = 99;
    EXPECT_EQ(refusedWith(notLast).message, "the roster answer is one page of several");

    auto applied = applyRosterJson(*kiosk, eventId, good.dump());
    ASSERT_TRUE(applied.ok()) << applied.error().message;
    EXPECT_EQ(kiosk->execAndGet("SELECT count(*) FROM attendees").getInt(), 3);
    EXPECT_FALSE(applyRosterJson(*kiosk, eventId, good.dump()).ok())
        << "changes since an older version are not applied again";
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
