#pragma once
// A stand-in for the sync client: answers enrolments and rounds as a test scripts them, keeps
// the sync state the way the client does (in memory here), and marks the outbox sent when a
// round "uploads", so the kiosk's pending count behaves as with a server.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "admit/kiosk/sync_backend.hpp"
#include "admit/store/checkin_log.hpp"
#include "admit/store/hybrid_logical_clock.hpp"
#include "admit/store/outbox.hpp"

#include <SQLiteCpp/Transaction.h>

namespace admit::kiosk::testing {

class FakeSyncBackend final : public SyncBackend {
  public:
    struct RoundCall {
        std::string serverUrl;
        std::string eventId;
        std::string gate;
    };

    bool isAvailable = true;
    // Scripted answers (under mutex).
    std::optional<sync::SyncError> enrolError;
    std::string eventName = "Harbour Lights Festival";
    std::optional<sync::SyncError> roundError;
    std::vector<sync::DeviceStatus> devices;
    bool blockRounds = false;  // rounds wait until release()
    // Other devices' check-ins the next successful round "downloads" into the replica.
    std::vector<store::CheckIn> toDeliver;

    bool available() const override { return isAvailable; }

    sync::SyncState readState(SQLite::Database&) override {
        std::lock_guard lock(mutex);
        return state;
    }
    void saveEnrolment(SQLite::Database&, const sync::ServerAddress& server,
                       const std::string& deviceToken) override {
        std::lock_guard lock(mutex);
        state.serverUrl = server.url;
        state.serverKeySha256 = server.keySha256;
        state.hasDeviceToken = true;
        savedToken = deviceToken;
    }
    Result<sync::EnrolResponse, sync::SyncError> enrol(const sync::ServerAddress& server,
                                                       const sync::EnrolRequest& request) override {
        std::lock_guard lock(mutex);
        enrolUrls.push_back(server.url);
        enrolPins.push_back(server.keySha256);
        enrolRequests.push_back(request);
        if (enrolError) return fail(*enrolError);
        return sync::EnrolResponse{"device-token-" + std::to_string(enrolRequests.size()),
                                   eventName};
    }
    Result<sync::RoundReport, sync::SyncError> runRound(const sync::ServerAddress& server,
                                                        SQLite::Database& replica,
                                                        const std::string& eventId,
                                                        const std::string& gate,
                                                        std::int64_t nowMs) override {
        std::unique_lock lock(mutex);
        rounds.push_back({server.url, eventId, gate});
        ++roundsStarted;
        changed.notify_all();
        changed.wait(lock, [this] { return !blockRounds; });
        state.lastAttemptAtMs = nowMs;
        if (roundError) {
            state.lastError = roundError->message;
            ++roundsEnded;
            changed.notify_all();
            return fail(*roundError);
        }
        sync::RoundReport report;
        store::Outbox outbox(replica);
        auto pending = outbox.pending(500);
        if (!pending.empty()) {
            outbox.markSentThrough(pending.back().seq, nowMs);
            report.uploaded = static_cast<std::int64_t>(pending.size());
        }
        if (!toDeliver.empty()) {
            store::HybridLogicalClock clock(replica);
            store::CheckInLog log(replica, clock);
            SQLite::Transaction transaction(replica);
            for (const auto& checkIn : toDeliver) {
                if (log.storeReceived(checkIn, false, "", nowMs)) ++report.downloaded;
            }
            transaction.commit();
            toDeliver.clear();
        }
        state.lastSuccessAtMs = nowMs;
        state.lastError.clear();
        state.devices = devices;
        report.rosterVersion = 7;
        report.finishedAtMs = nowMs;
        ++roundsEnded;
        changed.notify_all();
        return report;
    }

    // Waiting downloads: with offersWaits, each successful round's wait is taken; a wait ends
    // with news when sendNews() is called, or cancelled when the runner stops.
    bool offersWaits = false;
    std::optional<sync::WaitRequest> prepareWait(SQLite::Database&,
                                                 const std::string& eventId) override {
        std::lock_guard lock(mutex);
        if (!offersWaits) return std::nullopt;
        sync::WaitRequest request;
        request.eventId = eventId;
        request.deviceToken = savedToken;
        return request;
    }
    Result<sync::WaitOutcome, sync::SyncError> waitForNews(
        const sync::ServerAddress&, const sync::WaitRequest& request) override {
        std::unique_lock lock(mutex);
        ++waitsStarted;
        changed.notify_all();
        while (news == 0) {
            if (request.cancelled && request.cancelled()) {
                return fail(sync::SyncError{sync::SyncError::Kind::kUnreachable, "wait",
                                            "cancelled", std::nullopt});
            }
            changed.wait_for(lock, std::chrono::milliseconds(10));
        }
        --news;
        return sync::WaitOutcome::kNews;
    }
    void sendNews() {
        std::lock_guard lock(mutex);
        ++news;
        changed.notify_all();
    }
    bool waitWaitsStarted(int count, std::chrono::milliseconds timeout) {
        std::unique_lock lock(mutex);
        return changed.wait_for(lock, timeout, [&] { return waitsStarted >= count; });
    }

    void release() {
        std::lock_guard lock(mutex);
        blockRounds = false;
        changed.notify_all();
    }
    // Waits (at most `timeout`) until `count` rounds have started.
    bool waitRoundsStarted(int count, std::chrono::milliseconds timeout) {
        std::unique_lock lock(mutex);
        return changed.wait_for(lock, timeout, [&] { return roundsStarted >= count; });
    }
    bool waitRoundsEnded(int count, std::chrono::milliseconds timeout) {
        std::unique_lock lock(mutex);
        return changed.wait_for(lock, timeout, [&] { return roundsEnded >= count; });
    }

    std::mutex mutex;
    std::condition_variable changed;
    sync::SyncState state;
    std::string savedToken;
    std::vector<std::string> enrolUrls;
    std::vector<std::optional<std::array<std::uint8_t, 32>>> enrolPins;
    std::vector<sync::EnrolRequest> enrolRequests;
    std::vector<RoundCall> rounds;
    int roundsStarted = 0;
    int roundsEnded = 0;
    int waitsStarted = 0;
    int news = 0;
};

}  // namespace admit::kiosk::testing
