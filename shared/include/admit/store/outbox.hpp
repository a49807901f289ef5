#pragma once
// The durable outbox: every record a device makes that the server must learn about, in order.
// Entries are written in the same transaction as the record itself, so nothing made offline
// is lost; sync marks them sent once the server has acknowledged them.

#include <cstdint>
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "admit/store/hybrid_logical_clock.hpp"

namespace admit::store {

struct OutboxItem {
    std::int64_t seq = 0;
    std::string kind;      // "checkin"
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
    // Marks every pending item up to and including lastSeq as sent.
    void markSentThrough(std::int64_t lastSeq, std::int64_t sentAtMs);

  private:
    SQLite::Database& db_;
};

}  // namespace admit::store
