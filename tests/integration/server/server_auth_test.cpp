// Issue 12, items 4 to 7, against the real admit-server on 127.0.0.1: who may enrol and as what
// device, revoking a device, the quarantine's cost and cap, operators per event, rate limits on
// failed authentication, and the small data checks (a re-used check-in id, a NUL in a gate,
// the database files' mode). The organiser's side goes through the real `admit` program.

#include <sys/stat.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "admit/base/version.hpp"
#include "admit/store/audit_log.hpp"
#include "admit/store/uuid.hpp"
#include "admit/sync/client/sync_client.hpp"
#include "admit/sync/client/sync_state.hpp"
#include "admit/sync/store/device_registry.hpp"
#include "admit/sync/store/enrolment_tokens.hpp"
#include "admit_server_fixture.hpp"
#include "cli_run.hpp"

namespace admit::sync {
namespace {

using json = nlohmann::json;
using testing::admit;

class ServerAuth : public AdmitServerFixture {
  protected:
    // The arguments that open the server's database in the `admit` program.
    std::string dbArgs() {
        return "--db " + dir.file("server.db") + " --key-file " + dir.file("server.key") + " ";
    }

    // A second event in the server's database and an enrolment token for it.
    void addSecondEvent() {
        auto db = serverDb();
        auto event = organiser::createEvent(db, {"Other Fest"}, 2000);
        ASSERT_TRUE(event.ok());
        otherEventId = event->id;
        auto token = EnrolmentTokens(db).issue(otherEventId, store::systemTimeMs());
        ASSERT_TRUE(token.ok());
        otherEnrolmentToken = *token;
        enrolmentTokens.push_back(*token);
    }

    std::optional<RawResponse> send(const std::string& method, const std::string& target,
                                    std::vector<std::string> headers,
                                    const std::string& body = "") {
        RawConnection connection(port);
        headers.push_back("Connection: close");
        if (!body.empty()) headers.push_back("Content-Type: application/json");
        if (!connection.send(rawRequest(method, target, headers, body))) return std::nullopt;
        return connection.readResponse(10'000ms);
    }

    std::optional<RawResponse> enrol(const EnrolRequest& request) {
        return send("POST", std::string(kEnrolPath), {}, toJson(request));
    }

    std::optional<RawResponse> devicesWith(const std::string& token) {
        return send("GET", devicesPath(eventId), {"Authorization: Bearer " + token});
    }

    std::optional<RawResponse> upload(const UploadRequest& request) {
        return send("POST", checkinsPath(eventId), {authorization()}, toJson(request));
    }

    // A valid check-in of this kiosk as an upload entry (seq = its position).
    UploadEntry entryFor(const CheckInRecord& record, std::int64_t seq) {
        return {seq, "checkin", record.checkIn.id, record.checkIn.hlc, toJson(record)};
    }

    CheckInRecord checkIn(const std::string& forEvent, const std::string& gate, std::int64_t n) {
        CheckInRecord record;
        record.checkIn.id = store::newUuidV7(1'700'000'000'000 + n);
        record.checkIn.eventId = forEvent;
        record.checkIn.ticketRef = "ref-" + std::to_string(n);
        record.checkIn.deviceId = deviceId;
        record.checkIn.gate = gate;
        record.checkIn.hlc = (1'700'000'000'000LL << 16) + n;
        record.checkIn.wallTimeMs = 1'700'000'000'000 + n;
        return record;
    }

    std::string otherEventId;
    std::string otherEnrolmentToken;
};

json bodyOf(const std::optional<RawResponse>& response) {
    return response ? json::parse(response->body, nullptr, false) : json();
}

// Item 4 and 6: an unknown enrolment token gets the same answer whether the event exists or
// not, so nobody can probe which event ids exist (it was 404 for an unknown event, 401 else).
TEST_F(ServerAuth, UnknownEnrolmentTokensGetOneAnswerForKnownAndUnknownEvents) {
    startServer();
    const std::string guessed = "guessed-token-that-nobody-issued-0123456789";
    auto known = enrol({eventId, guessed, store::newUuidV7(1), "Probe"});
    auto unknown = enrol({store::newUuidV7(2), guessed, store::newUuidV7(3), "Probe"});
    ASSERT_TRUE(known && unknown);
    EXPECT_EQ(known->status, 401) << known->body;
    EXPECT_EQ(unknown->status, 401) << unknown->body;
    EXPECT_EQ(known->body, unknown->body);
    // A real token presented for another event than its own is refused the same way.
    auto misdirected = enrol({store::newUuidV7(4), enrolmentTokens[1], store::newUuidV7(5), "X"});
    ASSERT_TRUE(misdirected);
    EXPECT_EQ(misdirected->status, 401);
    EXPECT_EQ(misdirected->body, known->body);
}

// Item 4: an enrolment token of event B presented with the device id of event A's kiosk moved
// the device to B and revoked the kiosk's token.
TEST_F(ServerAuth, AnotherEventsEnrolmentTokenCannotTakeOverAKiosk) {
    addSecondEvent();
    startServer();
    auto hijack = enrol({otherEventId, otherEnrolmentToken, deviceId, "Hijacker"});
    ASSERT_TRUE(hijack);
    EXPECT_EQ(hijack->status, 409) << hijack->body;
    EXPECT_EQ(bodyOf(hijack).value("kind", ""), "device_bound") << hijack->body;
    auto realKiosk = devicesWith(deviceToken);
    ASSERT_TRUE(realKiosk);
    EXPECT_EQ(realKiosk->status, 200) << "the real kiosk lost its token: " << realKiosk->body;
    // The refused token was not spent: a new device can still use it.
    auto fresh = enrol({otherEventId, otherEnrolmentToken, store::newUuidV7(9), "Gate B"});
    ASSERT_TRUE(fresh);
    EXPECT_EQ(fresh->status, 200) << fresh->body;
}

// Item 4: the organiser lists and revokes devices; a revoked token is refused at once with its
// own kind, and the device may enrol again with a new code.
TEST_F(ServerAuth, ARevokedDeviceIsRefusedAtOnceWithItsOwnKind) {
    startServer();
    auto listed = admit(dbArgs() + "--json device list --event " + eventId);
    ASSERT_EQ(listed.exitCode, 0) << listed.out;
    auto devices = json::parse(listed.out, nullptr, false);
    ASSERT_TRUE(devices.is_object()) << listed.out;
    ASSERT_EQ(devices["devices"].size(), 1u) << listed.out;
    EXPECT_EQ(devices["devices"][0]["device_id"], deviceId);
    EXPECT_TRUE(devices["devices"][0]["revoked_at"].is_null());
    EXPECT_EQ(listed.out.find(deviceToken), std::string::npos);

    auto revoked =
        admit(dbArgs() + "--json device revoke --event " + eventId + " --device " + deviceId);
    ASSERT_EQ(revoked.exitCode, 0) << revoked.out;
    auto refused = devicesWith(deviceToken);
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 401) << refused->body;
    EXPECT_EQ(bodyOf(refused).value("kind", ""), "device_revoked") << refused->body;
    auto again = admit(dbArgs() + "--json device list --event " + eventId);
    EXPECT_FALSE(json::parse(again.out, nullptr, false)["devices"][0]["revoked_at"].is_null())
        << again.out;

    // The other kiosks no longer list it among the event's devices (the organiser's list does).
    const std::string otherId = store::newUuidV7(9);
    auto other = enrol({eventId, enrolmentTokens[2], otherId, "Gate B"});
    ASSERT_TRUE(other);
    ASSERT_EQ(other->status, 200) << other->body;
    auto seen = devicesWith(json::parse(other->body)["device_token"]);
    ASSERT_TRUE(seen);
    ASSERT_EQ(seen->status, 200) << seen->body;
    auto seenList = parseDevicesResponse(seen->body);
    ASSERT_TRUE(seenList.ok()) << seen->body;
    ASSERT_EQ(seenList->devices.size(), 1u) << seen->body;
    EXPECT_EQ(seenList->devices[0].deviceId, otherId);

    auto reEnrolled = enrol({eventId, enrolmentTokens[1], deviceId, "Gate A"});
    ASSERT_TRUE(reEnrolled);
    ASSERT_EQ(reEnrolled->status, 200) << reEnrolled->body;
    deviceToken = json::parse(reEnrolled->body)["device_token"];
    auto back = devicesWith(deviceToken);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->status, 200) << back->body;
}

// Item 5: 20 batches of 500 entries that are all quarantined took each request from 0.10 s to
// 0.94 s (the duplicate check scanned the whole quarantine). Now each batch costs about the
// same, and the quarantine stops at 10,000 rows per device with its own kind.
TEST_F(ServerAuth, QuarantinedBatchesStayFastAndTheQuarantineIsCapped) {
    startServer();
    const std::string elsewhere = store::newUuidV7(77);  // no such event: every entry quarantined
    std::vector<double> seconds;
    for (int batch = 0; batch < 21; ++batch) {
        UploadRequest request{deviceId, "A", {}};
        for (int i = 0; i < 500; ++i) {
            const std::int64_t n = batch * 500 + i + 1;
            request.entries.push_back(entryFor(checkIn(elsewhere, "A", n), n));
        }
        auto start = Clock::now();
        auto answer = upload(request);
        seconds.push_back(msSince(start) / 1000.0);
        ASSERT_TRUE(answer) << "batch " << batch;
        if (batch < 20) {
            ASSERT_EQ(answer->status, 200) << "batch " << batch << ": " << answer->body;
            EXPECT_EQ(bodyOf(answer)["quarantined"], 500);
        } else {
            EXPECT_EQ(answer->status, 507) << answer->body;
            EXPECT_EQ(bodyOf(answer).value("kind", ""), "quarantine_full") << answer->body;
        }
    }
    auto median3 = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        return v[1];
    };
    const double first = median3({seconds[0], seconds[1], seconds[2]});
    const double last = median3({seconds[17], seconds[18], seconds[19]});
    std::cout << "quarantined batch of 500: first " << first << " s, twentieth " << last << " s\n";
    EXPECT_LT(last, 2.5 * first + 0.05) << "batches grew slower as the quarantine grew";

    auto listed = admit(dbArgs() + "--json quarantine list --event " + eventId + " --limit 5");
    ASSERT_EQ(listed.exitCode, 0) << listed.out;
    auto list = json::parse(listed.out, nullptr, false);
    EXPECT_EQ(list.value("total", 0), 10'000) << listed.out;
    ASSERT_EQ(list["entries"].size(), 5u) << listed.out;
    const std::int64_t seq = list["entries"][0]["seq"];
    auto shown = admit(dbArgs() + "--json quarantine show --event " + eventId + " --seq " +
                       std::to_string(seq));
    ASSERT_EQ(shown.exitCode, 0) << shown.out;
    auto entry = json::parse(shown.out, nullptr, false);
    EXPECT_EQ(entry.value("device_id", ""), deviceId) << shown.out;
    EXPECT_NE(entry.value("reason", "").find(elsewhere), std::string::npos) << shown.out;
    EXPECT_TRUE(entry["entry"].is_object()) << shown.out;
}

// A full quarantine blocked the kiosk for good: nothing it sent was stored again. `admit
// quarantine clear` (audited) lets it upload again, over real HTTP.
TEST_F(ServerAuth, AKioskBlockedByAFullQuarantineUploadsAgainAfterAClear) {
    startServer();
    const std::string elsewhere = store::newUuidV7(77);  // no such event: every entry quarantined
    auto batch = [&](int number) {
        UploadRequest request{deviceId, "A", {}};
        for (int i = 0; i < 500; ++i) {
            const std::int64_t n = number * 500 + i + 1;
            request.entries.push_back(entryFor(checkIn(elsewhere, "A", n), n));
        }
        return request;
    };
    for (int number = 0; number < 20; ++number) {
        auto answer = upload(batch(number));
        ASSERT_TRUE(answer && answer->status == 200) << number;
    }
    auto blocked = upload(batch(20));
    ASSERT_TRUE(blocked);
    ASSERT_EQ(blocked->status, 507) << blocked->body;

    // One entry by its number, then the rest of the kiosk's.
    auto listed = admit(dbArgs() + "--json quarantine list --event " + eventId + " --limit 1");
    ASSERT_EQ(listed.exitCode, 0) << listed.out;
    const std::int64_t seq = json::parse(listed.out)["entries"][0]["seq"];
    auto one = admit(dbArgs() + "--json quarantine clear --event " + eventId + " --seq " +
                     std::to_string(seq) + " --operator Sam");
    ASSERT_EQ(one.exitCode, 0) << one.out;
    EXPECT_EQ(json::parse(one.out).value("removed", 0), 1) << one.out;
    auto again =
        admit(dbArgs() + "quarantine clear --event " + eventId + " --seq " + std::to_string(seq));
    EXPECT_EQ(again.exitCode, 1) << again.out;
    auto both = admit(dbArgs() + "quarantine clear --event " + eventId + " --seq 1 --device x");
    EXPECT_EQ(both.exitCode, 2) << both.out;
    auto rest = admit(dbArgs() + "--json quarantine clear --event " + eventId + " --device " +
                      deviceId + " --operator Sam");
    ASSERT_EQ(rest.exitCode, 0) << rest.out;
    EXPECT_EQ(json::parse(rest.out).value("removed", 0), 9'999) << rest.out;

    auto unblocked = upload(batch(20));
    ASSERT_TRUE(unblocked);
    EXPECT_EQ(unblocked->status, 200) << unblocked->body;
    EXPECT_EQ(bodyOf(unblocked)["quarantined"], 500);
    // And the kiosk's own check-ins are stored again.
    UploadRequest good{deviceId, "A", {entryFor(checkIn(eventId, "A", 1'000'001), 10'501)}};
    auto stored = upload(good);
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->status, 200) << stored->body;
    EXPECT_EQ(bodyOf(stored)["quarantined"], 0) << stored->body;

    // Both clears are in the server's audit log, with who and how many.
    auto db = serverDb();
    auto audit = store::AuditLog(db).latest(10);
    std::vector<std::string> cleared;
    for (const auto& record : audit) {
        if (record.entry.action == "quarantine.cleared") cleared.push_back(record.entry.detail);
    }
    ASSERT_EQ(cleared.size(), 2u);
    EXPECT_EQ(json::parse(cleared[0]).value("removed", 0), 9'999) << cleared[0];
    EXPECT_EQ(json::parse(cleared[1]).value("removed", 0), 1) << cleared[1];
    EXPECT_EQ(audit[0].entry.operatorName, "Sam");
}

// Item 6: a device token of one event received every operator's PIN hash.
TEST_F(ServerAuth, TheRosterCarriesOnlyThisEventsOperators) {
    addSecondEvent();
    auto here =
        admit(dbArgs() + "operator add --name olga --role volunteer --event " + eventId, "482916");
    ASSERT_EQ(here.exitCode, 0) << here.out;
    auto there = admit(
        dbArgs() + "operator add --name boris --role organiser --event " + otherEventId, "739151");
    ASSERT_EQ(there.exitCode, 0) << there.out;
    startServer();
    auto roster = send(
        "GET", rosterPath(eventId) + "?protocol=" + std::to_string(kProtocolVersion) + "&have=0",
        {authorization()});
    ASSERT_TRUE(roster);
    ASSERT_EQ(roster->status, 200) << roster->body;
    auto operators = bodyOf(roster)["tables"]["operators"]["rows"];
    std::set<std::string> names;
    for (const auto& row : operators) names.insert(row[0].get<std::string>());
    EXPECT_EQ(names, std::set<std::string>{"olga"}) << operators.dump();
}

// Item 6: 600 failed authentications in a row were answered 401 each, never 429.
TEST_F(ServerAuth, RepeatedFailedAuthenticationIsAnswered429WithRetryAfter) {
    startServer();
    for (int i = 0; i < 10; ++i) {
        auto refused = devicesWith("wrong-token-" + std::to_string(i));
        ASSERT_TRUE(refused);
        ASSERT_EQ(refused->status, 401) << "attempt " << i << ": " << refused->body;
    }
    auto limited = devicesWith("wrong-token-10");
    ASSERT_TRUE(limited);
    EXPECT_EQ(limited->status, 429) << limited->body;
    EXPECT_EQ(bodyOf(limited).value("kind", ""), "rate_limited") << limited->body;
    ASSERT_TRUE(limited->headers.count("retry-after")) << limited->body;
    const int retryAfter = std::stoi(limited->headers.at("retry-after"));
    EXPECT_GE(retryAfter, 1);
    EXPECT_LE(retryAfter, 60);
    // A wrong enrolment token from that address too.
    auto guessed = enrol({eventId, "not-an-enrolment-token-at-all", store::newUuidV7(8), "Gate B"});
    ASSERT_TRUE(guessed);
    EXPECT_EQ(guessed->status, 429) << guessed->body;
}

// Behind the reverse proxy every client has the proxy's address (here, as there, 127.0.0.1):
// an attacker's refused tokens must not lock the real kiosks out. A valid token is always
// served; only refused ones are answered 429.
TEST_F(ServerAuth, KiosksSharingTheAttackersAddressKeepWorking) {
    startServer();
    for (int i = 0; i < 30; ++i) {
        auto refused = devicesWith("wrong-token-" + std::to_string(i));
        ASSERT_TRUE(refused);
        ASSERT_EQ(refused->status, i < 10 ? 401 : 429) << "attempt " << i;
    }
    auto served = devicesWith(deviceToken);
    ASSERT_TRUE(served);
    EXPECT_EQ(served->status, 200) << served->body;
    auto stored = upload({deviceId, "A", {entryFor(checkIn(eventId, "A", 1), 1)}});
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->status, 200) << stored->body;
    auto enrolment = enrol({eventId, enrolmentTokens[1], store::newUuidV7(8), "Gate B"});
    ASSERT_TRUE(enrolment);
    EXPECT_EQ(enrolment->status, 200) << enrolment->body;
}

// Item 7: a check-in id sent again with other content counted as already_had and the new
// content vanished.
TEST_F(ServerAuth, AReusedCheckInIdWithOtherContentIsQuarantined) {
    startServer();
    CheckInRecord original = checkIn(eventId, "A", 1);
    auto first = upload({deviceId, "A", {entryFor(original, 1)}});
    ASSERT_TRUE(first);
    ASSERT_EQ(first->status, 200) << first->body;
    EXPECT_EQ(bodyOf(first)["stored"], 1);
    auto same = upload({deviceId, "A", {entryFor(original, 1)}});
    ASSERT_TRUE(same);
    EXPECT_EQ(bodyOf(same)["already_had"], 1) << same->body;
    CheckInRecord altered = original;
    altered.checkIn.gate = "B";
    auto reused = upload({deviceId, "A", {entryFor(altered, 2)}});
    ASSERT_TRUE(reused);
    ASSERT_EQ(reused->status, 200) << reused->body;
    EXPECT_EQ(bodyOf(reused)["already_had"], 0) << reused->body;
    EXPECT_EQ(bodyOf(reused)["quarantined"], 1) << reused->body;
}

// Item 7: a gate "a\u0000b" was stored.
TEST_F(ServerAuth, AGateWithANulCharacterIsRefusedNamingTheField) {
    startServer();
    std::string body = R"({"protocol":)" + std::to_string(kProtocolVersion) + R"(,"device_id":")" +
                       deviceId + R"(","gate":"a\u0000b","entries":[]})";
    auto refused = send("POST", checkinsPath(eventId), {authorization()}, body);
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 400) << refused->body;
    EXPECT_NE(bodyOf(refused).value("error", "").find("gate"), std::string::npos) << refused->body;
}

// Item 7: the database files were 0644 under umask 022.
TEST_F(ServerAuth, TheServersDatabaseFilesAreForTheOwnerOnly) {
    ASSERT_EQ(chmod(dir.file("server.db").c_str(), 0644), 0);  // as made under umask 022
    startServer();
    ASSERT_TRUE(upload({deviceId, "A", {entryFor(checkIn(eventId, "A", 1), 1)}}));
    for (const char* name : {"server.db", "server.db-wal", "server.db-shm"}) {
        struct stat info {};
        ASSERT_EQ(stat(dir.file(name).c_str(), &info), 0) << name;
        EXPECT_EQ(info.st_mode & 0777, 0600u) << name;
    }
}

// The organiser tells relays from kiosks, and sees which relay brings each kiosk that reaches
// the server only through one (registered with the first record the relay uploaded for it).
TEST_F(ServerAuth, TheDeviceListSaysWhichDevicesAreRelaysAndWhichRelayBringsAKiosk) {
    startServer();
    std::string relayToken;
    {
        auto db = serverDb();
        auto issued = EnrolmentTokens(db).issue(eventId, store::systemTimeMs(), DeviceRole::kRelay);
        ASSERT_TRUE(issued.ok());
        relayToken = *issued;
    }
    const std::string relayId = store::newUuidV7(7);
    auto relay = enrol({eventId, relayToken, relayId, "Hall relay"});
    ASSERT_TRUE(relay);
    ASSERT_EQ(relay->status, 200) << relay->body;
    const std::string servedId = store::newUuidV7(8);
    {
        auto db = serverDb();
        DeviceRegistry(db).registerRelayed(servedId, eventId, relayId, store::systemTimeMs());
    }

    auto listed = admit(dbArgs() + "--json device list --event " + eventId);
    ASSERT_EQ(listed.exitCode, 0) << listed.out;
    auto devices = json::parse(listed.out, nullptr, false)["devices"];
    ASSERT_EQ(devices.size(), 3u) << listed.out;
    std::map<std::string, json> byId;
    for (const auto& d : devices) byId[d["device_id"]] = d;
    EXPECT_EQ(byId[deviceId]["role"], "kiosk");
    EXPECT_TRUE(byId[deviceId]["relay_id"].is_null());
    EXPECT_EQ(byId[relayId]["role"], "relay");
    EXPECT_TRUE(byId[relayId]["relay_id"].is_null());
    EXPECT_EQ(byId[servedId]["role"], "kiosk");
    EXPECT_EQ(byId[servedId]["relay_id"], relayId);

    auto text = admit(dbArgs() + "device list --event " + eventId);
    ASSERT_EQ(text.exitCode, 0) << text.out;
    EXPECT_NE(text.out.find(relayId + "  RELAY  Hall relay"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find(servedId + "  via relay " + relayId), std::string::npos) << text.out;
    EXPECT_EQ(text.out.find(deviceId + "  RELAY"), std::string::npos) << text.out;
}

// Item 4, the kiosk's side: a round against the real server after the organiser revoked the
// kiosk fails with its own kind (the kiosk shows "This kiosk was removed by the organiser").
// The heartbeat: a malformed field is named, but only to the token's device; a kiosk whose clock
// is 5 minutes slow is listed by `admit device list` as off, with its version and backlog.
TEST_F(ServerAuth, TheOrganiserSeesEachKiosksVersionBacklogAndAClockThatIsOff) {
    startServer();
    const std::string path = devicesPath(eventId);
    auto stranger = send("GET", path, {"Authorization: Bearer nope", "Admit-Clock: soon"});
    ASSERT_TRUE(stranger);
    EXPECT_EQ(stranger->status, 401);
    auto malformed = send("GET", path, {authorization(), "Admit-Clock: soon"});
    ASSERT_TRUE(malformed);
    EXPECT_EQ(malformed->status, 400);
    EXPECT_EQ(bodyOf(malformed).value("error", ""),
              "header field Admit-Clock must be a whole number of milliseconds");

    saveEnrolment(*kiosk, server->url(), deviceToken);
    auto round =
        SyncClient(server->url()).runRound(*kiosk, eventId, "A", store::systemTimeMs() - 300'000);
    ASSERT_TRUE(round.ok()) << round.error().message;
    auto listed = admit(dbArgs() + "device list --event " + eventId);
    ASSERT_EQ(listed.exitCode, 0) << listed.out;
    EXPECT_NE(listed.out.find("CLOCK OFF: clock 5 min behind"), std::string::npos) << listed.out;
    EXPECT_NE(listed.out.find("version " + std::string(admit::version())), std::string::npos)
        << listed.out;
    EXPECT_NE(listed.out.find("0 unsent"), std::string::npos) << listed.out;
    auto asJson = admit(dbArgs() + "--json device list --event " + eventId);
    auto device = json::parse(asJson.out, nullptr, false)["devices"][0];
    EXPECT_EQ(device["clock_off"], true) << asJson.out;
    EXPECT_LT(device["clock_offset_ms"].get<std::int64_t>(), -290'000) << asJson.out;

    // On time again: no longer flagged.
    round = SyncClient(server->url()).runRound(*kiosk, eventId, "A", store::systemTimeMs());
    ASSERT_TRUE(round.ok()) << round.error().message;
    listed = admit(dbArgs() + "device list --event " + eventId);
    EXPECT_EQ(listed.out.find("CLOCK OFF"), std::string::npos) << listed.out;
}

TEST_F(ServerAuth, TheKiosksClientTellsARevocationFromOtherRefusals) {
    startServer();
    saveEnrolment(*kiosk, server->url(), deviceToken);
    auto first = SyncClient(server->url()).runRound(*kiosk, eventId, "A", store::systemTimeMs());
    ASSERT_TRUE(first.ok()) << first.error().message;
    auto revoked = admit(dbArgs() + "device revoke --event " + eventId + " --device " + deviceId);
    ASSERT_EQ(revoked.exitCode, 0) << revoked.out;
    auto refused = SyncClient(server->url()).runRound(*kiosk, eventId, "A", store::systemTimeMs());
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().kind, SyncError::Kind::kRevoked) << refused.error().message;
    EXPECT_EQ(refused.error().message.find(deviceToken), std::string::npos);
}

// Item 6, the kiosk's side: after a 429 with Retry-After the client sends nothing until that
// time has passed.
TEST_F(ServerAuth, TheKiosksClientWaitsAsLongAsRetryAfterSays) {
    startServer();
    for (int i = 0; i < 10; ++i) ASSERT_TRUE(devicesWith("wrong-" + std::to_string(i)));
    // A kiosk whose token the server refuses (a valid one is served whatever the address did,
    // KiosksSharingTheAttackersAddressKeepWorking): its refusals now come as 429.
    saveEnrolment(*kiosk, server->url(), "a-token-the-server-never-issued");
    const std::int64_t now = store::systemTimeMs();
    auto limited = SyncClient(server->url()).runRound(*kiosk, eventId, "A", now);
    ASSERT_FALSE(limited.ok());
    ASSERT_TRUE(limited.error().retryAfter) << limited.error().message;
    const auto wait = *limited.error().retryAfter;
    EXPECT_GE(wait.count(), 1);
    const auto logLines = [&] {
        std::string log = server->log();
        return std::count(log.begin(), log.end(), '\n');
    };
    const auto linesBefore = logLines();
    // Before the time is up: no request reaches the server.
    auto early = SyncClient(server->url()).runRound(*kiosk, eventId, "A", now + 500);
    ASSERT_FALSE(early.ok());
    ASSERT_TRUE(early.error().retryAfter);
    EXPECT_LE(*early.error().retryAfter, wait);
    std::this_thread::sleep_for(200ms);
    EXPECT_EQ(logLines(), linesBefore) << server->log();
    // After it, the client tries again (and the server, whose window is not over for this
    // address in real time, answers again).
    auto later =
        SyncClient(server->url()).runRound(*kiosk, eventId, "A", now + wait.count() * 1000 + 1);
    ASSERT_FALSE(later.ok());
    std::this_thread::sleep_for(200ms);
    EXPECT_GT(logLines(), linesBefore);
}

}  // namespace
}  // namespace admit::sync
