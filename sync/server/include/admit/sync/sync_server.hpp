#pragma once
// The sync server's HTTP layer (docs/sync.md) on cpp-httplib: routes, status codes, JSON error
// bodies, the 8 MiB body limit and one log line per request. The records themselves are
// ServerStore's. Used by the admit-server program and by tests in-process.

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <SQLiteCpp/Database.h>

#include "admit/base/result.hpp"
#include "admit/store/clock.hpp"

namespace admit::sync {

struct ServerOptions {
    store::WallClock clock = store::systemTimeMs;
    // One line per request (no token, no body); standard error if empty.
    std::function<void(std::string_view)> log;
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
