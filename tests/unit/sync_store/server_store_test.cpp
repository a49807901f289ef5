#include "admit/sync/store/server_store.hpp"
#include "admit/sync/store/enrolment_tokens.hpp"

#include <algorithm>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "admit/organiser/attendee_import.hpp"
#include "admit/store/denied_scan.hpp"
#include "admit/store/hybrid_logical_clock.hpp"
#include "admit/store/outbox.hpp"
#include "admit/sync/protocol/roster.hpp"
#include "admit/sync/store/device_registry.hpp"
#include "server_fixture.hpp"

namespace admit::sync {
namespace {

using testing::kT0;
using Kind = ServerErrorKind;

constexpr const char* kStranger = "0190a8c4-5e3b-7c2d-9f00-1a2b3c4d5e6f";  // another device

class ServerStoreTest : public testing::ServerFixture {
  protected:
    ServerStore server() { return ServerStore(*org); }
};

TEST_F(ServerStoreTest, EnrolRedeemsTheTokenOnceAndRegistersTheDevice) {
    auto kiosk = makeKiosk("gate-a");
    auto token = EnrolmentTokens(*org).issue(eventId, kT0);
    ASSERT_TRUE(token.ok());
    auto enrolled =
        server().enrol({eventId, *token, store::deviceId(*kiosk), "Gate A kiosk"}, kT0 + 5);
    ASSERT_TRUE(enrolled.ok()) << enrolled.error().message;
    EXPECT_EQ(enrolled->eventName, "Sync Fest");
    EXPECT_EQ(enrolled->deviceToken.size(), 43u);
    EXPECT_NE(enrolled->deviceToken, *token);
    SQLite::Statement device(*org, "SELECT event_id, name, enrolled_at, token_hash FROM devices");
    ASSERT_TRUE(device.executeStep());
    EXPECT_EQ(device.getColumn(0).getString(), eventId);
    EXPECT_EQ(device.getColumn(1).getString(), "Gate A kiosk");
    EXPECT_EQ(device.getColumn(2).getInt64(), kT0 + 5);
    auto hash = tokenHash(enrolled->deviceToken);
    EXPECT_EQ(std::string(static_cast<const char*>(device.getColumn(3).getBlob()), 32),
              std::string(hash.begin(), hash.end()));
    EXPECT_EQ(count("SELECT used_at FROM enrolment_tokens"), kT0 + 5);

    auto again = server().enrol({eventId, *token, "another-device", "thief"}, kT0 + 6);
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().kind, Kind::kGone);
    EXPECT_EQ(httpStatus(again.error().kind), 410);
    EXPECT_EQ(again.error().message.find(*token), std::string::npos);
    EXPECT_EQ(count("SELECT count(*) FROM devices"), 1);
}

TEST_F(ServerStoreTest, EnrolRefusesExpiredUnknownAndOtherEventTokens) {
    auto kiosk = makeKiosk("k");
    std::string device = store::deviceId(*kiosk);
    auto token = EnrolmentTokens(*org).issue(eventId, kT0);
    ASSERT_TRUE(token.ok());
    const std::int64_t week = kEnrolmentTokenLifetimeMs;
    auto expired = server().enrol({eventId, *token, device, "k"}, kT0 + week);
    ASSERT_FALSE(expired.ok());
    EXPECT_EQ(expired.error().kind, Kind::kGone);
    EXPECT_NE(expired.error().message.find("expired"), std::string::npos);

    auto wrongEvent = server().enrol({otherEventId, *token, device, "k"}, kT0);
    ASSERT_FALSE(wrongEvent.ok());
    EXPECT_EQ(wrongEvent.error().kind, Kind::kUnauthorised);

    auto unknownEvent =
        server().enrol({"0190a8c4-5e3b-7c2d-9f00-1a2b3c4d5e6f", *token, device, "k"}, kT0);
    ASSERT_FALSE(unknownEvent.ok());
    EXPECT_EQ(unknownEvent.error().kind, Kind::kUnauthorised);
    EXPECT_EQ(unknownEvent.error().message, wrongEvent.error().message);

    auto unknownToken = server().enrol({eventId, std::string(43, 'x'), device, "k"}, kT0);
    ASSERT_FALSE(unknownToken.ok());
    EXPECT_EQ(unknownToken.error().kind, Kind::kUnauthorised);

    EXPECT_EQ(count("SELECT count(*) FROM devices"), 0) << "no refusal registers the device";
    EXPECT_TRUE(server().enrol({eventId, *token, device, "k"}, kT0 + week - 1).ok())
        << "none of the refusals spent the token";
}

TEST_F(ServerStoreTest, EnrollingAgainReplacesTheDeviceToken) {
    auto kiosk = makeKiosk("k");
    std::string first = enrol(*kiosk, "k");
    std::string second = enrol(*kiosk, "k renamed", kT0 + 10);
    EXPECT_NE(first, second);
    auto old = server().authenticate(first, eventId, kT0 + 11);
    ASSERT_FALSE(old.ok());
    EXPECT_EQ(old.error().kind, Kind::kUnauthorised);
    auto now = server().authenticate(second, eventId, kT0 + 11);
    ASSERT_TRUE(now.ok());
    EXPECT_EQ(now->deviceId, store::deviceId(*kiosk));
    EXPECT_EQ(count("SELECT count(*) FROM devices"), 1);
}

TEST_F(ServerStoreTest, AuthenticateChecksTheTokenAndItsEventAndRecordsTheSync) {
    auto kiosk = makeKiosk("k");
    std::string token = enrol(*kiosk, "k");
    EXPECT_EQ(server().authenticate("", eventId, kT0).error().kind, Kind::kUnauthorised);
    EXPECT_EQ(server().authenticate("not-a-token", eventId, kT0).error().kind, Kind::kUnauthorised);
    EXPECT_EQ(server().authenticate(token, otherEventId, kT0).error().kind, Kind::kForbidden);
    EXPECT_EQ(
        server().authenticate(token, "0190a8c4-5e3b-7c2d-9f00-1a2b3c4d5e6f", kT0).error().kind,
        Kind::kNotFound);
    EXPECT_EQ(count("SELECT count(*) FROM devices WHERE last_sync_at IS NOT NULL"), 0);
    ASSERT_TRUE(server().authenticate(token, eventId, kT0 + 42).ok());
    EXPECT_EQ(count("SELECT last_sync_at FROM devices"), kT0 + 42);
}

// Every authenticated request used to commit its own `devices` write; a woken waiting kiosk
// asks again at once, so 100 kiosks made about 100 commits per check-in. Now the row is written
// when the heartbeat says something new, or when the last write is kLastSyncResolutionMs old.
TEST_F(ServerStoreTest, AuthenticateWritesTheLastSyncOnlyWhenItIsDueOrTheHeartbeatChanged) {
    auto kiosk = makeKiosk("k");
    std::string token = enrol(*kiosk, "k");
    const std::int64_t t = kT0 + 100;
    auto writes = [&] { return count("SELECT total_changes()"); };
    ASSERT_TRUE(server().authenticate(token, eventId, t, {t + 5, "1.0", 3}).ok());
    EXPECT_EQ(count("SELECT last_sync_at FROM devices"), t) << "the first request is written";
    const std::int64_t before = writes();

    // The same heartbeat (a clock a few ms further off is the request's travel) within the
    // resolution: nothing written.
    ASSERT_TRUE(server().authenticate(token, eventId, t + 2000, {t + 2000 + 40, "1.0", 3}).ok());
    ASSERT_TRUE(server().authenticate(token, eventId, t + 4000, {}).ok());
    EXPECT_EQ(writes(), before);
    EXPECT_EQ(count("SELECT last_sync_at FROM devices"), t);

    // A figure that changed is written at once, with the time.
    ASSERT_TRUE(server().authenticate(token, eventId, t + 5000, {t + 5000 + 5, "1.0", 0}).ok());
    EXPECT_EQ(count("SELECT outbox_depth FROM devices"), 0);
    EXPECT_EQ(count("SELECT last_sync_at FROM devices"), t + 5000);
    ASSERT_TRUE(server().authenticate(token, eventId, t + 6000, {t + 6000, "1.1", 0}).ok());
    EXPECT_EQ(server().authenticate(token, eventId, t + 6000, {}).ok(), true);
    EXPECT_EQ(DeviceRegistry(*org).find(store::deviceId(*kiosk))->appVersion, "1.1");
    ASSERT_TRUE(
        server().authenticate(token, eventId, t + 7000, {t + 7000 + 180'000, "1.1", 0}).ok());
    EXPECT_EQ(count("SELECT clock_offset_ms FROM devices"), 180'000) << "a clock set off";

    // Nothing new, but the last write is the resolution old: the time is written.
    const std::int64_t due = t + 7000 + kLastSyncResolutionMs;
    ASSERT_TRUE(server().authenticate(token, eventId, due - 1, {}).ok());
    EXPECT_EQ(count("SELECT last_sync_at FROM devices"), t + 7000);
    ASSERT_TRUE(server().authenticate(token, eventId, due, {}).ok());
    EXPECT_EQ(count("SELECT last_sync_at FROM devices"), due);
}

TEST_F(ServerStoreTest, UploadStoresEachCheckInOnceAndCountsRepeats) {
    auto kiosk = makeKiosk("k");
    enrol(*kiosk, "k");
    admitOn(*kiosk, tickets[0], kT0 + 1000);
    admitOn(*kiosk, tickets[1], kT0 + 2000);
    admitOn(*kiosk, tickets[0], kT0 + 3000, "A", store::Direction::kExit);
    auto request = outboxOf(*kiosk, "North");
    ASSERT_EQ(request.entries.size(), 3u);

    auto first = server().upload(deviceOf(*kiosk), request, kT0 + 5000);
    ASSERT_TRUE(first.ok()) << first.error().message;
    EXPECT_EQ(first->stored, 3);
    EXPECT_EQ(first->alreadyHad, 0);
    EXPECT_EQ(first->quarantined, 0);
    EXPECT_EQ(first->acknowledgedThrough, request.entries.back().seq);
    EXPECT_EQ(count("SELECT count(*) FROM checkins WHERE event_id = '" + eventId + "'"), 3);
    EXPECT_EQ(count("SELECT count(*) FROM received_checkins"), 3);
    EXPECT_EQ(count("SELECT count(*) FROM devices WHERE gate = 'North'"), 1);

    auto repeated = server().upload(deviceOf(*kiosk), request, kT0 + 6000);
    ASSERT_TRUE(repeated.ok());
    EXPECT_EQ(repeated->stored, 0);
    EXPECT_EQ(repeated->alreadyHad, 3);
    EXPECT_EQ(repeated->acknowledgedThrough, first->acknowledgedThrough);
    EXPECT_EQ(count("SELECT count(*) FROM checkins"), 3);
    EXPECT_EQ(count("SELECT count(*) FROM received_checkins"), 3);
}

TEST_F(ServerStoreTest, UploadMergesAClockAheadButNotOneFarAhead) {
    auto kiosk = makeKiosk("k");
    enrol(*kiosk, "k");
    // The kiosk's clock runs a minute ahead of the server's: merged.
    auto made = admitOn(*kiosk, tickets[0], kT0 + 60'000);
    ASSERT_TRUE(server().upload(deviceOf(*kiosk), outboxOf(*kiosk), kT0).ok());
    EXPECT_GT(store::HybridLogicalClock(*org).last(), made.hlc);

    // A kiosk set a day ahead: its check-in and its denial are stored, the server's clock is
    // not dragged along.
    auto farKiosk = makeKiosk("far");
    enrol(*farKiosk, "far");
    const std::int64_t dayAhead = kT0 + 86'400'000;
    auto far = admitOn(*farKiosk, tickets[1], dayAhead);
    {
        SQLite::Transaction transaction(*farKiosk);
        store::HybridLogicalClock clock(*farKiosk);
        store::DeniedScanLog(*farKiosk, clock)
            .append(
                {eventId, tickets[0].ticketRef, "A", store::Direction::kEntry, "", "revoked", ""},
                dayAhead + 1);
        transaction.commit();
    }
    auto stored = server().upload(deviceOf(*farKiosk), outboxOf(*farKiosk), kT0 + 1000);
    ASSERT_TRUE(stored.ok());
    EXPECT_EQ(stored->stored, 2);
    store::HybridLogicalClock serverClock(*org);
    EXPECT_LT(store::hlcMillis(serverClock.last()), kT0 + 120'000);
    EXPECT_LT(serverClock.last(), far.hlc);
    EXPECT_EQ(count("SELECT count(*) FROM checkins WHERE id = '" + far.id + "'"), 1);
}

TEST_F(ServerStoreTest, BadEntriesAreQuarantinedVerbatimAndStillAcknowledged) {
    auto kiosk = makeKiosk("k");
    enrol(*kiosk, "k");
    admitOn(*kiosk, tickets[0], kT0 + 1000);
    auto request = outboxOf(*kiosk);
    UploadEntry good = request.entries[0];

    auto withPayload = [&](std::int64_t seq, std::string from, std::string to) {
        UploadEntry e = good;
        e.seq = seq;
        auto at = e.payload.find(from);
        EXPECT_NE(at, std::string::npos) << e.payload;
        e.payload.replace(at, from.size(), to);
        return e;
    };
    UploadEntry otherEvent = withPayload(2, eventId, otherEventId);
    UploadEntry otherDevice = withPayload(3, store::deviceId(*kiosk), kStranger);
    UploadEntry notACheckIn = good;
    notACheckIn.seq = 4;
    notACheckIn.payload = R"({"hello":"world"})";
    request.entries = {good, otherEvent, otherDevice, notACheckIn};

    auto response = server().upload(deviceOf(*kiosk), request, kT0 + 2000);
    ASSERT_TRUE(response.ok()) << response.error().message;
    EXPECT_EQ(response->stored, 1);
    EXPECT_EQ(response->quarantined, 3);
    EXPECT_EQ(response->acknowledgedThrough, 4);

    SQLite::Statement q(*org,
                        "SELECT device_id, received_at, reason, entry FROM sync_quarantine "
                        "ORDER BY seq");
    std::vector<std::pair<std::string, std::string>> rows;
    while (q.executeStep()) {
        EXPECT_EQ(q.getColumn(0).getString(), store::deviceId(*kiosk));
        EXPECT_EQ(q.getColumn(1).getInt64(), kT0 + 2000);
        rows.emplace_back(q.getColumn(2).getString(), q.getColumn(3).getString());
    }
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_NE(rows[0].first.find("for event " + otherEventId), std::string::npos) << rows[0].first;
    EXPECT_NE(rows[1].first.find("device " + std::string(kStranger)), std::string::npos)
        << rows[1].first;
    EXPECT_NE(rows[2].first.find("not a check-in"), std::string::npos) << rows[2].first;
    // Verbatim: the entry's fields and its payload as sent.
    auto entry = nlohmann::json::parse(rows[0].second);
    EXPECT_EQ(entry["seq"], 2);
    EXPECT_EQ(entry["kind"], "checkin");
    EXPECT_EQ(entry["record_id"], otherEvent.recordId);
    EXPECT_EQ(entry["hlc"], otherEvent.hlc);
    EXPECT_EQ(entry["payload"], nlohmann::json::parse(otherEvent.payload));
    EXPECT_EQ(nlohmann::json::parse(rows[2].second)["payload"]["hello"], "world");

    // A retried batch (acknowledgement lost) quarantines nothing twice.
    auto retried = server().upload(deviceOf(*kiosk), request, kT0 + 3000);
    ASSERT_TRUE(retried.ok());
    EXPECT_EQ(retried->alreadyHad, 1);
    EXPECT_EQ(retried->quarantined, 3);
    EXPECT_EQ(count("SELECT count(*) FROM sync_quarantine"), 3);
}

// A kiosk's denied scan becomes the organiser's audit entry under the kiosk's id, once: a retry
// is "already had"; another denial under a used id, or one for another event or device, is
// quarantined.
TEST_F(ServerStoreTest, DenialsBecomeAuditEntriesOfTheKioskOnce) {
    auto kiosk = makeKiosk("k");
    enrol(*kiosk, "k");
    store::DeniedScan made;
    {
        SQLite::Transaction transaction(*kiosk);
        store::HybridLogicalClock clock(*kiosk);
        made = store::DeniedScanLog(*kiosk, clock)
                   .append({eventId, tickets[0].ticketRef, "North", store::Direction::kEntry,
                            "olga", "revoked", "Refunded"},
                           kT0 + 1000);
        transaction.commit();
    }
    admitOn(*kiosk, tickets[1], kT0 + 2000);
    auto request = outboxOf(*kiosk, "North");
    ASSERT_EQ(request.entries.size(), 2u);
    ASSERT_EQ(request.entries[0].kind, "denial");

    auto first = server().upload(deviceOf(*kiosk), request, kT0 + 5000);
    ASSERT_TRUE(first.ok()) << first.error().message;
    EXPECT_EQ(first->stored, 2);
    EXPECT_EQ(first->quarantined, 0);
    store::AuditQuery query;
    query.deviceId = store::deviceId(*kiosk);
    auto audit = store::AuditLog(*org).find(query);
    ASSERT_EQ(audit.size(), 1u);
    EXPECT_EQ(audit[0].entry.action, "checkin.denied");
    EXPECT_EQ(audit[0].entry.subject, tickets[0].ticketRef);
    EXPECT_EQ(audit[0].entry.operatorName, "olga");
    EXPECT_EQ(audit[0].wallTimeMs, kT0 + 1000);
    EXPECT_GT(audit[0].hlc, made.hlc);  // the server's clock, past the kiosk's
    EXPECT_EQ(audit[0].entry.detail, store::deniedScanAuditEntry(made).detail);
    query.deviceId.reset();
    query.eventId = eventId;
    auto ofEvent = store::AuditLog(*org).find(query);
    EXPECT_EQ(std::count_if(ofEvent.begin(), ofEvent.end(),
                            [](const auto& r) { return r.entry.action == "checkin.denied"; }),
              1);
    EXPECT_TRUE(store::AuditLog(*org).verify().ok());

    auto retried = server().upload(deviceOf(*kiosk), request, kT0 + 6000);
    ASSERT_TRUE(retried.ok());
    EXPECT_EQ(retried->alreadyHad, 2);
    EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'checkin.denied'"), 1);

    UploadEntry denial = request.entries[0];
    auto withPayload = [&](std::int64_t seq, const std::string& from, const std::string& to) {
        UploadEntry e = denial;
        e.seq = seq;
        auto at = e.payload.find(from);
        EXPECT_NE(at, std::string::npos) << e.payload;
        e.payload.replace(at, from.size(), to);
        return e;
    };
    UploadRequest bad{store::deviceId(*kiosk), "North", {}};
    bad.entries = {withPayload(3, "Refunded", "Stolen"), withPayload(4, eventId, otherEventId),
                   withPayload(5, store::deviceId(*kiosk), kStranger),
                   withPayload(6, "\"revoked\"", "\"Revoked!\"")};
    auto refused = server().upload(deviceOf(*kiosk), bad, kT0 + 7000);
    ASSERT_TRUE(refused.ok()) << refused.error().message;
    EXPECT_EQ(refused->quarantined, 4);
    EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'checkin.denied'"), 1);
    SQLite::Statement reasons(*org, "SELECT reason FROM sync_quarantine ORDER BY seq");
    std::vector<std::string> why;
    while (reasons.executeStep()) why.push_back(reasons.getColumn(0).getString());
    ASSERT_EQ(why.size(), 4u);
    EXPECT_EQ(why[0], "denial " + made.id + " is stored already with other content");
    EXPECT_EQ(why[1], "the denial is for event " + otherEventId + ", not " + eventId);
    EXPECT_EQ(why[2], "the denial was made by device " + std::string(kStranger) + ", not by " +
                          store::deviceId(*kiosk));
    EXPECT_EQ(why[3], "the payload is not a denial: reason must be lower-case letters and '_'");
}

TEST_F(ServerStoreTest, AnAnnulmentIsStoredAfterItsTargetAndQuarantinedWithoutIt) {
    auto kiosk = makeKiosk("k");
    enrol(*kiosk, "k");
    auto target = admitOn(*kiosk, tickets[0], kT0 + 1000);
    auto annulment = annulOn(*kiosk, target, kT0 + 2000);
    auto request = outboxOf(*kiosk);
    ASSERT_EQ(request.entries.size(), 2u);

    // The annulment alone: its target is not on the server.
    UploadRequest annulmentFirst = request;
    annulmentFirst.entries = {request.entries[1]};
    auto early = server().upload(deviceOf(*kiosk), annulmentFirst, kT0 + 3000);
    ASSERT_TRUE(early.ok());
    EXPECT_EQ(early->quarantined, 1);
    EXPECT_EQ(count("SELECT count(*) FROM checkins"), 0);
    EXPECT_NE(org->execAndGet("SELECT reason FROM sync_quarantine").getString().find(target.id),
              std::string::npos);

    // In outbox order, target then annulment in one batch: both stored.
    auto inOrder = server().upload(deviceOf(*kiosk), request, kT0 + 4000);
    ASSERT_TRUE(inOrder.ok());
    EXPECT_EQ(inOrder->stored, 2);
    EXPECT_EQ(count("SELECT count(*) FROM checkins WHERE verdict = 'annulled' AND annuls = '" +
                    target.id + "' AND id = '" + annulment.id + "'"),
              1);
    store::HybridLogicalClock clock(*org);
    EXPECT_TRUE(store::CheckInLog(*org, clock).history(eventId, tickets[0].ticketRef).empty())
        << "the annulled check-in is no longer effective on the server";
}

TEST_F(ServerStoreTest, TwoDevicesAdmittingTheSameTicketAreBothStoredAsADuplicate) {
    auto kioskA = makeKiosk("a");
    auto kioskB = makeKiosk("b");
    enrol(*kioskA, "a");
    enrol(*kioskB, "b");
    admitOn(*kioskA, tickets[0], kT0 + 1000, "A");
    admitOn(*kioskB, tickets[0], kT0 + 1500, "B");
    ASSERT_EQ(server().upload(deviceOf(*kioskA), outboxOf(*kioskA, "A"), kT0 + 2000)->stored, 1);
    ASSERT_EQ(server().upload(deviceOf(*kioskB), outboxOf(*kioskB, "B"), kT0 + 2000)->stored, 1);
    store::HybridLogicalClock clock(*org);
    auto stats = store::CheckInLog(*org, clock).stats(eventId);
    EXPECT_EQ(stats.entries, 2);
    ASSERT_EQ(stats.duplicates.size(), 1u);
    EXPECT_EQ(stats.duplicates[0].ticketRef, tickets[0].ticketRef);
    EXPECT_EQ(stats.duplicates[0].entries, 2);
    EXPECT_EQ(stats.duplicates[0].devices, 2);
}

TEST_F(ServerStoreTest, UploadRefusesABatchForAnotherDeviceId) {
    auto kiosk = makeKiosk("k");
    enrol(*kiosk, "k");
    admitOn(*kiosk, tickets[0], kT0);
    auto request = outboxOf(*kiosk);
    request.deviceId = "someone-else";
    auto refused = server().upload(deviceOf(*kiosk), request, kT0);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().kind, Kind::kBadRequest);
    EXPECT_EQ(count("SELECT count(*) FROM checkins"), 0);
}

TEST_F(ServerStoreTest, DownloadGivesOtherDevicesCheckInsInPagesInStoredOrder) {
    auto kioskA = makeKiosk("a");
    auto kioskB = makeKiosk("b");
    enrol(*kioskA, "a");
    enrol(*kioskB, "b");
    std::vector<std::string> fromA;
    fromA.push_back(admitOn(*kioskA, tickets[0], kT0 + 1).id);
    fromA.push_back(admitOn(*kioskA, tickets[1], kT0 + 2).id);
    fromA.push_back(admitOn(*kioskA, tickets[0], kT0 + 3, "A", store::Direction::kExit).id);
    auto fromB = admitOn(*kioskB, tickets[1], kT0 + 4, "B");
    ASSERT_TRUE(server().upload(deviceOf(*kioskB), outboxOf(*kioskB, "B"), kT0 + 5).ok());
    ASSERT_TRUE(server().upload(deviceOf(*kioskA), outboxOf(*kioskA), kT0 + 6).ok());

    auto page = server().download(deviceOf(*kioskB), 0, 2, kT0);
    ASSERT_TRUE(page.ok());
    ASSERT_EQ(page->checkins.size(), 2u);
    EXPECT_TRUE(page->more);
    EXPECT_EQ(page->checkins[0].checkIn.id, fromA[0]);
    EXPECT_EQ(page->checkins[1].checkIn.id, fromA[1]);
    EXPECT_EQ(page->checkins[0].checkIn.ticketRef, tickets[0].ticketRef);
    EXPECT_EQ(page->checkins[0].checkIn.attendeeId, tickets[0].attendeeId);
    EXPECT_EQ(page->checkins[0].checkIn.operatorName, "olga");
    auto rest = server().download(deviceOf(*kioskB), page->next, 2, kT0);
    ASSERT_TRUE(rest.ok());
    ASSERT_EQ(rest->checkins.size(), 1u);
    EXPECT_FALSE(rest->more);
    EXPECT_EQ(rest->checkins[0].checkIn.id, fromA[2]);
    EXPECT_EQ(rest->checkins[0].checkIn.direction, store::Direction::kExit);
    auto done = server().download(deviceOf(*kioskB), rest->next, 2, kT0);
    EXPECT_TRUE(done->checkins.empty());
    EXPECT_EQ(done->next, rest->next);

    auto forA = server().download(deviceOf(*kioskA), 0, kDefaultDownloadLimit, kT0);
    ASSERT_EQ(forA->checkins.size(), 1u) << "A never gets its own check-ins back";
    EXPECT_EQ(forA->checkins[0].checkIn.id, fromB.id);
    EXPECT_FALSE(forA->more);
    EXPECT_EQ(forA->next, count("SELECT max(seq) FROM received_checkins"))
        << "the cursor moves past A's own check-ins too";

    EXPECT_EQ(server().download(deviceOf(*kioskA), 0, 0, kT0).error().kind, Kind::kBadRequest);
    EXPECT_EQ(server().download(deviceOf(*kioskA), 0, 2001, kT0).error().kind, Kind::kBadRequest);
    EXPECT_TRUE(server().download(deviceOf(*kioskA), 0, 2000, kT0).ok());
    EXPECT_EQ(server().download(deviceOf(*kioskA), -1, 10, kT0).error().kind, Kind::kBadRequest);
}

TEST_F(ServerStoreTest, CheckInsAtTheOrganisersDeskAreDownloadedOnceEach) {
    auto kioskA = makeKiosk("a");
    enrol(*kioskA, "a");
    // `admit checkin --db server.db`: the check-in log of the server's own database.
    auto atDesk = admitOn(*org, tickets[0], kT0 + 1, "Desk");
    ASSERT_EQ(store::Outbox(*org).pendingCount(), 1);
    admitOn(*kioskA, tickets[1], kT0 + 2);
    ASSERT_TRUE(server().upload(deviceOf(*kioskA), outboxOf(*kioskA), kT0 + 3).ok());

    auto first = server().download(deviceOf(*kioskA), 0, kDefaultDownloadLimit, kT0 + 4);
    ASSERT_TRUE(first.ok());
    ASSERT_EQ(first->checkins.size(), 1u) << "the desk's check-in, not A's own";
    EXPECT_EQ(first->checkins[0].checkIn, atDesk);
    EXPECT_EQ(store::Outbox(*org).pendingCount(), 0) << "adopted once";
    auto again = server().download(deviceOf(*kioskA), 0, kDefaultDownloadLimit, kT0 + 5);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->checkins.size(), 1u) << "not queued a second time";
    EXPECT_EQ(count("SELECT count(*) FROM received_checkins"), 2);

    // An undo at the desk follows its check-in.
    {
        SQLite::Transaction transaction(*org);
        store::HybridLogicalClock clock(*org);
        store::CheckInLog(*org, clock).annul(atDesk, "olga", kT0 + 6);
        transaction.commit();
    }
    auto undo = server().download(deviceOf(*kioskA), first->next, kDefaultDownloadLimit, kT0 + 7);
    ASSERT_TRUE(undo.ok());
    ASSERT_EQ(undo->checkins.size(), 1u);
    EXPECT_TRUE(undo->checkins[0].annulment);
    EXPECT_EQ(undo->checkins[0].annuls, atDesk.id);
}

TEST_F(ServerStoreTest, RosterIsUnchangedUntilTheOrganiserChangesIt) {
    auto kiosk = makeKiosk("k");
    enrol(*kiosk, "k");
    auto full = server().roster(deviceOf(*kiosk), 0);
    ASSERT_TRUE(full.ok());
    auto body = nlohmann::json::parse(*full);
    EXPECT_FALSE(body["unchanged"].get<bool>());
    std::int64_t version = body["version"];
    EXPECT_EQ(version, rosterVersion(*org, eventId));
    EXPECT_EQ(body["tables"]["attendees"]["rows"].size(), 2u);

    auto same = nlohmann::json::parse(*server().roster(deviceOf(*kiosk), version));
    EXPECT_TRUE(same["unchanged"].get<bool>());

    ASSERT_TRUE(organiser::importAttendees(*org, eventId,
                                           "name,email,ticket_type,status\n"
                                           "Ada Lovelace,ada@example.org,General,approved\n"
                                           "Grace Hopper,grace@example.org,General,approved\n"
                                           "Alan Turing,alan@example.org,General,approved\n",
                                           "people.csv", "", kT0 + 1)
                    .ok());
    auto changed = nlohmann::json::parse(*server().roster(deviceOf(*kiosk), version));
    EXPECT_FALSE(changed["unchanged"].get<bool>());
    EXPECT_GT(changed["version"].get<std::int64_t>(), version);
    EXPECT_FALSE(changed["full"].get<bool>()) << "only what changed since the kiosk's version";
    ASSERT_EQ(changed["tables"]["attendees"]["rows"].size(), 1u);
    EXPECT_EQ(changed["tables"]["attendees"]["rows"][0][3], "Alan Turing");
    auto whole = nlohmann::json::parse(*server().roster(deviceOf(*kiosk), 0));
    EXPECT_TRUE(whole["full"].get<bool>());
    EXPECT_EQ(whole["tables"]["attendees"]["rows"].size(), 3u);
}

TEST_F(ServerStoreTest, DevicesListsEveryDeviceOfTheEventWithCountsAndLastSync) {
    auto kioskA = makeKiosk("a");
    auto kioskB = makeKiosk("b");
    std::string tokenA = enrol(*kioskA, "Gate A", kT0 + 1);
    enrol(*kioskB, "Gate B", kT0 + 2);
    auto target = admitOn(*kioskA, tickets[0], kT0 + 3);
    admitOn(*kioskA, tickets[1], kT0 + 4);
    annulOn(*kioskA, target, kT0 + 5);
    auto device = server().authenticate(tokenA, eventId, kT0 + 10);
    ASSERT_TRUE(device.ok());
    ASSERT_TRUE(server().upload(*device, outboxOf(*kioskA, "North"), kT0 + 10).ok());

    auto list = server().devices(*device).devices;
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].deviceId, store::deviceId(*kioskA));
    EXPECT_EQ(list[0].name, "Gate A");
    EXPECT_EQ(list[0].gate, "North");
    EXPECT_EQ(list[0].enrolledAtMs, kT0 + 1);
    EXPECT_EQ(list[0].lastSyncAtMs, kT0 + 10);
    EXPECT_EQ(list[0].checkins, 2) << "accepted check-ins; the annulment is not one";
    EXPECT_EQ(list[1].name, "Gate B");
    EXPECT_EQ(list[1].lastSyncAtMs, std::nullopt);
    EXPECT_EQ(list[1].checkins, 0);
}

// A venue relay (docs/sync.md, "Venue relay") enrols with a relay's token and uploads the
// records of the kiosks it serves, which a kiosk's token may not; it speaks only for kiosks this
// server has not seen or that it brought itself.
TEST_F(ServerStoreTest, ARelaySpeaksForItsOwnKiosksAndForNoOtherDevice) {
    auto relay = makeKiosk("relay");
    auto relayToken = EnrolmentTokens(*org).issue(eventId, kT0, DeviceRole::kRelay);
    ASSERT_TRUE(relayToken.ok());
    auto enrolled =
        server().enrol({eventId, *relayToken, store::deviceId(*relay), "Hall relay"}, kT0);
    ASSERT_TRUE(enrolled.ok()) << enrolled.error().message;
    auto relayDevice = server().authenticate(enrolled->deviceToken, eventId, kT0);
    ASSERT_TRUE(relayDevice.ok());
    EXPECT_EQ(relayDevice->role, DeviceRole::kRelay);

    // A kiosk of the relay: its check-in, uploaded by the relay, is stored under the kiosk and
    // queued for download as the relay's (the relay has it already).
    auto served = makeKiosk("served");
    const auto made = admitOn(*served, tickets[0], kT0 + 1000);
    auto forwarded = outboxOf(*served);
    forwarded.deviceId = relayDevice->deviceId;
    auto stored = server().upload(*relayDevice, forwarded, kT0 + 2000);
    ASSERT_TRUE(stored.ok()) << stored.error().message;
    EXPECT_EQ(stored->stored, 1);
    EXPECT_EQ(stored->quarantined, 0);
    EXPECT_EQ(count("SELECT count(*) FROM checkins WHERE id = '" + made.id + "' AND device_id = '" +
                    store::deviceId(*served) + "'"),
              1);
    auto registered = DeviceRegistry(*org).find(store::deviceId(*served));
    ASSERT_TRUE(registered);
    EXPECT_EQ(registered->relayId, relayDevice->deviceId);
    EXPECT_EQ(registered->eventId, eventId);
    EXPECT_EQ(server().upload(*relayDevice, forwarded, kT0 + 3000)->alreadyHad, 1);

    // A kiosk's token cannot do the same, even for a device nobody enrolled.
    auto direct = makeKiosk("direct");
    enrol(*direct, "direct");
    auto stranger = makeKiosk("stranger");
    admitOn(*stranger, tickets[1], kT0 + 1000);
    auto asKiosk = outboxOf(*stranger);
    asKiosk.deviceId = store::deviceId(*direct);
    EXPECT_EQ(server().upload(deviceOf(*direct), asKiosk, kT0 + 4000)->quarantined, 1);
    EXPECT_FALSE(DeviceRegistry(*org).find(store::deviceId(*stranger)));

    // The relay may not speak for a kiosk enrolled here itself...
    admitOn(*direct, tickets[1], kT0 + 5000);
    auto directs = outboxOf(*direct);
    directs.deviceId = relayDevice->deviceId;
    auto refused = server().upload(*relayDevice, directs, kT0 + 6000);
    ASSERT_TRUE(refused.ok());
    EXPECT_EQ(refused->quarantined, 1);
    EXPECT_EQ(refused->stored, 0);
    // ...nor another relay for this relay's kiosk.
    auto second = makeKiosk("relay-2");
    auto secondToken = EnrolmentTokens(*org).issue(eventId, kT0, DeviceRole::kRelay);
    auto secondEnrolled =
        server().enrol({eventId, *secondToken, store::deviceId(*second), "Annex relay"}, kT0);
    ASSERT_TRUE(secondEnrolled.ok());
    auto secondDevice = server().authenticate(secondEnrolled->deviceToken, eventId, kT0);
    admitOn(*served, tickets[1], kT0 + 7000);
    auto stolen = outboxOf(*served);
    stolen.deviceId = secondDevice->deviceId;
    auto refusedAgain = server().upload(*secondDevice, stolen, kT0 + 8000);
    ASSERT_TRUE(refusedAgain.ok());
    EXPECT_EQ(refusedAgain->stored, 0);
    EXPECT_EQ(refusedAgain->alreadyHad, 0);
    EXPECT_EQ(refusedAgain->quarantined, 2);
    EXPECT_EQ(count("SELECT count(*) FROM sync_quarantine WHERE reason LIKE '%which relay " +
                    secondDevice->deviceId + " does not serve'"),
              2);
    // A kiosk's token names no relay role.
    EXPECT_EQ(server().authenticate(enrol(*served, "served again"), eventId, kT0)->role,
              DeviceRole::kKiosk);
}

// On a relay's own database, what its kiosks upload joins its outbox (its queue to the
// upstream) once, its kiosks' downloads leave that outbox alone, and what a round brought from
// the upstream joins the download order for its kiosks.
TEST_F(ServerStoreTest, ARelaysDatabaseQueuesUploadsForTheUpstreamAndPassesDownloadsOn) {
    ServerStore relay(*org, StoreRole::kRelay);
    auto kioskA = makeKiosk("a");
    auto kioskB = makeKiosk("b");
    enrol(*kioskA, "a");
    enrol(*kioskB, "b");
    const auto made = admitOn(*kioskA, tickets[0], kT0 + 1000);
    const auto request = outboxOf(*kioskA);
    ASSERT_EQ(relay.upload(deviceOf(*kioskA), request, kT0 + 2000)->stored, 1);
    ASSERT_EQ(relay.upload(deviceOf(*kioskA), request, kT0 + 3000)->alreadyHad, 1);
    auto queued = store::Outbox(*org).pending(10);
    ASSERT_EQ(queued.size(), 1u);
    EXPECT_EQ(queued[0].recordId, made.id);
    EXPECT_EQ(queued[0].payload, request.entries[0].payload);
    auto page = relay.download(deviceOf(*kioskB), 0, 100, kT0 + 4000);
    ASSERT_TRUE(page.ok());
    EXPECT_EQ(page->checkins.size(), 1u);
    EXPECT_EQ(store::Outbox(*org).pendingCount(), 1);

    // Another venue's check-in, as the relay's round stores it.
    EXPECT_EQ(relay.adoptUpstreamRound(eventId, kT0 + 5000), 0);
    store::CheckIn elsewhere{};
    {
        auto remote = makeKiosk("remote");
        auto remoteMade = admitOn(*remote, tickets[1], kT0 + 4500);
        elsewhere = remoteMade;
        SQLite::Transaction transaction(*org);
        store::HybridLogicalClock clock(*org);
        ASSERT_TRUE(store::CheckInLog(*org, clock).storeReceived(elsewhere, false, "", kT0 + 5000));
        transaction.commit();
    }
    EXPECT_EQ(relay.adoptUpstreamRound(eventId, kT0 + 5000), 1);
    EXPECT_EQ(relay.adoptUpstreamRound(eventId, kT0 + 5001), 0);
    auto next = relay.download(deviceOf(*kioskB), page->next, 100, kT0 + 6000);
    ASSERT_TRUE(next.ok());
    ASSERT_EQ(next->checkins.size(), 1u);
    EXPECT_EQ(next->checkins[0].checkIn.id, elsewhere.id);
    EXPECT_EQ(store::Outbox(*org).pendingCount(), 1);
}

}  // namespace
}  // namespace admit::sync
