#pragma once
// The real admit-server on 127.0.0.1 with one event, a kiosk replica of it and enrolment tokens,
// for tests that speak HTTP to it byte by byte (raw_http.hpp): the hostile-network tests and
// the authentication and data tests of issue 12. TearDown checks that no token reached the log.

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <SQLiteCpp/Transaction.h>
#include <gtest/gtest.h>

#include "admit/organiser/event_admin.hpp"
#include "admit/replica/replica.hpp"
#include "admit/replica/replica_key.hpp"
#include "admit/store/checkin_log.hpp"
#include "admit/store/clock.hpp"
#include "admit/store/hybrid_logical_clock.hpp"
#include "admit/store/outbox.hpp"
#include "admit/store/schema.hpp"
#include "admit/store/store.hpp"
#include "admit/sync/protocol/messages.hpp"
#include "admit/sync/store/enrolment_tokens.hpp"
#include "admit/sync/store/server_store.hpp"
#include "raw_http.hpp"
#include "server_process.hpp"
#include "temp_dir.hpp"

namespace admit::sync {

using namespace std::chrono_literals;
using testing::RawConnection;
using testing::rawRequest;
using testing::RawResponse;
using testing::SlowClients;
using Clock = std::chrono::steady_clock;

// AddressSanitizer's shadow memory, redzones and quarantine make every allocation cost more;
// the limits below are for what an attack adds, which stays far below what it added before
// (183 to 301 MiB) even when scaled.
#if defined(__SANITIZE_ADDRESS__)
constexpr double kMemoryFactor = 3.0;
#else
constexpr double kMemoryFactor = 1.0;
#endif

inline double msSince(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

class AdmitServerFixture : public ::testing::Test {
  protected:
    void SetUp() override {
        auto key = replica::ReplicaKey::generate();
        ASSERT_TRUE(replica::writeKeyFile(dir / "server.key", key).ok());
        {
            auto db = replica::openReplica(dir / "server.db", key, replica::OpenMode::kCreate);
            ASSERT_TRUE(db.ok()) << db.error().message;
            store::applyConnectionSettings(*db);
            ASSERT_TRUE(store::migrate(*db).ok());
            auto event = organiser::createEvent(*db, {"Hostile Fest"}, 1000);
            ASSERT_TRUE(event.ok());
            eventId = event->id;
            for (int i = 0; i < 4; ++i) {
                auto token = EnrolmentTokens(*db).issue(eventId, store::systemTimeMs());
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
        return R"({"protocol":)" + std::to_string(kProtocolVersion) + R"(,"device_id":")" +
               deviceId + R"(","gate":"A","entries":)" + entriesText + "}";
    }

    std::string authorization() { return "Authorization: Bearer " + deviceToken; }

    // The server's database, opened beside the running server (as the organiser's CLI does).
    SQLite::Database serverDb() {
        auto key = replica::loadKeyFile(dir / "server.key");
        if (!key) throw std::runtime_error(key.error().message);
        auto db = replica::openReplica(dir / "server.db", *key, replica::OpenMode::kReadWrite);
        if (!db) throw std::runtime_error(db.error().message);
        store::applyConnectionSettings(*db);
        return std::move(db).value();
    }

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

}  // namespace admit::sync
