#pragma once
// A venue relay's link to its upstream server (docs/sync.md, "Venue relay"): the relay's
// database is enrolled at the upstream like a kiosk's replica, and whenever the upstream can be
// reached a round uploads the relay's outbox (its kiosks' check-ins and denials), downloads
// other venues' check-ins and the roster's changes, and lets the relay's kiosks see them. The
// relay's own SyncServer serves its kiosks from the same database meanwhile, upstream or not.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include <SQLiteCpp/Database.h>

#include "admit/base/result.hpp"
#include "admit/store/clock.hpp"
#include "admit/sync/client/server_address.hpp"
#include "admit/sync/client/sync_client.hpp"

namespace admit::sync {

// The relay's set-up, kept in its database's meta (relay.upstream, relay.event) with the
// enrolment (sync.*), so a restart needs no code.
struct RelayEnrolment {
    std::string eventId;
    std::string upstreamUrl;
};

// What the relay database holds about its upstream, if it was set up.
std::optional<RelayEnrolment> readRelayEnrolment(SQLite::Database& db);

// Enrols the relay's database at `upstream` with the relay set-up code `setupCode` (an online
// "AE1:" code printed with `admit setup-code --relay`; a secret, never in an error), naming the
// relay `name` there. A database enrolled already is left as it is. The relay's roster arrives
// with its first round.
Result<RelayEnrolment> enrolRelay(SQLite::Database& db, const std::string& upstream,
                                  std::string_view setupCode, const std::string& name);

struct RelayOptions {
    store::WallClock clock = store::systemTimeMs;
    std::function<void(std::string_view)> log;  // one line per change of state; never a token
    // A round at least this often while the upstream answers (a kiosk's upload and the
    // upstream's news start one at once).
    std::chrono::milliseconds pollInterval{5'000};
    // After a failed round: the first wait, doubled up to the most.
    std::chrono::milliseconds retryFirst{500};
    std::chrono::milliseconds retryMost{5'000};
    Timeouts timeouts = {std::chrono::milliseconds(3'000), std::chrono::milliseconds(30'000),
                         std::chrono::milliseconds(120'000)};
};

class UpstreamRelay {
  public:
    // `db` is a connection of its own to the relay's database (not the SyncServer's), used only
    // by the round thread; it outlives the relay.
    UpstreamRelay(SQLite::Database& db, RelayEnrolment enrolment, RelayOptions options = {});
    ~UpstreamRelay();
    UpstreamRelay(const UpstreamRelay&) = delete;
    UpstreamRelay& operator=(const UpstreamRelay&) = delete;

    // Starts the round thread and the waiting thread.
    void start();
    // Any thread: a kiosk uploaded something: a round now (if the last one reached upstream).
    void nudge();
    // Any thread: stops both threads (a round in progress finishes or times out first).
    void stop();

  private:
    void roundsOnRoundThread();
    void waitsOnWaitingThread();

    SQLite::Database& db_;
    RelayEnrolment enrolment_;
    RelayOptions options_;
    std::optional<ServerAddress> address_;  // set by start()
    std::mutex mutex_;
    std::condition_variable changed_;
    bool stopping_ = false;
    bool nudged_ = false;
    bool reachable_ = false;
    std::optional<WaitRequest> wait_;  // the waiting download for what the relay holds now
    std::uint64_t waitGeneration_ = 0;
    std::thread rounds_;
    std::thread waits_;
};

}  // namespace admit::sync
