#include "operator_commands.hpp"

#include "admit/organiser/operator_admin.hpp"
#include "admit/store/operators.hpp"
#include "pin_prompt.hpp"

namespace admit::cli {
namespace {

using nlohmann::json;

Outcome list(Context& c, SQLite::Database& db) {
    const std::string eventId = c.args.option("event").value_or("");
    const std::int64_t now = actor(c).nowMs;
    json out = json::array();
    std::string text;
    for (const auto& d : organiser::OperatorAdmin(db).list(eventId)) {
        const bool locked = d.lockedUntilMs > now;
        out.push_back({{"name", d.who.name},
                       {"role", store::roleName(d.who.role)},
                       {"events", d.eventIds},
                       {"failed_attempts", d.failedAttempts},
                       {"locked_until", locked ? json(d.lockedUntilMs) : json(nullptr)}});
        text += d.who.name + "  " + std::string(store::roleName(d.who.role)) + "  " +
                std::to_string(d.eventIds.size()) + " event(s)";
        if (d.failedAttempts > 0) text += "  " + std::to_string(d.failedAttempts) + " wrong PIN(s)";
        if (locked) {
            text += "  LOCKED OUT for " + std::to_string((d.lockedUntilMs - now + 999) / 1000) +
                    " s (admit operator unlock)";
        }
        text += "\n";
    }
    print(c, out, text.empty() ? "no operators" : text);
    return 0;
}

// The operator's PIN comes from the terminal (not echoed) or stdin; never from the command line.
Outcome add(Context& c) {
    auto opened = openForEvent(c);
    if (!opened) return fail(opened.error());
    auto& [db, eventId] = *opened;
    auto name = requireOption(c, "name");
    if (!name) return fail(name.error());
    auto roleOption = requireOption(c, "role");
    if (!roleOption) return fail(roleOption.error());
    auto role = store::parseRole(*roleOption);
    if (!role) return fail(failed(role.error()));
    auto pin = readPin("PIN for " + *name + ": ");
    if (!pin) return fail(failed(pin.error()));
    auto saved = organiser::OperatorAdmin(db).add(*name, *role, *pin, eventId, actor(c));
    if (!saved) return fail(failed(saved.error()));
    print(c, {{"operator", *name}, {"role", store::roleName(*role)}, {"event_id", eventId}},
          "operator " + *name + " (" + std::string(store::roleName(*role)) + ") saved for event " +
              eventId);
    return 0;
}

}  // namespace

Outcome operatorCommand(Context& c, const std::string& action) {
    if (action == "add") return add(c);
    auto opened = openDatabase(c, false);
    if (!opened) return fail(opened.error());
    SQLite::Database& db = *opened;
    if (action == "list") return list(c, db);
    auto name = requireOption(c, "name");
    if (!name) return fail(name.error());
    organiser::OperatorAdmin admin(db);
    Status<organiser::AdminError> done = Ok{};
    std::string text;
    if (action == "remove") {
        done = admin.remove(*name, actor(c));
        text = "operator " + *name + " removed; kiosks learn it on their next sync round";
    } else if (action == "set-pin") {
        // From the terminal (not echoed) or stdin; never from the command line.
        auto pin = readPin("new PIN for " + *name + ": ");
        if (!pin) return fail(failed(pin.error()));
        done = admin.setPin(*name, *pin, actor(c));
        text = "operator " + *name + " has a new PIN; kiosks learn it on their next sync round";
    } else if (action == "unlock") {
        done = admin.resetLockout(*name, actor(c));
        text = "operator " + *name + " may try a PIN again (on this database)";
    } else {
        return fail(usage("unknown command 'operator " + action + "'"));
    }
    if (!done) return fail(failed(done.error()));
    print(c, {{"operator", *name}, {"action", action}}, text);
    return 0;
}

}  // namespace admit::cli
