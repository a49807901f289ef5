#include "admit/sync/server/sync_server.hpp"

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "admit/sync/protocol/messages.hpp"
#include "admit/sync/protocol/roster.hpp"
#include "admit/sync/store/device_registry.hpp"
#include "admit/sync/store/enrolment_tokens.hpp"
#include "admit/sync/store/server_store.hpp"
#include "raw_http.hpp"
#include "server_fixture.hpp"

namespace admit::sync {
namespace {

using json = nlohmann::json;
using testing::kT0;

// The real server on 127.0.0.1 (a free port) in this process, with its clock and log in the
// test's hands; requests go through httplib::Client as a kiosk's would.
class SyncServerTest : public testing::ServerFixture {
  protected:
    void SetUp() override {
        ServerFixture::SetUp();
        ServerOptions options;
        options.clock = [this] { return now.load(); };
        options.log = [this](std::string_view line) {
            std::lock_guard lock(logMutex);
            log.emplace_back(line);
        };
        server = std::make_unique<SyncServer>(*org, options);
        auto bound = server->bind("127.0.0.1", 0);
        ASSERT_TRUE(bound.ok()) << bound.error().message;
        port = *bound;
        serving = std::thread([this] { server->run(); });
        client = std::make_unique<httplib::Client>("127.0.0.1", port);
    }
    void TearDown() override {
        server->stop();
        if (serving.joinable()) serving.join();
    }

    httplib::Headers bearer(const std::string& token) {
        return {{"Authorization", "Bearer " + token}};
    }

    // Enrols over HTTP; returns the device token.
    std::string enrolOverHttp(SQLite::Database& kiosk, const std::string& name) {
        auto token = EnrolmentTokens(*org).issue(eventId, now);
        EXPECT_TRUE(token.ok());
        secrets.push_back(*token);
        auto res = client->Post("/v1/enrol",
                                toJson(EnrolRequest{eventId, *token, store::deviceId(kiosk), name}),
                                "application/json");
        EXPECT_TRUE(res && res->status == 200);
        if (!res || res->status != 200) return "";
        auto parsed = parseEnrolResponse(res->body);
        EXPECT_TRUE(parsed.ok());
        secrets.push_back(parsed->deviceToken);
        return parsed->deviceToken;
    }

    // The error sentence of a non-2xx answer (and checks it is one).
    std::string errorOf(const httplib::Result& res, int status) {
        EXPECT_TRUE(res);
        if (!res) return "";
        EXPECT_EQ(res->status, status) << res->body;
        EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
        auto sentence = parseErrorSentence(res->body);
        EXPECT_TRUE(sentence.has_value()) << res->body;
        for (const auto& secret : secrets) {
            EXPECT_EQ(res->body.find(secret), std::string::npos) << "a token in an error body";
        }
        return sentence.value_or("");
    }

    // The log once it has `count` lines: the server writes a line after the answer has gone out,
    // so the client can be a moment ahead of it.
    std::vector<std::string> logLines(std::size_t count) {
        for (int i = 0; i < 200; ++i) {
            {
                std::lock_guard lock(logMutex);
                if (log.size() >= count) return log;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        std::lock_guard lock(logMutex);
        return log;
    }

    std::atomic<std::int64_t> now{kT0};
    std::mutex logMutex;
    std::vector<std::string> log;
    std::vector<std::string> secrets;
    std::unique_ptr<SyncServer> server;
    int port = 0;
    std::thread serving;
    std::unique_ptr<httplib::Client> client;
};

TEST_F(SyncServerTest, EnrolAnswersWithADeviceTokenOnceThen410) {
    auto kiosk = makeKiosk("k");
    auto token = EnrolmentTokens(*org).issue(eventId, kT0);
    ASSERT_TRUE(token.ok());
    secrets.push_back(*token);
    std::string body = toJson(EnrolRequest{eventId, *token, store::deviceId(*kiosk), "Gate A"});
    auto res = client->Post("/v1/enrol", body, "application/json");
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body;
    auto answer = parseEnrolResponse(res->body);
    ASSERT_TRUE(answer.ok()) << answer.error().message;
    EXPECT_EQ(json::parse(res->body)["protocol"], kProtocolVersion);
    EXPECT_EQ(answer->eventName, "Sync Fest");
    secrets.push_back(answer->deviceToken);

    EXPECT_NE(errorOf(client->Post("/v1/enrol", body, "application/json"), 410).find("used"),
              std::string::npos);
}

TEST_F(SyncServerTest, EnrolRefusalsHaveTheirStatusCodes) {
    auto kiosk = makeKiosk("k");
    std::string device = store::deviceId(*kiosk);
    auto token = EnrolmentTokens(*org).issue(eventId, kT0);
    ASSERT_TRUE(token.ok());
    secrets.push_back(*token);
    errorOf(client->Post("/v1/enrol", toJson(EnrolRequest{otherEventId, *token, device, "k"}),
                         "application/json"),
            401);
    errorOf(client->Post(
                "/v1/enrol",
                toJson(EnrolRequest{"0190a8c4-5e3b-7c2d-9f00-1a2b3c4d5e6f", *token, device, "k"}),
                "application/json"),
            401);
    std::string malformed = errorOf(
        client->Post("/v1/enrol",
                     R"({"protocol": )" + std::to_string(kProtocolVersion) + R"(, "event_id": 5})",
                     "application/json"),
        400);
    EXPECT_NE(malformed.find("event_id"), std::string::npos) << malformed;
    errorOf(client->Post("/v1/enrol", "not json", "application/json"), 400);

    now = kT0 + kEnrolmentTokenLifetimeMs;
    EXPECT_NE(errorOf(client->Post("/v1/enrol", toJson(EnrolRequest{eventId, *token, device, "k"}),
                                   "application/json"),
                      410)
                  .find("expired"),
              std::string::npos);
}

TEST_F(SyncServerTest, DeviceTokenIsRequiredAndBoundToItsEvent) {
    auto kiosk = makeKiosk("k");
    std::string token = enrolOverHttp(*kiosk, "k");
    ASSERT_FALSE(token.empty());
    std::string devices = devicesPath(eventId);
    errorOf(client->Get(devices), 401);
    errorOf(client->Get(devices, bearer("wrong-token")), 401);
    errorOf(client->Get(devices, {{"Authorization", "Basic " + token}}), 401);
    errorOf(client->Get(devicesPath(otherEventId), bearer(token)), 403);
    errorOf(client->Get(devicesPath("0190a8c4-5e3b-7c2d-9f00-1a2b3c4d5e6f"), bearer(token)), 404);
    errorOf(client->Get("/v1/nothing/here", bearer(token)), 404);
    // The token is checked before the body is read.
    errorOf(client->Post(checkinsPath(eventId), "{}", "application/json"), 401);
    auto ok = client->Get(devices, bearer(token));
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->status, 200);
}

TEST_F(SyncServerTest, UploadTwiceStoresOnceAndAnotherKioskDownloadsIt) {
    auto kioskA = makeKiosk("a");
    auto kioskB = makeKiosk("b");
    std::string tokenA = enrolOverHttp(*kioskA, "a");
    std::string tokenB = enrolOverHttp(*kioskB, "b");
    auto made = admitOn(*kioskA, tickets[0], kT0 + 1000);
    admitOn(*kioskA, tickets[1], kT0 + 2000);
    std::string batch = toJson(outboxOf(*kioskA));

    auto first = client->Post(checkinsPath(eventId), bearer(tokenA), batch, "application/json");
    ASSERT_TRUE(first);
    ASSERT_EQ(first->status, 200) << first->body;
    auto stored = parseUploadResponse(first->body);
    ASSERT_TRUE(stored.ok());
    EXPECT_EQ(stored->stored, 2);
    auto second = client->Post(checkinsPath(eventId), bearer(tokenA), batch, "application/json");
    ASSERT_TRUE(second);
    auto again = parseUploadResponse(second->body);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->stored, 0);
    EXPECT_EQ(again->alreadyHad, 2);
    EXPECT_EQ(again->acknowledgedThrough, stored->acknowledgedThrough);

    auto down = client->Get(checkinsPath(eventId) + "?after=0&limit=1", bearer(tokenB));
    ASSERT_TRUE(down);
    ASSERT_EQ(down->status, 200) << down->body;
    auto page = parseDownloadResponse(down->body);
    ASSERT_TRUE(page.ok()) << page.error().message;
    ASSERT_EQ(page->checkins.size(), 1u);
    EXPECT_EQ(page->checkins[0].checkIn.id, made.id);
    EXPECT_TRUE(page->more);
    auto rest = parseDownloadResponse(
        client->Get(checkinsPath(eventId) + "?after=" + std::to_string(page->next), bearer(tokenB))
            ->body);
    ASSERT_TRUE(rest.ok());
    EXPECT_EQ(rest->checkins.size(), 1u);
    EXPECT_FALSE(rest->more);

    auto own = parseDownloadResponse(client->Get(checkinsPath(eventId), bearer(tokenA))->body);
    ASSERT_TRUE(own.ok());
    EXPECT_TRUE(own->checkins.empty());

    EXPECT_NE(errorOf(client->Get(checkinsPath(eventId) + "?limit=5000", bearer(tokenB)), 400)
                  .find("limit"),
              std::string::npos);
    EXPECT_NE(
        errorOf(client->Get(checkinsPath(eventId) + "?after=x", bearer(tokenB)), 400).find("after"),
        std::string::npos);
    std::string bad = errorOf(
        client->Post(checkinsPath(eventId), bearer(tokenA),
                     R"({"protocol":)" + std::to_string(kProtocolVersion) + R"(,"device_id":")" +
                         store::deviceId(*kioskA) + R"(","gate":"A","entries":[{"seq":"no"}]})",
                     "application/json"),
        400);
    EXPECT_NE(bad.find("seq"), std::string::npos) << bad;
}

TEST_F(SyncServerTest, RosterAndDevicesOverHttp) {
    auto kiosk = makeKiosk("k");
    std::string token = enrolOverHttp(*kiosk, "Gate A");
    auto full = client->Get(
        rosterPath(eventId) + "?protocol=" + std::to_string(kProtocolVersion) + "&have=0",
        bearer(token));
    ASSERT_TRUE(full);
    ASSERT_EQ(full->status, 200);
    auto roster = json::parse(full->body);
    EXPECT_EQ(roster["protocol"], kProtocolVersion);
    EXPECT_FALSE(roster["unchanged"].get<bool>());
    std::int64_t version = roster["version"];
    auto same = client->Get(rosterPath(eventId) + "?protocol=" + std::to_string(kProtocolVersion) +
                                "&have=" + std::to_string(version),
                            bearer(token));
    ASSERT_TRUE(same);
    EXPECT_TRUE(json::parse(same->body)["unchanged"].get<bool>());

    // The next kiosk gets the same body without the roster being read again, until it changes.
    EXPECT_FALSE(full->has_header("X-Admit-Roster"));
    auto again = client->Get(
        rosterPath(eventId) + "?protocol=" + std::to_string(kProtocolVersion) + "&have=0",
        bearer(token));
    ASSERT_TRUE(again);
    EXPECT_EQ(again->get_header_value("X-Admit-Roster"), "cached");
    EXPECT_EQ(again->body, full->body);
    org->exec("UPDATE attendees SET name = 'Ada King' WHERE name = 'Ada Lovelace'");
    auto changed = client->Get(
        rosterPath(eventId) + "?protocol=" + std::to_string(kProtocolVersion) + "&have=0",
        bearer(token));
    ASSERT_TRUE(changed);
    EXPECT_FALSE(changed->has_header("X-Admit-Roster"));
    EXPECT_GT(json::parse(changed->body)["version"].get<std::int64_t>(), version);
    EXPECT_NE(changed->body.find("Ada King"), std::string::npos);

    // The last sync is recorded when it is kLastSyncResolutionMs old (or the heartbeat
    // changed), not by every request.
    now = kT0 + 777;
    auto res = client->Get(devicesPath(eventId), bearer(token));
    ASSERT_TRUE(res);
    auto devices = parseDevicesResponse(res->body);
    ASSERT_TRUE(devices.ok()) << devices.error().message;
    ASSERT_EQ(devices->devices.size(), 1u);
    EXPECT_EQ(devices->devices[0].name, "Gate A");
    ASSERT_TRUE(devices->devices[0].lastSyncAtMs);
    const std::int64_t recorded = *devices->devices[0].lastSyncAtMs;
    EXPECT_LT(recorded, kT0 + 777) << "777 ms later: not written again";
    now = recorded + kLastSyncResolutionMs;
    res = client->Get(devicesPath(eventId), bearer(token));
    ASSERT_TRUE(res);
    devices = parseDevicesResponse(res->body);
    ASSERT_TRUE(devices.ok());
    EXPECT_EQ(devices->devices[0].lastSyncAtMs, recorded + kLastSyncResolutionMs)
        << "an authenticated request records the device's last sync once it is due";
}

TEST_F(SyncServerTest, AKioskGetsTheChangesSinceItsVersionInPages) {
    auto kiosk = makeKiosk("k");
    std::string token = enrolOverHttp(*kiosk, "Gate A");
    auto full = client->Get(
        rosterPath(eventId) + "?protocol=" + std::to_string(kProtocolVersion) + "&have=0",
        bearer(token));
    ASSERT_TRUE(full);
    const std::int64_t version = json::parse(full->body)["version"];
    org->exec("UPDATE attendees SET name = 'Ada King' WHERE name = 'Ada Lovelace'");
    const std::string since = rosterPath(eventId) +
                              "?protocol=" + std::to_string(kProtocolVersion) +
                              "&have=" + std::to_string(version);
    auto changes = client->Get(since, bearer(token));
    ASSERT_TRUE(changes);
    ASSERT_EQ(changes->status, 200) << changes->body;
    auto delta = json::parse(changes->body);
    EXPECT_EQ(delta["full"], false);
    EXPECT_EQ(delta["since"], version);
    ASSERT_EQ(delta["tables"]["attendees"]["rows"].size(), 1u);
    EXPECT_EQ(delta["tables"]["attendees"]["rows"][0][3], "Ada King");
    EXPECT_FALSE(changes->has_header("X-Admit-Roster")) << "changes are not the cached body";

    // A cursor past the last change: an empty last page.
    auto past = client->Get(since + "&after=" + std::to_string(delta["next"].get<std::int64_t>()),
                            bearer(token));
    ASSERT_TRUE(past);
    EXPECT_TRUE(json::parse(past->body)["tables"].empty());
    EXPECT_EQ(errorOf(client->Get(since + "&after=-1", bearer(token)), 400),
              "after must not be negative");
}

// A kiosk of protocol 1 asked without `protocol`: it is told, by kind, instead of misreading.
TEST_F(SyncServerTest, AKioskOfAnotherProtocolVersionIsToldSo) {
    auto kiosk = makeKiosk("k");
    std::string token = enrolOverHttp(*kiosk, "Gate A");
    auto old = client->Get(rosterPath(eventId) + "?have=0", bearer(token));
    ASSERT_TRUE(old);
    EXPECT_EQ(old->status, 400);
    auto body = parseErrorBody(old->body);
    ASSERT_TRUE(body);
    EXPECT_EQ(body->kind, ErrorKind::kProtocolMismatch);
    EXPECT_EQ(body->sentence, "this server speaks sync protocol " +
                                  std::to_string(kProtocolVersion) +
                                  ", the kiosk 1: update Admit on the kiosk");

    auto upload = client->Post(checkinsPath(eventId), bearer(token),
                               R"({"protocol":1,"device_id":")" + store::deviceId(*kiosk) +
                                   R"(","gate":"A","entries":[]})",
                               "application/json");
    ASSERT_TRUE(upload);
    EXPECT_EQ(upload->status, 400);
    body = parseErrorBody(upload->body);
    ASSERT_TRUE(body);
    EXPECT_EQ(body->kind, ErrorKind::kProtocolMismatch);
}

TEST_F(SyncServerTest, LargeResponsesAreGzippedWhenTheClientAcceptsIt) {
    auto kiosk = makeKiosk("k");
    std::string token = enrolOverHttp(*kiosk, "k");
    httplib::Headers headers = bearer(token);
    headers.emplace("Accept-Encoding", "gzip");
    auto res =
        client->Get(rosterPath(eventId) + "?protocol=" + std::to_string(kProtocolVersion), headers);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(res->get_header_value("Content-Encoding"), "gzip");
    EXPECT_FALSE(json::parse(res->body)["unchanged"].get<bool>()) << "decompressed by the client";
}

// The whole roster is written to a file once per version and sent from it in 64 KiB pieces,
// gzipped or not: what arrives is exactly the roster, either way, and again from the cache.
TEST_F(SyncServerTest, AWholeRosterOfManyPiecesArrivesExactlyFromItsFile) {
    std::string csv = "name,email,ticket_type,status\n";
    for (int i = 0; i < 3000; ++i) {
        csv += "Person " + std::to_string(i) + ",p" + std::to_string(i) +
               "@example.org,General,approved\n";
    }
    ASSERT_TRUE(organiser::importAttendees(*org, eventId, csv, "many.csv", "", kT0 + 1).ok());
    auto kiosk = makeKiosk("k");
    std::string token = enrolOverHttp(*kiosk, "k");
    auto expected = rosterJson(*org, eventId, 0);
    ASSERT_TRUE(expected.ok());
    ASSERT_GT(expected->size(), 4u * 64 * 1024) << "several pieces";
    const std::string path = rosterPath(eventId) + "?protocol=" + std::to_string(kProtocolVersion);
    httplib::Headers gzipped = bearer(token);
    gzipped.emplace("Accept-Encoding", "gzip");
    for (int round = 0; round < 2; ++round) {
        auto plain = client->Get(path, bearer(token));
        ASSERT_TRUE(plain);
        EXPECT_EQ(plain->status, 200);
        EXPECT_EQ(plain->get_header_value("Content-Encoding"), "");
        EXPECT_EQ(plain->get_header_value("Content-Length"), std::to_string(expected->size()));
        EXPECT_TRUE(plain->body == *expected) << "round " << round;
        auto compressed = client->Get(path, gzipped);
        ASSERT_TRUE(compressed);
        EXPECT_EQ(compressed->get_header_value("Content-Encoding"), "gzip");
        EXPECT_LT(std::stoul(compressed->get_header_value("Content-Length")), expected->size() / 3);
        EXPECT_TRUE(compressed->body == *expected) << "decompressed by the client, round " << round;
        EXPECT_EQ(compressed->get_header_value("X-Admit-Roster"), "cached");
    }
}

TEST_F(SyncServerTest, BodyOver8MiBIsRefusedWith413) {
    auto kiosk = makeKiosk("k");
    std::string token = enrolOverHttp(*kiosk, "k");
    std::string huge(kMaxBodyBytes + 1, ' ');
    std::string sentence =
        errorOf(client->Post(checkinsPath(eventId), bearer(token), huge, "application/json"), 413);
    EXPECT_NE(sentence.find("8 MiB"), std::string::npos) << sentence;
    auto fits =
        client->Post(checkinsPath(eventId), bearer(token),
                     toJson(UploadRequest{store::deviceId(*kiosk), "A", {}}), "application/json");
    ASSERT_TRUE(fits);
    EXPECT_EQ(fits->status, 200);
}

TEST_F(SyncServerTest, OneLogLinePerRequestAndNoSecretInIt) {
    auto kiosk = makeKiosk("k");
    std::string token = enrolOverHttp(*kiosk, "k");
    admitOn(*kiosk, tickets[0], kT0 + 1);
    client->Post(checkinsPath(eventId), bearer(token), toJson(outboxOf(*kiosk)),
                 "application/json");
    client->Get(checkinsPath(eventId), bearer(token));
    client->Get(rosterPath(eventId) + "?protocol=" + std::to_string(kProtocolVersion),
                bearer(token));
    client->Get(devicesPath(eventId), bearer(token));
    client->Get(devicesPath(eventId), bearer(token + "x"));
    client->Post("/v1/enrol",
                 toJson(EnrolRequest{eventId, secrets.front(), store::deviceId(*kiosk), "k"}),
                 "application/json");
    auto lines = logLines(7);
    ASSERT_EQ(lines.size(), 7u);
    // Lines are written after each answer, so their order is not asserted.
    auto has = [&](const std::string& line) {
        return std::find(lines.begin(), lines.end(), line) != lines.end();
    };
    EXPECT_TRUE(has("127.0.0.1 POST /v1/enrol 200"));
    EXPECT_TRUE(has("127.0.0.1 GET " + devicesPath(eventId) + " 200"));
    EXPECT_TRUE(
        has("127.0.0.1 GET " + devicesPath(eventId) + " 401: the device token is not known"));
    EXPECT_TRUE(
        has("127.0.0.1 POST /v1/enrol 410: the enrolment token was used already; print a "
            "new set-up code"));
    ASSERT_EQ(secrets.size(), 2u);
    for (const auto& line : lines) {
        for (const auto& secret : secrets) EXPECT_EQ(line.find(secret), std::string::npos) << line;
    }
}

TEST_F(SyncServerTest, AServerFaultIs500WithABodyAndALogLine) {
    auto kiosk = makeKiosk("k");
    std::string token = enrolOverHttp(*kiosk, "k");
    admitOn(*kiosk, tickets[0], kT0 + 1);
    admitOn(*kiosk, tickets[1], kT0 + 2);
    auto request = outboxOf(*kiosk);
    request.entries[1].kind = "mystery";  // to be quarantined, in a table that is gone
    org->exec("DROP TABLE sync_quarantine");
    std::string sentence = errorOf(
        client->Post(checkinsPath(eventId), bearer(token), toJson(request), "application/json"),
        500);
    EXPECT_EQ(sentence, "server fault; see the server's log");
    EXPECT_EQ(count("SELECT count(*) FROM checkins"), 0) << "the batch was rolled back";
    auto lines = logLines(3);
    auto fault = std::find_if(lines.begin(), lines.end(), [](const std::string& line) {
        return line.rfind("server fault on POST /v1/events/", 0) == 0;
    });
    ASSERT_NE(fault, lines.end());
    EXPECT_NE(fault->find("sync_quarantine"), std::string::npos) << *fault;
    for (const auto& line : lines) EXPECT_EQ(line.find(token), std::string::npos) << line;
}

// HTTP/1.1 as clients other than libcurl speak it: requests sent back to back on one
// connection are answered in order, an upload may wait for "100 Continue", HTTP/1.0 closes
// after one answer, and a method a path does not take is 405 with Allow.
TEST_F(SyncServerTest, PipelinedContinuedAndOldStyleRequestsAreAnswered) {
    auto kiosk = makeKiosk("k");
    std::string token = enrolOverHttp(*kiosk, "k");
    std::string auth = "Authorization: Bearer " + token;
    {
        testing::RawConnection connection(port);
        ASSERT_TRUE(connection.send(testing::rawRequest("GET", devicesPath(eventId), {auth}) +
                                    testing::rawRequest("GET", "/v1/nothing", {auth}) +
                                    testing::rawRequest("GET", checkinsPath(eventId), {auth})));
        auto first = connection.readResponse();
        auto second = connection.readResponse();
        auto third = connection.readResponse();
        ASSERT_TRUE(first && second && third);
        EXPECT_EQ(first->status, 200);
        EXPECT_EQ(second->status, 404);
        EXPECT_EQ(third->status, 200);
        EXPECT_TRUE(parseDownloadResponse(third->body).ok()) << third->body;
    }
    {
        admitOn(*kiosk, tickets[0], kT0 + 1);
        std::string body = toJson(outboxOf(*kiosk));
        testing::RawConnection connection(port);
        ASSERT_TRUE(connection.send("POST " + checkinsPath(eventId) + " HTTP/1.1\r\nHost: x\r\n" +
                                    auth + "\r\nExpect: 100-continue\r\nContent-Length: " +
                                    std::to_string(body.size()) + "\r\n\r\n"));
        auto interim = connection.readResponse(std::chrono::milliseconds(2000), false);
        ASSERT_TRUE(interim) << "no 100 Continue before the body";
        EXPECT_EQ(interim->status, 100);
        ASSERT_TRUE(connection.send(body));
        auto stored = connection.readResponse();
        ASSERT_TRUE(stored);
        EXPECT_EQ(stored->status, 200) << stored->body;
        EXPECT_EQ(parseUploadResponse(stored->body)->stored, 1);
    }
    {
        testing::RawConnection connection(port);
        ASSERT_TRUE(
            connection.send("GET " + devicesPath(eventId) + " HTTP/1.0\r\n" + auth + "\r\n\r\n"));
        auto answered = connection.readResponse();
        ASSERT_TRUE(answered);
        EXPECT_EQ(answered->status, 200);
        EXPECT_EQ(answered->headers["connection"], "close");
        EXPECT_TRUE(connection.closedByPeer(std::chrono::milliseconds(2000)));
    }
    auto wrongMethod = client->Get("/v1/enrol");
    EXPECT_EQ(errorOf(wrongMethod, 405), "this method is not allowed on this path");
    EXPECT_EQ(wrongMethod->get_header_value("Allow"), "POST");
}

}  // namespace
}  // namespace admit::sync
