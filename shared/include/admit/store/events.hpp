#pragma once
// Events, their signing keys and their ticket types, including which gates a type may use.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "admit/store/statement_cache.hpp"

#include "admit/base/bytes.hpp"
#include "admit/base/result.hpp"

namespace admit::store {

// single: one entry per ticket; multiple: any number of entries;
// after_exit: re-entry only after an exit was recorded.
enum class ReentryPolicy { kSingle, kMultiple, kAfterExit };

std::string_view reentryPolicyName(ReentryPolicy policy);
Result<ReentryPolicy> parseReentryPolicy(std::string_view text);

struct EventInfo {
    std::string id;  // UUID text
    std::string name;
    ReentryPolicy reentryPolicy = ReentryPolicy::kSingle;
    Bytes blindIndexKey;  // 32 bytes: the key of the opaque-code blind index
    std::int64_t createdAtMs = 0;
};

struct EventKey {
    std::uint32_t keyId = 0;
    Bytes publicKey;                  // Ed25519, 32 bytes
    std::optional<Bytes> secretSeed;  // only in the organiser's database
};

struct TicketType {
    std::uint16_t code = 0;
    std::string name;
};

class Events {
  public:
    explicit Events(SQLite::Database& db) : db_(db) {}

    void create(const EventInfo& event);
    std::optional<EventInfo> find(const std::string& eventId);
    std::vector<EventInfo> list();

    void addKey(const std::string& eventId, const EventKey& key);
    std::vector<EventKey> keys(const std::string& eventId);
    std::optional<EventKey> findKey(const std::string& eventId, std::uint32_t keyId);

    void addTicketType(const std::string& eventId, const TicketType& type);
    std::vector<TicketType> ticketTypes(const std::string& eventId);
    std::optional<TicketType> findTicketType(const std::string& eventId, std::uint16_t code);
    std::optional<TicketType> findTicketTypeByName(const std::string& eventId,
                                                   const std::string& name);

    // Restricts a ticket type to the gates it is given; a type never restricted may use any.
    void allowTypeAtGate(const std::string& eventId, std::uint16_t type, const std::string& gate);
    bool isTypeAllowedAtGate(const std::string& eventId, std::uint16_t type,
                             const std::string& gate);

  private:
    SQLite::Database& db_;
    StatementCache statements_{db_};
};

}  // namespace admit::store
