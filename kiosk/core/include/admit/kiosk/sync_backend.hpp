#pragma once
// What the kiosk's sync thread needs from the sync client library (admit_sync_client,
// docs/sync.md), behind an interface so that the core's sync behaviour (enrolment, rounds,
// backoff, what the screens show) is tested without a network, and so that a build without
// the client still builds (every call then fails with a plain sentence).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <SQLiteCpp/Database.h>

#include "admit/base/result.hpp"
#include "admit/sync/client/sync_client.hpp"
#include "admit/sync/client/sync_state.hpp"
#include "admit/sync/protocol/messages.hpp"

namespace admit::kiosk {

class SyncBackend {
  public:
    virtual ~SyncBackend() = default;

    // False: this build has no sync client (online event codes are refused).
    virtual bool available() const = 0;
    virtual sync::SyncState readState(SQLite::Database& replica) = 0;
    // May throw SQLite::Exception (the replica refused the write).
    virtual void saveEnrolment(SQLite::Database& replica, const sync::ServerAddress& server,
                               const std::string& deviceToken) = 0;
    virtual Result<sync::EnrolResponse, sync::SyncError> enrol(
        const sync::ServerAddress& server, const sync::EnrolRequest& request) = 0;
    virtual Result<sync::RoundReport, sync::SyncError> runRound(const sync::ServerAddress& server,
                                                                SQLite::Database& replica,
                                                                const std::string& eventId,
                                                                const std::string& gate,
                                                                std::int64_t nowMs) = 0;

    // Waiting downloads (docs/sync.md, "Waiting downloads"). On the sync thread: the wait for
    // what the replica holds now. The default (a stand-in, a build without the client): none,
    // and the kiosk polls.
    virtual std::optional<sync::WaitRequest> prepareWait(SQLite::Database& /*replica*/,
                                                         const std::string& /*eventId*/) {
        return std::nullopt;
    }
    // On the sync runner's waiting thread, without the replica: one waiting download.
    virtual Result<sync::WaitOutcome, sync::SyncError> waitForNews(
        const sync::ServerAddress& /*server*/, const sync::WaitRequest& /*request*/) {
        return sync::WaitOutcome::kNotWaiting;
    }
};

// The libcurl client (sync::SyncClient), or, in a build without admit_sync_client, a backend
// whose available() is false.
std::shared_ptr<SyncBackend> makeSyncClientBackend();

}  // namespace admit::kiosk
