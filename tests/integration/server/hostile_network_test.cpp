// The real admit-server on 127.0.0.1 against the clients of issue 12: a venue network that
// attendees share. Each test plays one attack at the byte level (raw_http.hpp) and then checks
// that the server lived, refused what it had to, stayed within its memory and still answered a
// kiosk's ordinary request in time. Every test is bounded: slow clients run for seconds, not
// minutes.

#include <atomic>
#include <thread>

#include <nlohmann/json.hpp>

#include "admit_server_fixture.hpp"
#include "gzip_bomb.hpp"

namespace admit::sync {
namespace {

using json = nlohmann::json;

using testing::gzipOfZeros;

using HostileNetwork = AdmitServerFixture;

// Issue 12, item 1: a payload nested 100,000 levels deep (200 KB) crashed the server.
TEST_F(HostileNetwork, ADeeplyNestedUploadPayloadIsRefusedAndTheServerKeepsServing) {
    startServer();
    std::string nested = std::string(100'000, '[') + std::string(100'000, ']');
    std::string entries =
        R"([{"seq":1,"kind":"checkin","record_id":"r","hlc":1,"payload":)" + nested + "}]";
    RawConnection connection(port);
    ASSERT_TRUE(connection.send(rawRequest("POST", checkinsPath(eventId),
                                           {authorization(), "Content-Type: application/json"},
                                           uploadWithEntries(entries))));
    auto refused = connection.readResponse();
    ASSERT_TRUE(refused) << "no answer; server running: " << server->running() << ", signal "
                         << server->crashSignal();
    EXPECT_EQ(refused->status, 400) << refused->body;
    EXPECT_NE(refused->body.find("deeper than"), std::string::npos) << refused->body;

    // The same nesting without a token, on the unauthenticated enrolment path.
    RawConnection anonymous(port);
    ASSERT_TRUE(anonymous.send(rawRequest("POST", "/v1/enrol", {}, nested)));
    auto anonymousRefused = anonymous.readResponse();
    ASSERT_TRUE(anonymousRefused);
    EXPECT_GE(anonymousRefused->status, 400);
    expectServing();
}

// Issue 12, item 3: 2.8 million entries were parsed whole before the 500-entry cap applied.
TEST_F(HostileNetwork, AnUploadOfMillionsOfEntriesIsRefusedWhileParsing) {
    startServer();
    std::string entries = "[";
    while (entries.size() < kMaxBodyBytes - 200) entries += "{},";
    entries.back() = ']';
    RawConnection connection(port);
    auto start = Clock::now();
    ASSERT_TRUE(connection.send(rawRequest("POST", checkinsPath(eventId),
                                           {authorization(), "Content-Type: application/json"},
                                           uploadWithEntries(entries))));
    auto refused = connection.readResponse();
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 400) << refused->body;
    EXPECT_NE(refused->body.find("more than 500 entries"), std::string::npos) << refused->body;
    EXPECT_LT(msSince(start), 2000.0);
    EXPECT_LT(peakGrowthMib(), 48.0 * kMemoryFactor)
        << "the entries were built as a tree before the cap";
    expectServing();
}

// Issue 12, item 3: an 8 MiB body of empty objects cost 100 MB and 3.4 s before its refusal,
// on the path that needs no token.
TEST_F(HostileNetwork, AnEightMiBBodyOfEmptyObjectsIsRefusedCheaply) {
    startServer();
    std::string body = R"({"protocol":1,"x":[)";
    while (body.size() < kMaxBodyBytes - 10) body += "{},";
    body.back() = ']';
    body += "}";
    RawConnection connection(port);
    auto start = Clock::now();
    connection.send(rawRequest("POST", "/v1/enrol", {"Content-Type: application/json"}, body));
    auto refused = connection.readResponse();
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 413) << refused->body;
    EXPECT_LT(msSince(start), 1000.0);
    EXPECT_LT(peakGrowthMib(), 24.0 * kMemoryFactor);
    expectServing();
}

// Issue 12, item 3: a gzip body was inflated in full (the limit counted compressed bytes).
TEST_F(HostileNetwork, ACompressedBodyIsRefusedNotInflated) {
    startServer();
    std::string bomb = gzipOfZeros(std::size_t{256} << 20);  // about 256 KB on the wire
    ASSERT_LT(bomb.size(), std::size_t{1} << 20);
    RawConnection connection(port);
    auto start = Clock::now();
    connection.send(rawRequest("POST", "/v1/enrol",
                               {"Content-Type: application/json", "Content-Encoding: gzip"}, bomb));
    auto refused = connection.readResponse(20'000ms);
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 415) << refused->body;
    EXPECT_LT(msSince(start), 1000.0);
    EXPECT_LT(peakGrowthMib(), 24.0 * kMemoryFactor) << "the body was inflated";
    expectServing();
}

// Issue 12, item 3: a chunked body (no Content-Length) skipped the size limit.
TEST_F(HostileNetwork, AChunkedBodyCountsAgainstTheLimit) {
    startServer();
    RawConnection connection(port);
    ASSERT_TRUE(connection.send(
        "POST /v1/enrol HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\n\r\n"));
    std::string chunkData = "[";
    while (chunkData.size() < (1 << 20)) chunkData += "{},";
    char size[32];
    std::snprintf(size, sizeof size, "%zx\r\n", chunkData.size());
    std::string chunk = size + chunkData + "\r\n";
    connection.send("f\r\n{\"protocol\":1,\"\r\n");
    for (int i = 0; i < 24; ++i) {  // 24 MiB unless the server stops it
        if (!connection.send(chunk, 2000ms)) break;
    }
    auto refused = connection.readResponse(20'000ms);
    ASSERT_TRUE(refused) << "no answer";
    EXPECT_EQ(refused->status, 413) << refused->body;
    EXPECT_LT(peakGrowthMib(), 24.0 * kMemoryFactor);
    expectServing();
}

// Issue 12, item 7: two Content-Length fields were accepted (the first one won).
TEST_F(HostileNetwork, TwoContentLengthFieldsAreRefused) {
    startServer();
    std::string body = toJson(EnrolRequest{eventId, enrolmentTokens[1], deviceId, "Gate B"});
    for (const std::string& second :
         {std::to_string(body.size() + 10), std::to_string(body.size())}) {
        RawConnection connection(port);
        ASSERT_TRUE(connection.send(
            "POST /v1/enrol HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Content-Type: application/json\r\nContent-Length: " +
            std::to_string(body.size()) + "\r\nContent-Length: " + second + "\r\n\r\n" + body));
        auto refused = connection.readResponse();
        ASSERT_TRUE(refused);
        EXPECT_EQ(refused->status, 400)
            << "second Content-Length " << second << ": " << refused->body;
        EXPECT_NE(refused->body.find("Content-Length"), std::string::npos) << refused->body;
    }
    // The enrolment token was not spent by either.
    RawConnection connection(port);
    ASSERT_TRUE(connection.send(rawRequest("POST", "/v1/enrol", {}, body)));
    auto enrolled = connection.readResponse();
    ASSERT_TRUE(enrolled);
    ASSERT_EQ(enrolled->status, 200) << enrolled->body;
    deviceToken = parseEnrolResponse(enrolled->body)->deviceToken;
}

// Issue 12, item 7: a client that half-closed after its request had the request executed (its
// enrolment token spent) but got no answer.
TEST_F(HostileNetwork, AHalfClosedClientIsAnswered) {
    startServer();
    RawConnection connection(port);
    ASSERT_TRUE(connection.send(
        rawRequest("POST", "/v1/enrol", {"Content-Type: application/json"},
                   toJson(EnrolRequest{eventId, enrolmentTokens[1], deviceId, "Gate B"}))));
    connection.shutdownWrite();
    auto answered = connection.readResponse(3000ms);
    ASSERT_TRUE(answered) << "executed but not answered";
    ASSERT_EQ(answered->status, 200) << answered->body;
    deviceToken = parseEnrolResponse(answered->body)->deviceToken;
}

// Issue 12, item 3: 300,000 header fields were accepted.
TEST_F(HostileNetwork, ThousandsOfHeaderFieldsAreRefused) {
    startServer();
    std::string head = "GET " + devicesPath(eventId) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                       authorization() + "\r\n";
    for (int i = 0; i < 100'000; ++i) head += "X-" + std::to_string(i) + ": a\r\n";
    RawConnection connection(port);
    connection.send(head + "\r\n");
    auto refused = connection.readResponse();
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 431) << refused->body;
    EXPECT_LT(peakGrowthMib(), 24.0 * kMemoryFactor);
    expectServing();
}

// Issue 12, item 2: 8 connections sending a header byte every 3 s held every request worker.
TEST_F(HostileNetwork, SlowHeaderClientsDoNotStallKiosks) {
    startServer();
    SlowClients slow(port, 32, 500ms);
    ASSERT_TRUE(slow.waitUntilSending(32, 5000ms));
    std::this_thread::sleep_for(1500ms);
    for (int i = 0; i < 3; ++i) {
        auto answered = kioskRequest(2000ms);
        ASSERT_TRUE(answered) << "request " << i << " not answered within 2 s";
        EXPECT_LT(*answered, 1000.0);
    }
}

// Issue 12, item 2: 200 idle connections, and no kiosk request was answered within 10 s.
TEST_F(HostileNetwork, IdleConnectionsDoNotStallKiosks) {
    startServer();
    std::vector<std::unique_ptr<RawConnection>> idle;
    for (int i = 0; i < 200; ++i) idle.push_back(std::make_unique<RawConnection>(port));
    std::this_thread::sleep_for(500ms);
    for (int i = 0; i < 3; ++i) {
        auto answered = kioskRequest(2000ms);
        ASSERT_TRUE(answered) << "request " << i << " not answered within 2 s";
        EXPECT_LT(*answered, 1000.0);
    }
}

// The criterion of issue 12: under 500 slow attacking connections a kiosk is still answered
// within 1 s, and the server's memory stays small.
TEST_F(HostileNetwork, FiveHundredSlowConnectionsLeaveKiosksAnsweredWithinOneSecond) {
    startServer();
    SlowClients slow(port, 500, 250ms);
    ASSERT_TRUE(slow.waitUntilSending(500, 5000ms));
    std::this_thread::sleep_for(1000ms);
    std::vector<double> latencies;
    for (int i = 0; i < 10; ++i) {
        auto answered = kioskRequest(2000ms);
        ASSERT_TRUE(answered) << "request " << i << " not answered within 2 s";
        latencies.push_back(*answered);
        std::this_thread::sleep_for(100ms);
    }
    std::sort(latencies.begin(), latencies.end());
    EXPECT_LT(latencies.back(), 1000.0);
    EXPECT_EQ(slow.closedByServer(), 0) << "no connection is shed below the cap";
    EXPECT_LT(peakGrowthMib(), 48.0 * kMemoryFactor);
}

// A client that never finishes its request head is cut off at the request deadline, however
// steadily it sends.
TEST_F(HostileNetwork, ASlowClientIsCutOffAtTheRequestDeadline) {
    startServer({"--request-timeout", "1"});
    SlowClients slow(port, 4, 100ms);
    ASSERT_TRUE(slow.waitUntilSending(4, 5000ms));
    std::this_thread::sleep_for(2500ms);
    EXPECT_EQ(slow.closedByServer(), 4);
    expectServing();
}

// Over the connection cap, the connections that have waited longest for a whole request are
// closed to make room: a kiosk's new connection is served.
TEST_F(HostileNetwork, ConnectionsOverTheCapShedTheOldestFirst) {
    startServer({"--max-connections", "50"});
    std::vector<std::unique_ptr<RawConnection>> early;
    for (int i = 0; i < 100; ++i) early.push_back(std::make_unique<RawConnection>(port));
    std::this_thread::sleep_for(300ms);
    std::vector<std::unique_ptr<RawConnection>> late;
    for (int i = 0; i < 20; ++i) late.push_back(std::make_unique<RawConnection>(port));
    std::this_thread::sleep_for(300ms);
    for (int i = 0; i < 3; ++i) {
        auto answered = kioskRequest(2000ms);
        ASSERT_TRUE(answered) << "request " << i << " not answered within 2 s";
        EXPECT_LT(*answered, 1000.0);
    }
    int earlyClosed = 0;
    for (auto& connection : early) earlyClosed += connection->closedByPeer(0ms) ? 1 : 0;
    int lateClosed = 0;
    for (auto& connection : late) lateClosed += connection->closedByPeer(0ms) ? 1 : 0;
    EXPECT_GE(earlyClosed, 70) << "the oldest idle connections make room";
    EXPECT_EQ(lateClosed, 0) << "newer connections are kept while older ones can go";
}

// The device token is checked as soon as the head is in: an unauthenticated client cannot make
// the server wait for, or hold, an 8 MiB upload.
TEST_F(HostileNetwork, AnUploadWithoutATokenIsRefusedBeforeItsBody) {
    startServer();
    RawConnection connection(port);
    auto start = Clock::now();
    ASSERT_TRUE(connection.send("POST " + checkinsPath(eventId) +
                                " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                                "Content-Length: " +
                                std::to_string(kMaxBodyBytes) + "\r\n\r\n"));
    auto refused = connection.readResponse(3000ms);
    ASSERT_TRUE(refused) << "the server waited for the body";
    EXPECT_EQ(refused->status, 401) << refused->body;
    EXPECT_LT(msSince(start), 1000.0);
    expectServing();
}

// SIGTERM while uploads are on the wire or being stored: every upload the server acknowledged
// is in its database afterwards, and it exits 0 each time.
TEST_F(HostileNetwork, SigtermMidUploadLosesNoAcknowledgedCheckIn) {
    startServer();
    auto batches = checkInBatches(240, 40);
    ASSERT_EQ(batches.size(), 6u);
    std::vector<std::string> acknowledged;
    for (std::size_t round = 0; round < batches.size(); ++round) {
        if (round > 0) {
            server->start();
            port = server->port();
        }
        std::string body = toJson(batches[round]);
        RawConnection connection(port);
        std::string request = rawRequest("POST", checkinsPath(eventId),
                                         {authorization(), "Content-Type: application/json"}, body);
        // Rounds 0-2 stop the server with half the body sent; 3-5 once it is all sent.
        std::size_t sentFirst = round < 3 ? request.size() / 2 : request.size();
        ASSERT_TRUE(connection.send(request.substr(0, sentFirst)));
        std::this_thread::sleep_for(std::chrono::milliseconds(20 * (round % 3)));
        kill(server->pid(), SIGTERM);
        connection.send(request.substr(sentFirst), 1000ms);
        auto answer = connection.readResponse(5000ms);
        // A request whose first bytes had reached the server when the signal came is given
        // a moment to finish (stopGrace) and answered. With no pause before the signal its
        // bytes may still be on their way (a loaded machine), and then it may go unanswered:
        // the kiosk sends it again.
        if (round % 3 != 0) {
            EXPECT_TRUE(answer && answer->status == 200) << "round " << round << " unanswered";
        }
        if (answer && answer->status == 200) {
            for (const auto& entry : batches[round].entries) acknowledged.push_back(entry.recordId);
        }
        EXPECT_EQ(server->stop(), 0) << server->log();
    }
    auto key = replica::loadKeyFile(dir / "server.key");
    ASSERT_TRUE(key.ok());
    auto db = replica::openReplica(dir / "server.db", *key, replica::OpenMode::kReadOnly);
    ASSERT_TRUE(db.ok());
    for (const auto& id : acknowledged) {
        EXPECT_EQ(db->execAndGet("SELECT count(*) FROM checkins WHERE id = '" + id + "'").getInt(),
                  1)
            << "acknowledged check-in " << id << " is missing";
    }
    deviceToken.clear();
}

}  // namespace
}  // namespace admit::sync
