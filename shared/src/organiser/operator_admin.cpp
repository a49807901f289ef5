#include "admit/organiser/operator_admin.hpp"

#include <algorithm>

#include <SQLiteCpp/Transaction.h>

#include "admin_transaction.hpp"
#include "admit/store/events.hpp"
#include "audit_entry.hpp"

namespace admit::organiser {
std::vector<store::OperatorDetails> OperatorAdmin::list(const std::string& eventId) {
    auto all = store::Operators(db_).details();
    if (eventId.empty()) return all;
    std::erase_if(all, [&](const store::OperatorDetails& d) {
        return std::find(d.eventIds.begin(), d.eventIds.end(), eventId) == d.eventIds.end();
    });
    return all;
}

bool OperatorAdmin::exists(const std::string& name) {
    const auto all = store::Operators(db_).list();
    return std::any_of(all.begin(), all.end(),
                       [&](const store::Operator& o) { return o.name == name; });
}

std::vector<std::string> OperatorAdmin::eventsOf(const std::string& name) {
    for (auto& d : store::Operators(db_).details()) {
        if (d.who.name == name) return d.eventIds;
    }
    return {};
}

Status<AdminError> OperatorAdmin::add(const std::string& name, store::Role role,
                                      std::string_view pin, const std::string& eventId,
                                      const Actor& actor) {
    return inAdminTransaction(db_, "save operator '" + name + "'", [&]() -> Status<AdminError> {
        if (!store::Events(db_).find(eventId)) {
            return notFound("there is no event '" + eventId + "'");
        }
        store::Operators operators(db_);
        const bool known = exists(name);
        if (auto saved = operators.set(name, role, pin); !saved)
            return invalid(saved.error().message);
        if (auto allowed = operators.allowAtEvent(name, eventId); !allowed) {
            return invalid(allowed.error().message);
        }
        auto events = eventsOf(name);
        appendAudit(db_, actor, known ? "operator.updated" : "operator.added", "operator:" + name,
                    {{"event_ids", events}, {"role", store::roleName(role)}});
        return Ok{};
    });
}

Status<AdminError> OperatorAdmin::remove(const std::string& name, const Actor& actor) {
    return inAdminTransaction(db_, "remove operator '" + name + "'", [&]() -> Status<AdminError> {
        auto events = eventsOf(name);
        if (!store::Operators(db_).remove(name)) {
            return notFound("there is no operator '" + name + "'");
        }
        appendAudit(db_, actor, "operator.removed", "operator:" + name, {{"event_ids", events}});
        return Ok{};
    });
}

Status<AdminError> OperatorAdmin::setPin(const std::string& name, std::string_view pin,
                                         const Actor& actor) {
    return inAdminTransaction(db_, "set the PIN of operator '" + name + "'",
                              [&]() -> Status<AdminError> {
                                  store::Operators operators(db_);
                                  if (!exists(name))
                                      return notFound("there is no operator '" + name + "'");
                                  if (auto set = operators.setPin(name, pin); !set)
                                      return invalid(set.error().message);
                                  appendAudit(db_, actor, "operator.pin_set", "operator:" + name,
                                              {{"event_ids", eventsOf(name)}});
                                  return Ok{};
                              });
}

Status<AdminError> OperatorAdmin::resetLockout(const std::string& name, const Actor& actor) {
    return inAdminTransaction(db_, "reset the lock-out of operator '" + name + "'",
                              [&]() -> Status<AdminError> {
                                  if (!store::Operators(db_).resetLockout(name)) {
                                      return notFound("there is no operator '" + name + "'");
                                  }
                                  appendAudit(db_, actor, "operator.lockout_reset",
                                              "operator:" + name, {{"event_ids", eventsOf(name)}});
                                  return Ok{};
                              });
}

}  // namespace admit::organiser
