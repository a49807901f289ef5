// The real admit-server on 127.0.0.1 against the clients of issue 12: a venue network that
// attendees share. Each test plays one attack at the byte level (raw_http.hpp) and then checks
// that the server lived, refused what it had to, stayed within its memory and still answered a
// kiosk's ordinary request in time. Every test is bounded: slow clients run for seconds, not
// minutes.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <SQLiteCpp/Transaction.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "admit/organiser/event_admin.hpp"
#include "admit/replica/replica.hpp"
#include "admit/replica/replica_key.hpp"
#include "admit/store/checkin_log.hpp"
#include "admit/store/clock.hpp"
#include "admit/store/hybrid_logical_clock.hpp"
#include "admit/store/outbox.hpp"
#include "admit/store/schema.hpp"
#include "admit/store/store.hpp"
#include "admit/sync/messages.hpp"
#include "admit/sync/server_store.hpp"
#include "raw_http.hpp"
#include "server_process.hpp"
#include "temp_dir.hpp"

namespace admit::sync {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;
using testing::RawConnection;
using testing::rawRequest;
using testing::RawResponse;
using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Connections that send a request head one byte at a time, forever (the head never ends), from
// a thread of their own. `connected` counts the ones the server accepted.
class SlowClients {
  public:
    SlowClients(int port, int count, std::chrono::milliseconds interval) {
        for (int i = 0; i < count; ++i) {
            connections_.push_back(std::make_unique<RawConnection>(port));
            if (connections_.back()->connected()) ++connected;
        }
        dribbling_ = std::thread([this, interval] {
            const std::string head =
                "GET /v1/events/00000000-0000-0000-0000-000000000000/devices HTTP/1.1\r\n"
                "Host: 127.0.0.1\r\nX-Slow: ";
            std::size_t next = 0;
            while (!stop_) {
                char byte = next < head.size() ? head[next] : 'a';
                ++next;
                for (auto& connection : connections_) {
                    if (connection->connected()) connection->send(std::string_view(&byte, 1), 0ms);
                }
                for (auto waited = 0ms; waited < interval && !stop_; waited += 10ms) {
                    std::this_thread::sleep_for(10ms);
                }
            }
        });
    }
    ~SlowClients() {
        stop_ = true;
        dribbling_.join();
    }
    // How many of them the server has closed by now.
    int closedByServer() {
        int closed = 0;
        for (auto& connection : connections_) closed += connection->closedByPeer(0ms) ? 1 : 0;
        return closed;
    }

    int connected = 0;

  private:
    std::vector<std::unique_ptr<RawConnection>> connections_;
    std::atomic<bool> stop_ = false;
    std::thread dribbling_;
};

class HostileNetwork : public ::testing::Test {
  protected:
    void SetUp() override {
        auto key = replica::ReplicaKey::generate();
        ASSERT_TRUE(replica::writeKeyFile(dir / "server.key", key).ok());
        {
            auto db = replica::openReplica(dir / "server.db", key, replica::OpenMode::Create);
            ASSERT_TRUE(db.ok()) << db.error().message;
            store::applyConnectionSettings(*db);
            ASSERT_TRUE(store::migrate(*db).ok());
            auto event = organiser::createEvent(*db, {"Hostile Fest"}, 1000);
            ASSERT_TRUE(event.ok());
            eventId = event->id;
            for (int i = 0; i < 4; ++i) {
                auto token = issueEnrolmentToken(*db, eventId, store::systemTimeMs());
                ASSERT_TRUE(token.ok());
                enrolmentTokens.push_back(*token);
            }
            auto kioskDb = store::openPlainDatabase(dir.file("kiosk.db"), store::OpenMode::kCreate);
            ASSERT_TRUE(kioskDb.ok());
            kiosk = std::make_unique<SQLite::Database>(std::move(*kioskDb));
            ASSERT_TRUE(organiser::exportReplica(*db, eventId, *kiosk).ok());
        }
        deviceId = store::deviceId(*kiosk);
    }

    void TearDown() override {
        if (!server) return;
        std::string log = server->log();
        for (const auto& token : enrolmentTokens) {
            EXPECT_EQ(log.find(token), std::string::npos) << "an enrolment token in the log";
        }
        if (!deviceToken.empty()) {
            EXPECT_EQ(log.find(deviceToken), std::string::npos) << "a device token in the log";
        }
    }

    // Starts admit-server and enrols the kiosk (the first enrolment token) over HTTP.
    void startServer(std::vector<std::string> extraArgs = {}) {
        server =
            std::make_unique<testing::ServerProcess>(dir.file("server.db"), dir.file("server.key"),
                                                     dir.file("server.log"), std::move(extraArgs));
        server->start();
        port = server->port();
        RawConnection connection(port);
        ASSERT_TRUE(connection.send(
            rawRequest("POST", "/v1/enrol", {"Content-Type: application/json"},
                       toJson(EnrolRequest{eventId, enrolmentTokens[0], deviceId, "Gate A"}))));
        auto enrolled = connection.readResponse();
        ASSERT_TRUE(enrolled);
        ASSERT_EQ(enrolled->status, 200) << enrolled->body;
        deviceToken = parseEnrolResponse(enrolled->body)->deviceToken;
        baselineKib = server->memoryKib("VmHWM");
    }

    // A kiosk's ordinary request on a new connection: the devices list. The time it took to be
    // answered 200, or nullopt if it was not within `timeout`.
    std::optional<double> kioskRequest(std::chrono::milliseconds timeout = 2000ms) {
        auto start = Clock::now();
        RawConnection connection(port);
        if (!connection.connected()) return std::nullopt;
        if (!connection.send(
                rawRequest("GET", devicesPath(eventId),
                           {"Authorization: Bearer " + deviceToken, "Connection: close"}),
                timeout)) {
            return std::nullopt;
        }
        auto left =
            timeout - std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
        auto response = connection.readResponse(std::max(left, 1ms));
        if (!response || response->status != 200) return std::nullopt;
        return msSince(start);
    }

    // The server is alive and answers a kiosk within a second.
    void expectServing() {
        ASSERT_TRUE(server->running())
            << "admit-server died, signal " << server->crashSignal() << "\n"
            << server->log();
        auto answered = kioskRequest(1000ms);
        EXPECT_TRUE(answered) << "a kiosk's request was not answered within 1 s";
    }

    // What the attack added to the server's peak memory, in MiB.
    double peakGrowthMib() {
        long peak = server->memoryKib("VmHWM");
        return static_cast<double>(peak - baselineKib) / 1024.0;
    }

    // An upload body for this kiosk with `entries` spliced in as the entries array's text.
    std::string uploadWithEntries(const std::string& entriesText) {
        return R"({"protocol":1,"device_id":")" + deviceId + R"(","gate":"A","entries":)" +
               entriesText + "}";
    }

    std::string authorization() { return "Authorization: Bearer " + deviceToken; }

    // `count` new check-ins in the kiosk's outbox; returns their upload requests in batches of
    // `perBatch`.
    std::vector<UploadRequest> checkInBatches(int count, std::size_t perBatch) {
        {
            SQLite::Transaction transaction(*kiosk);
            store::HybridLogicalClock clock(*kiosk);
            store::CheckInLog log(*kiosk, clock);
            for (int i = 0; i < count; ++i) {
                log.append({eventId, "ref-" + std::to_string(i), std::nullopt, "A",
                            store::Direction::kEntry, ""},
                           store::systemTimeMs());
            }
            transaction.commit();
        }
        std::vector<UploadRequest> batches;
        for (const auto& item : store::Outbox(*kiosk).pending(static_cast<std::size_t>(count))) {
            if (batches.empty() || batches.back().entries.size() == perBatch) {
                batches.push_back({deviceId, "A", {}});
            }
            batches.back().entries.push_back(
                {item.seq, item.kind, item.recordId, item.hlc, item.payload});
        }
        return batches;
    }

    testing::TempDir dir;
    std::string eventId;
    std::vector<std::string> enrolmentTokens;
    std::unique_ptr<SQLite::Database> kiosk;
    std::string deviceId;
    std::unique_ptr<testing::ServerProcess> server;
    int port = 0;
    std::string deviceToken;
    long baselineKib = 0;
};

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
    EXPECT_LT(peakGrowthMib(), 48.0) << "the entries were built as a tree before the cap";
    expectServing();
}

}  // namespace
}  // namespace admit::sync
