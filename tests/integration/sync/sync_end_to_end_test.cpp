// Kiosk replicas synced by SyncClient against the real admit-server program, serving an
// organiser database made with the organiser functions. Covers docs/sync.md end to end:
// enrolment, upload in batches, download in pages, roster versions, duplicates across kiosks,
// a server that stops or freezes mid-way, and refused tokens.

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include "admit/base/version.hpp"
#include "admit/organiser/attendee_import.hpp"
#include "admit/organiser/event_admin.hpp"
#include "admit/replica/replica.hpp"
#include "admit/replica/replica_key.hpp"
#include "admit/rules/checkin_engine.hpp"
#include "admit/store/attendees.hpp"
#include "admit/store/checkin_log.hpp"
#include "admit/store/clock.hpp"
#include "admit/store/hybrid_logical_clock.hpp"
#include "admit/store/outbox.hpp"
#include "admit/store/schema.hpp"
#include "admit/store/store.hpp"
#include "admit/sync/client/http_client.hpp"
#include "admit/sync/client/sync_client.hpp"
#include "admit/sync/client/sync_state.hpp"
#include "admit/sync/protocol/heartbeat.hpp"
#include "admit/sync/store/device_registry.hpp"
#include "admit/sync/store/enrolment_tokens.hpp"
#include "admit/sync/store/received_checkins.hpp"
#include "admit/sync/store/server_store.hpp"
#include "server_process.hpp"
#include "temp_dir.hpp"

namespace admit::sync {
namespace {

using namespace std::chrono_literals;

struct Kiosk {
    std::string name;
    std::string gate;
    std::unique_ptr<SQLite::Database> db;
    std::unique_ptr<rules::CheckInEngine> engine;  // made once the roster is there
};

class SyncEndToEnd : public ::testing::Test {
  protected:
    void SetUp() override {
        now = store::systemTimeMs();
        auto key = replica::ReplicaKey::generate();
        ASSERT_TRUE(replica::writeKeyFile(dir / "server.key", key).ok());
        auto opened = replica::openReplica(dir / "server.db", key, replica::OpenMode::kCreate);
        ASSERT_TRUE(opened.ok()) << opened.error().message;
        org = std::make_unique<SQLite::Database>(std::move(*opened));
        store::applyConnectionSettings(*org);
        ASSERT_TRUE(store::migrate(*org).ok());
        auto event = organiser::createEvent(
            *org, {"Sync Fest", store::ReentryPolicy::kSingle, {"General", "VIP"}}, now);
        ASSERT_TRUE(event.ok()) << event.error().message;
        eventId = event->id;
        importCsv(
            "name,email,ticket_type,status\n"
            "Ada Lovelace,ada@example.org,General,approved\n"
            "Grace Hopper,grace@example.org,VIP,approved\n"
            "Alan Turing,alan@example.org,General,approved\n");

        // Tickets are issued before kiosks sync: the roster carries them (and their attendees).
        for (const char* name : {"Ada Lovelace", "Grace Hopper", "Alan Turing"}) ticketOf(name);

        server = std::make_unique<admit::testing::ServerProcess>(
            dir.file("server.db"), dir.file("server.key"), dir.file("server.log"));
        server->start();
    }

    void TearDown() override {
        if (HasFailure() && server) std::cerr << "admit-server log:\n" << server->log();
    }

    void importCsv(const std::string& csv) {
        auto imported = organiser::importAttendees(*org, eventId, csv, "people.csv", "olga", now);
        ASSERT_TRUE(imported.ok()) << imported.error().message;
    }

    std::int64_t attendeeId(const std::string& name) {
        SQLite::Statement q(*org, "SELECT id FROM attendees WHERE event_id = ? AND name = ?");
        q.bind(1, eventId);
        q.bind(2, name);
        return q.executeStep() ? q.getColumn(0).getInt64() : 0;
    }

    organiser::IssuedTicket ticketOf(const std::string& name) {
        auto issued = organiser::issueTicket(*org, eventId, attendeeId(name));
        EXPECT_TRUE(issued.ok()) << issued.error().message;
        return issued.ok() ? *issued : organiser::IssuedTicket{};
    }

    // A kiosk as the kiosk app opens it: an encrypted replica with foreign keys, migrated.
    Kiosk newKiosk(const std::string& name, const std::string& gate) {
        Kiosk k{name, gate, nullptr, nullptr};
        auto key = replica::ReplicaKey::generate();
        auto opened = replica::openReplica(dir / (name + ".db"), key, replica::OpenMode::kCreate);
        EXPECT_TRUE(opened.ok()) << opened.error().message;
        k.db = std::make_unique<SQLite::Database>(std::move(*opened));
        k.db->exec("PRAGMA foreign_keys = ON");
        EXPECT_TRUE(store::migrate(*k.db).ok());
        return k;
    }

    std::string issueEnrolmentToken() {
        auto token = sync::EnrolmentTokens(*org).issue(eventId, now);
        EXPECT_TRUE(token.ok()) << token.error().message;
        return token.ok() ? *token : "";
    }

    Result<EnrolResponse, SyncError> enrol(Kiosk& k, const std::string& token) {
        auto enrolled =
            SyncClient(server->url()).enrol({eventId, token, store::deviceId(*k.db), k.name});
        if (enrolled) saveEnrolment(*k.db, server->url(), enrolled->deviceToken);
        return enrolled;
    }

    // Enrols and runs the first round, as a kiosk does after scanning an online set-up code.
    void setUp(Kiosk& k) {
        auto enrolled = enrol(k, issueEnrolmentToken());
        ASSERT_TRUE(enrolled.ok()) << enrolled.error().message;
        EXPECT_EQ(enrolled->eventName, "Sync Fest");
        auto first = round(k);
        ASSERT_TRUE(first.ok()) << first.error().step << ": " << first.error().message;
        k.engine = std::make_unique<rules::CheckInEngine>(*k.db);
    }

    Result<RoundReport, SyncError> round(Kiosk& k, Timeouts timeouts = {}) {
        return SyncClient(server->url(), timeouts).runRound(*k.db, eventId, k.gate, now);
    }

    RoundReport roundOk(Kiosk& k) {
        auto r = round(k);
        EXPECT_TRUE(r.ok()) << r.error().step << ": " << r.error().message;
        return r.ok() ? *r : RoundReport{};
    }

    rules::Verdict scan(Kiosk& k, const std::string& text, std::int64_t atMs) {
        auto verdict = k.engine->scan(text, {eventId, k.gate, store::Direction::kEntry, "", atMs});
        EXPECT_TRUE(verdict.ok()) << verdict.error().message;
        return verdict.ok() ? *verdict : rules::Verdict{};
    }

    std::int64_t serverCount(const std::string& sql) { return org->execAndGet(sql).getInt64(); }

    std::int64_t pending(Kiosk& k) { return store::Outbox(*k.db).pendingCount(); }

    store::AttendanceStats stats(Kiosk& k) {
        store::HybridLogicalClock clock(*k.db);
        return store::CheckInLog(*k.db, clock).stats(eventId);
    }

    admit::testing::TempDir dir;
    std::int64_t now = 0;
    std::unique_ptr<SQLite::Database> org;
    std::string eventId;
    std::unique_ptr<admit::testing::ServerProcess> server;
};

TEST_F(SyncEndToEnd, EnrolmentAndTheFirstRoundBringTheRosterToAnEmptyReplica) {
    Kiosk a = newKiosk("kiosk-a", "North");
    auto enrolled = enrol(a, issueEnrolmentToken());
    ASSERT_TRUE(enrolled.ok()) << enrolled.error().message;
    auto first = round(a);
    ASSERT_TRUE(first.ok()) << first.error().step << ": " << first.error().message;
    EXPECT_TRUE(first->rosterChanged);
    EXPECT_GT(first->rosterVersion, 0);
    EXPECT_EQ(first->uploaded, 0);
    EXPECT_EQ(first->downloaded, 0);

    SyncState state = readSyncState(*a.db);
    EXPECT_EQ(state.serverUrl, server->url());
    EXPECT_EQ(state.lastSuccessAtMs, now);
    EXPECT_EQ(state.lastError, "");
    EXPECT_EQ(state.rosterVersion, first->rosterVersion);
    ASSERT_EQ(state.devices.size(), 1u);
    EXPECT_EQ(state.devices[0].deviceId, store::deviceId(*a.db));
    EXPECT_EQ(state.devices[0].name, "kiosk-a");

    // The kiosk admits from the downloaded roster, and the check-in reaches the server.
    a.engine = std::make_unique<rules::CheckInEngine>(*a.db);
    rules::Verdict admitted = scan(a, ticketOf("Ada Lovelace").text, now + 1000);
    ASSERT_TRUE(admitted.accepted) << admitted.detail;
    ASSERT_TRUE(admitted.attendee);
    EXPECT_EQ(admitted.attendee->name, "Ada Lovelace");
    RoundReport second = roundOk(a);
    EXPECT_EQ(second.uploaded, 1);
    EXPECT_EQ(pending(a), 0);
    EXPECT_EQ(serverCount("SELECT count(*) FROM checkins WHERE id = '" + admitted.checkIn->id +
                          "' AND gate = 'North'"),
              1);
}

// Each round tells the server the kiosk's version, unsent entries and clock; a kiosk whose clock
// is 10 minutes ahead is listed with that offset, and every kiosk sees it in the devices list.
TEST_F(SyncEndToEnd, EachRoundReportsVersionBacklogAndClock) {
    Kiosk a = newKiosk("kiosk-a", "North");
    setUp(a);
    scan(a, ticketOf("Ada Lovelace").text, now + 1000);
    scan(a, "AT1:nonsense", now + 2000);
    ASSERT_EQ(pending(a), 2);
    const std::int64_t realNow = now;
    now = store::systemTimeMs() + 600'000;  // this kiosk's clock: 10 minutes fast
    roundOk(a);
    now = realNow;
    auto seen = sync::DeviceRegistry(*org).find(store::deviceId(*a.db));
    ASSERT_TRUE(seen);
    EXPECT_EQ(seen->appVersion, std::string(admit::version()));
    // Reported with the download, after the upload emptied the outbox.
    EXPECT_EQ(seen->outboxDepth, 0);
    ASSERT_TRUE(seen->clockOffsetMs);
    EXPECT_GT(*seen->clockOffsetMs, 590'000);
    EXPECT_LT(*seen->clockOffsetMs, 610'000);
    EXPECT_TRUE(clockIsOff(seen->clockOffsetMs));

    Kiosk b = newKiosk("kiosk-b", "South");
    setUp(b);
    SyncState state = readSyncState(*b.db);
    ASSERT_EQ(state.devices.size(), 2u);
    auto off = std::find_if(state.devices.begin(), state.devices.end(),
                            [](const DeviceStatus& d) { return clockIsOff(d.clockOffsetMs); });
    ASSERT_NE(off, state.devices.end());
    EXPECT_EQ(off->name, "kiosk-a");
    EXPECT_EQ(clockOffsetText(*off->clockOffsetMs), "clock 10 min ahead");
}

// The event's device list (the dashboard's "kiosks" panel) costs the server a pass over every
// check-in of the event (about 60 ms at 100,000), and a kiosk runs a round whenever news
// arrives: it is asked for at most every 30 s, not in every round.
TEST_F(SyncEndToEnd, TheDeviceListIsAskedForAtMostEveryThirtySeconds) {
    Kiosk a = newKiosk("kiosk-a", "North");
    setUp(a);
    ASSERT_EQ(readSyncState(*a.db).devices.size(), 1u);
    Kiosk b = newKiosk("kiosk-b", "South");
    setUp(b);
    EXPECT_EQ(readSyncState(*b.db).devices.size(), 2u);

    now += 29'000;
    roundOk(a);
    EXPECT_EQ(readSyncState(*a.db).devices.size(), 1u) << "asked again within 30 s";
    now += 1'000;
    roundOk(a);
    EXPECT_EQ(readSyncState(*a.db).devices.size(), 2u) << "not asked again after 30 s";
    // A clock set back does not stop the list for as long as it went back.
    now -= 3'600'000;
    Kiosk c = newKiosk("kiosk-c", "East");
    setUp(c);
    roundOk(a);
    EXPECT_EQ(readSyncState(*a.db).devices.size(), 3u);
}

TEST_F(SyncEndToEnd, OfflineCheckInsUploadLaterInBatchesWithNothingLost) {
    Kiosk a = newKiosk("kiosk-a", "North");
    Kiosk b = newKiosk("kiosk-b", "South");
    setUp(a);
    setUp(b);

    server->stop();  // the venue Wi-Fi is down
    ASSERT_TRUE(scan(a, ticketOf("Ada Lovelace").text, now + 1000).accepted);
    ASSERT_TRUE(scan(a, ticketOf("Grace Hopper").text, now + 2000).accepted);
    {
        // A busy door: 1,234 more check-ins while offline (more than two upload batches and
        // more than one download page).
        store::HybridLogicalClock clock(*a.db);
        store::CheckInLog log(*a.db, clock);
        SQLite::Transaction transaction(*a.db);
        for (int i = 0; i < 1234; ++i) {
            log.append({eventId, "walk-in-" + std::to_string(i), std::nullopt, "North",
                        store::Direction::kEntry, ""},
                       now + 3000 + i);
        }
        transaction.commit();
    }
    auto offline = round(a);
    ASSERT_FALSE(offline.ok());
    EXPECT_EQ(offline.error().kind, SyncError::Kind::kUnreachable);
    EXPECT_EQ(offline.error().step, "upload");
    EXPECT_EQ(offline.error().message, "could not reach the server: Connection refused");
    EXPECT_EQ(pending(a), 1236);
    EXPECT_EQ(readSyncState(*a.db).lastError,
              "upload failed: could not reach the server: Connection refused");

    server->restart();
    RoundReport uploaded = roundOk(a);
    EXPECT_EQ(uploaded.uploaded, 1236);
    EXPECT_EQ(pending(a), 0);
    EXPECT_EQ(readSyncState(*a.db).lastError, "");
    EXPECT_EQ(serverCount("SELECT count(*) FROM checkins"), 1236);
    EXPECT_EQ(serverCount("SELECT count(*) FROM sync_quarantine"), 0);

    RoundReport downloaded = roundOk(b);
    EXPECT_EQ(downloaded.downloaded, 1236);
    EXPECT_EQ(stats(b).checkedIn, 1236);
    EXPECT_EQ(pending(b), 0) << "received records are not re-uploaded";
    EXPECT_EQ(roundOk(b).downloaded, 0) << "the cursor moved past them";
}

// The organiser's database is restored from a backup taken before kiosk A's last uploads. The
// server tells A how far it holds its outbox, and A sends the rest again, also when A uploads
// new check-ins first; kiosk B, whose download cursor counted in the lost order, reads the
// restored order from the start and misses nothing.
TEST_F(SyncEndToEnd, AfterARestoreFromABackupKiosksSendAgainAndReadAgainWhatTheServerLost) {
    Kiosk a = newKiosk("kiosk-a", "North");
    Kiosk b = newKiosk("kiosk-b", "South");
    setUp(a);
    setUp(b);
    auto walkIns = [&](int first, int count) {
        store::HybridLogicalClock clock(*a.db);
        store::CheckInLog log(*a.db, clock);
        SQLite::Transaction transaction(*a.db);
        for (int i = first; i < first + count; ++i) {
            log.append({eventId, "walk-in-" + std::to_string(i), std::nullopt, "North",
                        store::Direction::kEntry, ""},
                       now + 1000 + i);
        }
        transaction.commit();
    };
    walkIns(0, 40);
    EXPECT_EQ(roundOk(a).uploaded, 40);
    auto key = replica::loadKeyFile(dir / "server.key");
    ASSERT_TRUE(key.ok());
    auto copied = backupServerDatabase(dir / "server.db", *key, dir / "backup.db");
    ASSERT_TRUE(copied.ok()) << copied.error().message;
    walkIns(40, 700);  // two upload batches acknowledged after the copy
    RoundReport after = roundOk(a);
    EXPECT_EQ(after.uploaded, 700);
    EXPECT_EQ(after.resent, 0);
    EXPECT_EQ(roundOk(b).downloaded, 740);
    EXPECT_EQ(serverCount("SELECT count(*) FROM checkins"), 740);

    // The server's disk is lost; the organiser restores the copy.
    const std::string listen = server->url().substr(std::string("http://").size());
    server->stop();
    org.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) {
        std::filesystem::remove(dir.file("server.db") + suffix);
    }
    std::filesystem::copy_file(dir / "backup.db", dir / "server.db");
    auto reopened = replica::openReplica(dir / "server.db", *key, replica::OpenMode::kReadWrite);
    ASSERT_TRUE(reopened.ok()) << reopened.error().message;
    org = std::make_unique<SQLite::Database>(std::move(*reopened));
    EXPECT_EQ(serverCount("SELECT count(*) FROM checkins"), 40);
    server->start(listen);

    // A makes three more before its next round: that upload starts past what the server holds.
    walkIns(740, 3);
    RoundReport noticed = roundOk(a);
    EXPECT_EQ(noticed.uploaded, 3);
    EXPECT_EQ(noticed.resent, 703) << "the server holds A's entries through the 40th only";
    EXPECT_EQ(pending(a), 703);
    RoundReport resent = roundOk(a);
    EXPECT_EQ(resent.uploaded, 703);
    EXPECT_EQ(resent.resent, 0);
    EXPECT_EQ(pending(a), 0);
    EXPECT_EQ(serverCount("SELECT count(*) FROM checkins"), 743);
    EXPECT_EQ(serverCount("SELECT count(*) FROM sync_quarantine"), 0);
    EXPECT_EQ(roundOk(a).resent, 0) << "nothing more once the server holds everything";

    // B's cursor counted in the lost order; the restored one has a new name.
    RoundReport read = roundOk(b);
    EXPECT_EQ(read.orderRestarts, 1);
    EXPECT_EQ(read.downloaded, 3) << "the three made after the restore; the rest B had";
    EXPECT_EQ(stats(b).checkedIn, 743);
    EXPECT_EQ(roundOk(b).orderRestarts, 0);
}

TEST_F(SyncEndToEnd, SameTicketAdmittedOfflineAtTwoKiosksIsADuplicateEverywhere) {
    Kiosk a = newKiosk("kiosk-a", "North");
    Kiosk b = newKiosk("kiosk-b", "South");
    setUp(a);
    setUp(b);
    const std::string ada = ticketOf("Ada Lovelace").text;

    // Both offline: each admits Ada, B a minute before A.
    ASSERT_TRUE(scan(b, ada, now + 60'000).accepted);
    ASSERT_TRUE(scan(a, ada, now + 120'000).accepted);

    roundOk(a);
    roundOk(b);
    roundOk(a);

    for (Kiosk* k : {&a, &b}) {
        store::AttendanceStats s = stats(*k);
        ASSERT_EQ(s.duplicates.size(), 1u) << k->name;
        EXPECT_EQ(s.duplicates[0].attendeeName, "Ada Lovelace");
        EXPECT_EQ(s.duplicates[0].entries, 2);
        EXPECT_EQ(s.duplicates[0].devices, 2);
    }
    // A third scan at B is refused, naming the latest entry: A's gate.
    rules::Verdict third = scan(b, ada, now + 180'000);
    EXPECT_FALSE(third.accepted);
    ASSERT_EQ(third.denial, rules::Denial::kAlreadyCheckedIn);
    ASSERT_TRUE(third.previous);
    EXPECT_EQ(third.previous->gate, "North");
    EXPECT_EQ(third.previous->deviceId, store::deviceId(*a.db));
}

TEST_F(SyncEndToEnd, AnUndoAtOneKioskReachesTheOther) {
    Kiosk a = newKiosk("kiosk-a", "North");
    Kiosk b = newKiosk("kiosk-b", "South");
    setUp(a);
    setUp(b);
    const std::string alan = ticketOf("Alan Turing").text;
    ASSERT_TRUE(scan(a, alan, now + 1000).accepted);
    ASSERT_TRUE(
        a.engine->undoLast({eventId, "North", store::Direction::kEntry, "", now + 2000}).ok());
    EXPECT_EQ(roundOk(a).uploaded, 2);
    EXPECT_EQ(roundOk(b).downloaded, 2);
    EXPECT_EQ(stats(b).checkedIn, 0);
    EXPECT_TRUE(scan(b, alan, now + 3000).accepted) << "the admission was undone";
}

TEST_F(SyncEndToEnd, ACheckInAtTheOrganisersDeskReachesTheKiosks) {
    Kiosk a = newKiosk("kiosk-a", "North");
    setUp(a);
    const std::string grace = ticketOf("Grace Hopper").text;
    // What `admit checkin --db server.db` does, on the database the running server serves.
    rules::CheckInEngine desk(*org);
    auto atDesk = desk.scan(grace, {eventId, "Desk", store::Direction::kEntry, "olga", now + 1000});
    ASSERT_TRUE(atDesk.ok()) << atDesk.error().message;
    ASSERT_TRUE(atDesk->accepted);
    EXPECT_EQ(roundOk(a).downloaded, 1);
    rules::Verdict atDoor = scan(a, grace, now + 2000);
    EXPECT_FALSE(atDoor.accepted);
    ASSERT_EQ(atDoor.denial, rules::Denial::kAlreadyCheckedIn);
    ASSERT_TRUE(atDoor.previous);
    EXPECT_EQ(atDoor.previous->gate, "Desk");
    EXPECT_EQ(roundOk(a).downloaded, 0) << "downloaded once";
}

TEST_F(SyncEndToEnd, AServerThatFreezesMidRoundTimesOutAndTheNextRoundCompletes) {
    Kiosk a = newKiosk("kiosk-a", "North");
    setUp(a);
    ASSERT_TRUE(scan(a, ticketOf("Grace Hopper").text, now + 1000).accepted);

    server->freeze();
    Timeouts quick;
    quick.request = 700ms;
    auto frozen = round(a, quick);
    ASSERT_FALSE(frozen.ok());
    EXPECT_EQ(frozen.error().kind, SyncError::Kind::kUnreachable);
    EXPECT_EQ(frozen.error().step, "upload");
    EXPECT_EQ(frozen.error().message, "could not reach the server: timed out after 700 ms");
    EXPECT_EQ(pending(a), 1) << "nothing acknowledged, nothing moved";

    server->resume();
    RoundReport next = roundOk(a);
    EXPECT_EQ(next.uploaded, 1);
    EXPECT_EQ(pending(a), 0);
    EXPECT_EQ(serverCount("SELECT count(*) FROM checkins"), 1);
}

TEST_F(SyncEndToEnd, AFrozenServerDuringTheDownloadLeavesTheCursorForTheNextRound) {
    Kiosk a = newKiosk("kiosk-a", "North");
    Kiosk b = newKiosk("kiosk-b", "South");
    setUp(a);
    setUp(b);
    ASSERT_TRUE(scan(a, ticketOf("Ada Lovelace").text, now + 1000).accepted);
    ASSERT_TRUE(scan(a, ticketOf("Alan Turing").text, now + 2000).accepted);
    EXPECT_EQ(roundOk(a).uploaded, 2);
    const std::int64_t cursorBefore = readSyncState(*b.db).checkinsAfter;

    // B has nothing to upload, so its round starts with the download.
    server->freeze();
    Timeouts quick;
    quick.request = 500ms;
    auto frozen = round(b, quick);
    ASSERT_FALSE(frozen.ok());
    EXPECT_EQ(frozen.error().kind, SyncError::Kind::kUnreachable);
    EXPECT_EQ(frozen.error().step, "download");
    SyncState state = readSyncState(*b.db);
    EXPECT_EQ(state.checkinsAfter, cursorBefore);
    EXPECT_EQ(state.lastError,
              "download failed: could not reach the server: timed out after 500 ms");
    EXPECT_EQ(stats(b).checkedIn, 0);

    server->resume();
    RoundReport next = roundOk(b);
    EXPECT_EQ(next.downloaded, 2);
    EXPECT_EQ(stats(b).checkedIn, 2);
    EXPECT_GT(readSyncState(*b.db).checkinsAfter, cursorBefore);
}

TEST_F(SyncEndToEnd, RefusedTokensAreRefusedAndNeverShown) {
    Kiosk a = newKiosk("kiosk-a", "North");
    setUp(a);
    const std::string token = issueEnrolmentToken();
    Kiosk b = newKiosk("kiosk-b", "South");
    ASSERT_TRUE(enrol(b, token).ok());

    // An enrolment token works once.
    auto reused = enrol(a, token);
    ASSERT_FALSE(reused.ok());
    EXPECT_EQ(reused.error().kind, SyncError::Kind::kRefused);
    EXPECT_EQ(reused.error().step, "enrol");
    EXPECT_EQ(reused.error().message.rfind("the server refused the enrolment token (410)", 0), 0u)
        << reused.error().message;
    EXPECT_EQ(reused.error().message.find(token), std::string::npos);

    // A device token the server does not know (a kiosk with pending check-ins).
    ASSERT_TRUE(scan(a, ticketOf("Ada Lovelace").text, now + 1000).accepted);
    const std::string forged = "Zm9yZ2VkLWRldmljZS10b2tlbi10aGF0LWlzLWxvbmctZW5vdWdo";
    saveEnrolment(*a.db, server->url(), forged);
    auto refused = round(a);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().kind, SyncError::Kind::kRefused);
    EXPECT_EQ(refused.error().step, "upload");
    EXPECT_EQ(refused.error().message.rfind("the server refused the device token (401)", 0), 0u)
        << refused.error().message;
    EXPECT_EQ(refused.error().message.find(forged), std::string::npos);
    const std::string lastError = readSyncState(*a.db).lastError;
    EXPECT_NE(lastError.find("(401)"), std::string::npos);
    EXPECT_EQ(lastError.find(forged), std::string::npos);
    EXPECT_EQ(server->log().find(forged), std::string::npos) << "nor in the server's log";
    EXPECT_EQ(pending(a), 1);

    // A valid device token used for another event.
    auto other = organiser::createEvent(*org, {"Other Fest"}, now);
    ASSERT_TRUE(other.ok());
    Kiosk c = newKiosk("kiosk-c", "East");
    setUp(c);
    auto otherEvent = SyncClient(server->url()).runRound(*c.db, other->id, c.gate, now);
    ASSERT_FALSE(otherEvent.ok());
    EXPECT_EQ(otherEvent.error().kind, SyncError::Kind::kRefused);
    EXPECT_NE(otherEvent.error().message.find("(403)"), std::string::npos)
        << otherEvent.error().message;
}

TEST_F(SyncEndToEnd, RosterChangesReachTheKioskAndAnUnchangedRosterIsNotSentAgain) {
    Kiosk a = newKiosk("kiosk-a", "North");
    setUp(a);
    const std::int64_t firstVersion = readSyncState(*a.db).rosterVersion;
    RoundReport unchanged = roundOk(a);
    EXPECT_FALSE(unchanged.rosterChanged);
    EXPECT_EQ(unchanged.rosterVersion, firstVersion);

    // The organiser revokes Grace's ticket and imports a late registration on the server.
    const organiser::IssuedTicket grace = ticketOf("Grace Hopper");
    store::CodeLists(*org).add(store::CodeList::kRevoked, eventId, grace.ticketRef, "refunded",
                               now);
    importCsv(
        "name,email,ticket_type,status\n"
        "Katherine Johnson,katherine@example.org,VIP,approved\n");
    const organiser::IssuedTicket katherine = ticketOf("Katherine Johnson");

    RoundReport changed = roundOk(a);
    EXPECT_TRUE(changed.rosterChanged);
    EXPECT_GT(changed.rosterVersion, firstVersion);
    EXPECT_EQ(readSyncState(*a.db).rosterVersion, changed.rosterVersion);

    a.engine = std::make_unique<rules::CheckInEngine>(*a.db);
    rules::Verdict revoked = scan(a, grace.text, now + 1000);
    EXPECT_FALSE(revoked.accepted);
    EXPECT_EQ(revoked.denial, rules::Denial::kRevoked);
    rules::Verdict late = scan(a, katherine.text, now + 2000);
    EXPECT_TRUE(late.accepted) << late.detail;

    RoundReport again = roundOk(a);
    EXPECT_FALSE(again.rosterChanged);
    EXPECT_EQ(again.rosterVersion, changed.rosterVersion);
}

TEST_F(SyncEndToEnd, TransportLimitsAnswersAndCompressesTheRoster) {
    std::string csv = "name,email,ticket_type,status\n";
    for (int i = 0; i < 2000; ++i) {
        csv += "Guest " + std::to_string(i) + ",guest" + std::to_string(i) +
               "@example.org,General,approved\n";
    }
    importCsv(csv);
    Kiosk a = newKiosk("kiosk-a", "North");
    setUp(a);
    HttpClient http;
    HttpRequest request;
    request.url = server->url() + rosterPath(eventId) +
                  "?protocol=" + std::to_string(kProtocolVersion) + "&have=0";
    request.bearerToken = *readDeviceToken(*a.db);
    auto whole = http.perform(request);
    ASSERT_TRUE(whole.ok()) << whole.error().message;
    EXPECT_EQ(whole->status, 200);
    EXPECT_NE(whole->body.find("\"Guest 1999\""), std::string::npos);
    // libcurl asked for compression and decoded it: far fewer bytes travelled than arrived.
    EXPECT_GT(whole->body.size(), 100'000u);
    EXPECT_LT(whole->wireBytes * 3, static_cast<std::int64_t>(whole->body.size()))
        << whole->wireBytes << " bytes on the wire";

    request.maxResponseBytes = 256;
    auto limited = http.perform(request);
    ASSERT_FALSE(limited.ok());
    EXPECT_EQ(limited.error().kind, HttpError::Kind::kTooLarge);
    EXPECT_EQ(limited.error().message, "the server's answer is larger than 256 bytes");
}

}  // namespace
}  // namespace admit::sync
