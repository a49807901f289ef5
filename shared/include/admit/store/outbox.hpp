#pragma once
// The durable outbox: every record a device makes that the server must learn about, in order.
// Entries are written in the same transaction as the record itself, so nothing made offline
// is lost. Entries are never deleted: sync moves one cursor past those the server has
// acknowledged.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "admit/store/statement_cache.hpp"

#include "admit/store/hybrid_logical_clock.hpp"

namespace admit::store {

// The outbox's table, as damage reports name it.
inline constexpr const char* kOutboxTable = "outbox";

// What an entry is: the sync protocol's upload entry kinds.
inline constexpr std::string_view kCheckInKind = "checkin";    // a check-in or an annulment
inline constexpr std::string_view kDeniedScanKind = "denial";  // a denied scan (DeniedScanLog)

struct OutboxItem {
    std::int64_t seq = 0;
    std::string kind;      // kCheckInKind or kDeniedScanKind
    std::string recordId;  // the record's id (a check-in UUID)
    std::string payload;   // JSON
    HlcTime hlc = 0;
};

class Outbox {
  public:
    explicit Outbox(SQLite::Database& db) : db_(db) {}

    void enqueue(const std::string& kind, const std::string& recordId, const std::string& payload,
                 HlcTime hlc);
    std::vector<OutboxItem> pending(int limit);
    std::int64_t pendingCount();
    // Marks every item up to and including lastSeq as sent; the cursor never moves back.
    void markSentThrough(std::int64_t lastSeq, std::int64_t sentAtMs);
    // The cursor: every entry up to and including it was acknowledged by the server.
    std::int64_t sentThrough();
    // The server no longer holds the entries after `seq` (it was restored from a backup): moves
    // the cursor back to `seq` so they are sent again. Never moves it forward.
    void resendAfter(std::int64_t seq);
    // When markSentThrough was last called, if ever.
    std::optional<std::int64_t> lastSentAtMs();

  private:
    SQLite::Database& db_;
    StatementCache statements_{db_};
};

}  // namespace admit::store
