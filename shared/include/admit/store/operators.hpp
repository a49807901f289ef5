#pragma once
// Operators: volunteers and organisers, each with a PIN stored only as an Argon2id hash.
// Wrong PINs lock the operator out for a delay that doubles with each further failure. An
// operator serves the events they are allowed at (operator_events, also owned here).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "admit/store/statement_cache.hpp"

#include "admit/base/result.hpp"

namespace admit::store {

enum class Role { kVolunteer, kOrganiser };

std::string_view roleName(Role role);
Result<Role> parseRole(std::string_view text);

struct Operator {
    std::string name;
    Role role = Role::kVolunteer;
};

// An operator as the organiser sees them: lock-out counters (local to this database) and the
// events they serve.
struct OperatorDetails {
    Operator who;
    int failedAttempts = 0;
    std::int64_t lockedUntilMs = 0;  // 0: not locked out
    std::vector<std::string> eventIds;
};

enum class PinFailure { kUnknownOperator, kWrongPin, kLockedOut };

struct PinError {
    PinFailure failure;
    std::int64_t retryAfterMs = 0;  // when locked out: how long until the next try
};

class Operators {
  public:
    // Failures allowed before the first lock-out, and its length; each further failure doubles
    // it, up to kMaxLockMs.
    static constexpr int kFreeAttempts = 3;
    static constexpr std::int64_t kFirstLockMs = 30'000;
    static constexpr std::int64_t kMaxLockMs = 3'600'000;

    explicit Operators(SQLite::Database& db) : db_(db) {}

    // A PIN is 4 to 12 digits. Replaces the PIN of an existing operator of that name.
    Status<> set(const std::string& name, Role role, std::string_view pin);
    Result<Operator, PinError> authenticate(const std::string& name, std::string_view pin,
                                            std::int64_t nowMs);
    std::vector<Operator> list();
    std::vector<OperatorDetails> details();
    // Replaces the PIN of an existing operator (and clears their lock-out); fails for an unknown
    // operator or a PIN that is not 4 to 12 digits.
    Status<> setPin(const std::string& name, std::string_view pin);
    // Clears the failed attempts and lock-out; false for an unknown operator.
    bool resetLockout(const std::string& name);
    // Removes the operator (and their events); false for an unknown operator.
    bool remove(const std::string& name);

    // Lets the operator check in at the event: a kiosk's roster carries only the operators of
    // its event (their PIN hashes are guessable offline, so other events never see them).
    Status<> allowAtEvent(const std::string& name, const std::string& eventId);
    // The operators of one event.
    std::vector<Operator> listForEvent(const std::string& eventId);
    // Lets every operator this database holds serve the event: a venue relay's database, whose
    // operators are a copy of the event's from its upstream (docs/sync.md, "Venue relay").
    void allowAllAtEvent(const std::string& eventId);

    // Exposed for tests: the lock-out length after `failures` consecutive wrong PINs.
    static std::int64_t lockDurationMs(int failures);

  private:
    SQLite::Database& db_;
    StatementCache statements_{db_};
};

}  // namespace admit::store
