#pragma once
// The sync server (docs/sync.md): routes, status codes, JSON error bodies, body limits and one
// log line per request, over an event-driven HTTP/1.1 layer (src/http_server.hpp) that keeps
// slow, idle and oversized clients from stalling kiosks or exhausting memory. The records
// themselves are ServerStore's. Used by the admit-server program and by tests in-process.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <SQLiteCpp/Database.h>

#include "admit/base/result.hpp"
#include "admit/store/clock.hpp"
#include "admit/sync/server/failed_auth_limiter.hpp"
#include "admit/sync/server/tls_context.hpp"
#include "admit/sync/store/server_store.hpp"

namespace admit::sync {

struct ServerOptions {
    store::WallClock clock = store::systemTimeMs;
    // One line per request (no token, no body); standard error if empty. Called from the
    // server's I/O thread and, for a server fault, from a worker thread.
    std::function<void(std::string_view)> log;
    // Open connections at most; over it, the one waiting longest for its request is closed.
    std::size_t maxConnections = 1024;
    // A request's head (and, with more time for its size, its body) must arrive within this
    // long of the connection opening or of the previous answer.
    std::chrono::milliseconds requestTimeout{10'000};
    // Refused tokens per client address before the address is refused (429) for a while.
    FailedAuthLimiter::Limits failedAuthLimits;
    // Serve HTTPS with this identity (TlsContext::load); null: plain HTTP.
    std::shared_ptr<TlsContext> tls;
    // Waiting downloads (docs/sync.md, "Waiting downloads"): at most this many in all and per
    // device (over either: 429, kind too_many_waiting), each at most maxWait (a longer `wait`
    // is cut to it). While any wait, the database is looked at every waitPollInterval for
    // changes another process made (the organiser's revocations and desk check-ins).
    std::size_t maxWaiting = 512;
    std::size_t maxWaitingPerDevice = 2;
    std::chrono::milliseconds maxWait{25'000};
    std::chrono::milliseconds waitPollInterval{250};
    // An event's waiting downloads are answered with news at most this often: the uploads
    // within it reach every waiting kiosk together (HttpLimits::wakeInterval). 0: at each upload.
    std::chrono::milliseconds wakeInterval{100};
    // A device's last sync (and heartbeat) is written when its heartbeat changed, else at most
    // this often (kLastSyncResolutionMs); 0 writes it on every request, as before.
    std::chrono::milliseconds lastSyncResolution{10'000};
    // A venue relay's database (docs/sync.md, "Venue relay"): uploads also join its outbox for
    // the upstream, and onStored (if set) is called on a worker after an upload stored a record.
    StoreRole role = StoreRole::kOrganiser;
    std::function<void()> onStored;
};

class SyncServer {
  public:
    // `db` is migrated and outlives the server.
    explicit SyncServer(SQLite::Database& db, ServerOptions options = {});
    ~SyncServer();
    SyncServer(const SyncServer&) = delete;
    SyncServer& operator=(const SyncServer&) = delete;

    // Binds the listening socket; port 0 picks a free one. Returns the port bound.
    Result<int> bind(const std::string& host, int port);
    // Serves on the bound socket until stop(). Returns false if serving failed.
    bool run();
    // Safe from any thread; run() returns once the requests in progress are answered.
    void stop();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace admit::sync
