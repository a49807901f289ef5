#pragma once
// What an event needs to admit pretix_sig1 tickets: pretix's public keys for it (raw Ed25519,
// 32 bytes) and which of our ticket types each pretix item is. Roster data: kiosks get both.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "admit/base/bytes.hpp"
#include "admit/store/statement_cache.hpp"

namespace admit::store {

struct PretixItemType {
    std::int64_t item = 0;
    std::uint16_t ticketType = 0;
};

class PretixSettings {
  public:
    explicit PretixSettings(SQLite::Database& db) : db_(db) {}

    // False when the event already has this key.
    bool addKey(const std::string& eventId, const Bytes& publicKey);
    // False when the event has no such key.
    bool removeKey(const std::string& eventId, const Bytes& publicKey);
    // In the order they were added.
    std::vector<Bytes> keys(const std::string& eventId);

    // Maps `item` to `ticketType` (replacing an earlier mapping of the item).
    void mapItem(const std::string& eventId, std::int64_t item, std::uint16_t ticketType);
    std::optional<std::uint16_t> typeForItem(const std::string& eventId, std::int64_t item);
    std::vector<PretixItemType> itemTypes(const std::string& eventId);

  private:
    SQLite::Database& db_;
    StatementCache statements_{db_};
};

}  // namespace admit::store
