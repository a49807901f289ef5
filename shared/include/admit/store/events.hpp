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
// after_exit: re-entry only after an exit was recorded; once_per_day: one entry per event day
// (EventSettings' time zone and day start).
enum class ReentryPolicy { kSingle, kMultiple, kAfterExit, kOncePerDay };

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

// When tickets are accepted (Unix seconds; nullopt: open on that side), the time zone the
// event's times are shown in and its days are counted in (an IANA name such as
// "Europe/London"), and the local time at which an event day begins, in minutes after midnight
// (0-1439; 300: a scan at 02:00 counts for the day before).
struct EventSettings {
    std::optional<std::int64_t> validFrom;
    std::optional<std::int64_t> validUntil;
    std::string timeZone = "UTC";
    int dayStartsAt = 0;
};

struct GateRule {
    std::uint16_t ticketType = 0;
    std::string gate;
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

    // Changes return false when the event (or ticket type) does not exist.
    bool rename(const std::string& eventId, const std::string& name);
    bool setReentryPolicy(const std::string& eventId, ReentryPolicy policy);
    EventSettings settings(const std::string& eventId);
    bool setSettings(const std::string& eventId, const EventSettings& settings);

    void addKey(const std::string& eventId, const EventKey& key);
    std::vector<EventKey> keys(const std::string& eventId);
    std::optional<EventKey> findKey(const std::string& eventId, std::uint32_t keyId);

    void addTicketType(const std::string& eventId, const TicketType& type);
    std::vector<TicketType> ticketTypes(const std::string& eventId);
    std::optional<TicketType> findTicketType(const std::string& eventId, std::uint16_t code);
    std::optional<TicketType> findTicketTypeByName(const std::string& eventId,
                                                   const std::string& name);

    bool renameTicketType(const std::string& eventId, std::uint16_t code, const std::string& name);
    // Restricts a ticket type to the gates it is given; a type never restricted may use any.
    void allowTypeAtGate(const std::string& eventId, std::uint16_t type, const std::string& gate);
    bool isTypeAllowedAtGate(const std::string& eventId, std::uint16_t type,
                             const std::string& gate);
    // Every restriction of the event, by type then gate.
    std::vector<GateRule> gateRules(const std::string& eventId);

    // The event days (local dates "YYYY-MM-DD", sorted) a ticket type is valid on; empty: any
    // day. setTypeDays replaces them (an empty list: any day again); false if no such type.
    bool setTypeDays(const std::string& eventId, std::uint16_t type,
                     const std::vector<std::string>& days);
    std::vector<std::string> typeDays(const std::string& eventId, std::uint16_t type);

  private:
    SQLite::Database& db_;
    StatementCache statements_{db_};
};

}  // namespace admit::store
