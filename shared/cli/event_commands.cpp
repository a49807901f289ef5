#include "event_commands.hpp"

#include "admit/organiser/event_editor.hpp"

namespace admit::cli {
namespace {

using nlohmann::json;

json optionalJson(const std::optional<std::int64_t>& value) {
    return value ? json(*value) : json(nullptr);
}

std::string typeName(const organiser::EventView& v, std::uint16_t code) {
    for (const auto& t : v.ticketTypes) {
        if (t.code == code) return t.name;
    }
    return "Type " + std::to_string(code);
}

// " is valid on 2026-09-12, 2026-09-13\n"
std::string daysText(const std::vector<std::string>& days) {
    std::string list;
    for (const auto& day : days) list += (list.empty() ? "" : ", ") + day;
    return list.empty() ? " is valid on any day\n" : " is valid on " + list + "\n";
}

json rulesJson(const organiser::EventView& v) {
    json rules = json::array();
    for (const auto& r : v.gateRules) {
        rules.push_back({{"ticket_type", typeName(v, r.ticketType)}, {"gate", r.gate}});
    }
    return rules;
}

json viewJson(const organiser::EventView& v) {
    json types = json::array();
    for (const auto& t : v.ticketTypes) {
        auto days = v.typeDays.find(t.code);
        types.push_back({{"code", t.code},
                         {"name", t.name},
                         {"days", days == v.typeDays.end() ? json::array() : json(days->second)}});
    }
    return {{"event_id", v.info.id},
            {"name", v.info.name},
            {"reentry", store::reentryPolicyName(v.info.reentryPolicy)},
            {"valid_from", optionalJson(v.settings.validFrom)},
            {"valid_until", optionalJson(v.settings.validUntil)},
            {"time_zone", v.settings.timeZone},
            {"day_starts_at", organiser::timeOfDayText(v.settings.dayStartsAt)},
            {"ticket_types", types},
            {"gate_rules", rulesJson(v)}};
}

std::string viewText(const organiser::EventView& v) {
    auto side = [](const std::optional<std::int64_t>& s) {
        return s ? std::to_string(*s) + " (Unix seconds)" : std::string("open");
    };
    std::string text = v.info.id + "  " + v.info.name + "\n  re-entry: " +
                       std::string(store::reentryPolicyName(v.info.reentryPolicy)) +
                       "\n  admits from: " + side(v.settings.validFrom) +
                       "\n  admits until: " + side(v.settings.validUntil) +
                       "\n  time zone: " + v.settings.timeZone +
                       "\n  days start at: " + organiser::timeOfDayText(v.settings.dayStartsAt) +
                       "\n  ticket types:";
    for (const auto& t : v.ticketTypes) text += " " + t.name;
    text += "\n";
    for (const auto& [code, days] : v.typeDays) text += "  " + typeName(v, code) + daysText(days);
    for (const auto& r : v.gateRules)
        text += "  " + typeName(v, r.ticketType) + " may use gate " + r.gate + "\n";
    return text;
}

// --valid-from / --valid-until: a time, or "none" to open that side.
Result<std::optional<std::optional<std::int64_t>>, CommandError> windowSide(
    const Context& c, const std::string& name) {
    auto text = c.args.option(name);
    if (!text) return std::optional<std::optional<std::int64_t>>{};
    if (*text == "none")
        return std::optional<std::optional<std::int64_t>>{std::optional<std::int64_t>{}};
    auto seconds = timeOption(c, name);
    if (!seconds) return fail(seconds.error());
    return std::optional<std::optional<std::int64_t>>{std::optional<std::int64_t>{*seconds}};
}

}  // namespace

Outcome eventSettingsCommand(Context& c, const std::string& action) {
    auto opened = openForEvent(c);
    if (!opened) return fail(opened.error());
    organiser::EventEditor editor(opened->db, opened->eventId);
    if (action == "show") {
        auto view = editor.show();
        if (!view) return fail(failed(view.error()));
        print(c, viewJson(*view), viewText(*view));
        return 0;
    }
    organiser::EventChanges changes;
    changes.name = c.args.option("name");
    changes.reentryPolicy = c.args.option("reentry");
    changes.timeZone = c.args.option("time-zone");
    changes.dayStartsAt = c.args.option("day-starts");
    auto from = windowSide(c, "valid-from");
    if (!from) return fail(from.error());
    changes.validFrom = *from;
    auto until = windowSide(c, "valid-until");
    if (!until) return fail(until.error());
    changes.validUntil = *until;
    if (!changes.name && !changes.reentryPolicy && !changes.timeZone && !changes.validFrom &&
        !changes.validUntil && !changes.dayStartsAt) {
        return fail(
            usage("event set needs at least one of --name, --reentry, --valid-from, --valid-until, "
                  "--time-zone, --day-starts"));
    }
    auto view = editor.set(changes, actor(c));
    if (!view) return fail(failed(view.error()));
    print(c, viewJson(*view), "changed:\n" + viewText(*view));
    return 0;
}

Outcome typeCommand(Context& c, const std::string& action) {
    auto opened = openForEvent(c);
    if (!opened) return fail(opened.error());
    organiser::EventEditor editor(opened->db, opened->eventId);
    if (action == "list") {
        auto view = editor.show();
        if (!view) return fail(failed(view.error()));
        json types = json::array();
        std::string text;
        for (const auto& t : view->ticketTypes) {
            types.push_back({{"code", t.code}, {"name", t.name}});
            text += std::to_string(t.code) + "  " + t.name + "\n";
        }
        print(c, types, text);
        return 0;
    }
    auto name = requireOption(c, "name");
    if (!name) return fail(name.error());
    if (action != "add" && action != "rename") {
        return fail(usage("unknown command 'type " + action + "'"));
    }
    std::optional<std::string> oldName;
    if (action == "rename") {
        auto type = requireOption(c, "type");
        if (!type) return fail(type.error());
        oldName = *type;
    }
    auto done = oldName ? editor.renameTicketType(*oldName, *name, actor(c))
                        : editor.addTicketType(*name, actor(c));
    if (!done) return fail(failed(done.error()));
    print(c, {{"code", done->code}, {"name", done->name}},
          "ticket type " + std::to_string(done->code) + " is " + done->name);
    return 0;
}

Outcome typeDaysCommand(Context& c) {
    auto opened = openForEvent(c);
    if (!opened) return fail(opened.error());
    organiser::EventEditor editor(opened->db, opened->eventId);
    auto type = requireOption(c, "type");
    if (!type) return fail(type.error());
    auto daysOption = c.args.option("days");
    if (daysOption) {
        // "any": valid on every day again; else days separated by commas.
        std::vector<std::string> days;
        if (*daysOption != "any") {
            std::string_view rest = *daysOption;
            while (true) {
                const std::size_t comma = rest.find(',');
                std::string_view day = rest.substr(0, comma);
                while (!day.empty() && day.front() == ' ') day.remove_prefix(1);
                while (!day.empty() && day.back() == ' ') day.remove_suffix(1);
                if (day.empty()) {
                    return fail(usage("--days: an empty day in '" + *daysOption +
                                      "' (days are YYYY-MM-DD, separated by commas, or 'any')"));
                }
                days.emplace_back(day);
                if (comma == std::string_view::npos) break;
                rest.remove_prefix(comma + 1);
            }
        }
        auto set = editor.setTypeDays(*type, days, actor(c));
        if (!set) {
            auto error = set.error();
            if (error.kind == organiser::AdminError::Kind::kInvalid) {
                error.message = "--days: " + error.message;
            }
            return fail(failed(error));
        }
    }
    auto view = editor.show();
    if (!view) return fail(failed(view.error()));
    for (const auto& t : view->ticketTypes) {
        if (t.name != *type) continue;
        auto days = view->typeDays.find(t.code);
        const std::vector<std::string> list =
            days == view->typeDays.end() ? std::vector<std::string>{} : days->second;
        print(c, {{"ticket_type", t.name}, {"days", list}}, t.name + daysText(list));
        return 0;
    }
    return fail(failed("event " + opened->eventId + " has no ticket type '" + *type + "'"));
}

Outcome gateCommand(Context& c, const std::string& action) {
    auto opened = openForEvent(c);
    if (!opened) return fail(opened.error());
    organiser::EventEditor editor(opened->db, opened->eventId);
    if (action == "allow") {
        auto type = requireOption(c, "type");
        if (!type) return fail(type.error());
        auto gate = requireOption(c, "gate");
        if (!gate) return fail(gate.error());
        auto rules = editor.allowAtGate(*type, *gate, actor(c));
        if (!rules) return fail(failed(rules.error()));
    } else if (action != "list") {
        return fail(usage("unknown command 'gate " + action + "'"));
    }
    auto view = editor.show();
    if (!view) return fail(failed(view.error()));
    std::string text;
    for (const auto& r : view->gateRules)
        text += typeName(*view, r.ticketType) + " may use gate " + r.gate + "\n";
    print(c, rulesJson(*view), text.empty() ? "every ticket type may use every gate" : text);
    return 0;
}

Outcome pretixKeysCommand(Context& c) {
    auto opened = openForEvent(c);
    if (!opened) return fail(opened.error());
    organiser::EventEditor editor(opened->db, opened->eventId);
    auto add = c.args.option("add");
    auto remove = c.args.option("remove");
    if (add && remove) return fail(usage("event pretix-keys takes --add or --remove, not both"));
    auto keys = add      ? editor.addPretixKey(*add, actor(c))
                : remove ? editor.removePretixKey(*remove, actor(c))
                         : editor.pretixKeys();
    if (!keys) return fail(failed(keys.error()));
    std::string text;
    for (const auto& key : *keys) text += key + "\n";
    print(c, json(*keys), text.empty() ? "the event has no pretix key" : text);
    return 0;
}

Outcome mapPretixCommand(Context& c) {
    auto opened = openForEvent(c);
    if (!opened) return fail(opened.error());
    organiser::EventEditor editor(opened->db, opened->eventId);
    if (!c.args.option("item") && !c.args.option("type")) {
        auto view = editor.show();
        if (!view) return fail(failed(view.error()));
        auto items = editor.pretixItemTypes();
        if (!items) return fail(failed(items.error()));
        json out = json::array();
        std::string text;
        for (const auto& m : *items) {
            out.push_back({{"item", m.item}, {"ticket_type", typeName(*view, m.ticketType)}});
            text += "pretix item " + std::to_string(m.item) + " is " +
                    typeName(*view, m.ticketType) + "\n";
        }
        print(c, out, text.empty() ? "no pretix item is mapped" : text);
        return 0;
    }
    auto item = wholeNumberOption(c, "item");
    if (!item) return fail(item.error());
    auto type = requireOption(c, "type");
    if (!type) return fail(type.error());
    auto mapped = editor.mapPretixItem(*item, *type, actor(c));
    if (!mapped) return fail(failed(mapped.error()));
    print(c, {{"item", mapped->item}, {"ticket_type", *type}},
          "pretix item " + std::to_string(mapped->item) + " is " + *type);
    return 0;
}

}  // namespace admit::cli
