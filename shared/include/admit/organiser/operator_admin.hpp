#pragma once
// The organiser's changes to operators: add one to an event, remove one, set a new PIN, clear a
// lock-out. Each
// change is one transaction with its audit entry (never the PIN). A removed operator or a new
// PIN reaches the kiosks of their events through the roster; lock-out counters are local to
// each database, so a reset here clears this database's lock-out only.

#include <string>
#include <string_view>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "admit/organiser/admin_error.hpp"
#include "admit/store/operators.hpp"

namespace admit::organiser {

class OperatorAdmin {
  public:
    explicit OperatorAdmin(SQLite::Database& db) : db_(db) {}

    // Every operator, or those of one event.
    std::vector<store::OperatorDetails> list(const std::string& eventId = {});
    // Saves the operator (a new one, or a new role and PIN for an existing one) and allows them
    // at the event: "operator.added" or "operator.updated".
    Status<AdminError> add(const std::string& name, store::Role role, std::string_view pin,
                           const std::string& eventId, const Actor& actor);
    Status<AdminError> remove(const std::string& name, const Actor& actor);
    Status<AdminError> setPin(const std::string& name, std::string_view pin, const Actor& actor);
    Status<AdminError> resetLockout(const std::string& name, const Actor& actor);

  private:
    bool exists(const std::string& name);
    std::vector<std::string> eventsOf(const std::string& name);

    SQLite::Database& db_;
};

}  // namespace admit::organiser
