#include "admit/organiser/event_editor.hpp"

#include <filesystem>

#include <SQLiteCpp/Transaction.h>

#include "admin_transaction.hpp"
#include "admit/rules/event_calendar.hpp"
#include "admit/ticket/pretix_public_key.hpp"
#include "audit_entry.hpp"

namespace admit::organiser {
namespace {

bool blank(const std::string& text) {
    return text.find_first_not_of(" \t\r\n") == std::string::npos;
}

nlohmann::json optionalJson(const std::optional<std::int64_t>& value) {
    return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

// Runs `change` in one IMMEDIATE transaction after checking the event exists.
template <class Change>
std::invoke_result_t<Change&> changeEvent(SQLite::Database& db, const std::string& eventId,
                                          const std::string& doing, Change&& change) {
    return inAdminTransaction(db, doing, [&]() -> std::invoke_result_t<Change&> {
        if (!store::Events(db).find(eventId)) {
            return notFound("there is no event " + eventId + " in this database");
        }
        return change();
    });
}

std::vector<std::string> pretixKeyTexts(SQLite::Database& db, const std::string& eventId) {
    std::vector<std::string> out;
    for (const Bytes& bytes : store::PretixSettings(db).keys(eventId)) {
        ticket::PretixPublicKey key{};
        if (bytes.size() != key.bytes.size()) continue;  // the schema's CHECK keeps this out
        std::copy(bytes.begin(), bytes.end(), key.bytes.begin());
        out.push_back(ticket::pretixPublicKeyText(key));
    }
    return out;
}

}  // namespace

bool isKnownTimeZone(const std::string& name) {
    if (name == "UTC") return true;
    // Refuse anything that could leave the zone directory.
    if (name.empty() || name.front() == '/' || name.find("..") != std::string::npos) return false;
    if (name.find_first_not_of(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_+-") !=
        std::string::npos) {
        return false;
    }
    std::error_code ec;
    return std::filesystem::is_regular_file(std::filesystem::path("/usr/share/zoneinfo") / name,
                                            ec);
}

std::optional<int> parseTimeOfDay(const std::string& text) {
    auto digit = [&](std::size_t i) { return text[i] >= '0' && text[i] <= '9'; };
    if (text.size() != 5 || text[2] != ':' || !digit(0) || !digit(1) || !digit(3) || !digit(4)) {
        return std::nullopt;
    }
    const int hours = (text[0] - '0') * 10 + (text[1] - '0');
    const int minutes = (text[3] - '0') * 10 + (text[4] - '0');
    if (hours > 23 || minutes > 59) return std::nullopt;
    return hours * 60 + minutes;
}

std::string timeOfDayText(int minutes) {
    std::string out = "00:00";
    out[0] = static_cast<char>('0' + minutes / 600);
    out[1] = static_cast<char>('0' + minutes / 60 % 10);
    out[3] = static_cast<char>('0' + minutes % 60 / 10);
    out[4] = static_cast<char>('0' + minutes % 10);
    return out;
}

EventEditor::EventEditor(SQLite::Database& db, std::string eventId)
    : db_(db), eventId_(std::move(eventId)) {}

AdminResult<EventView> EventEditor::show() {
    store::Events events(db_);
    auto info = events.find(eventId_);
    if (!info) return notFound("there is no event " + eventId_ + " in this database");
    EventView view{*info,
                   events.settings(eventId_),
                   events.ticketTypes(eventId_),
                   events.gateRules(eventId_),
                   {}};
    for (const auto& type : view.ticketTypes) {
        auto days = events.typeDays(eventId_, type.code);
        if (!days.empty()) view.typeDays.emplace(type.code, std::move(days));
    }
    return view;
}

AdminResult<EventView> EventEditor::set(const EventChanges& changes, const Actor& actor) {
    if (changes.name && blank(*changes.name)) return invalid("the event name must not be empty");
    std::optional<store::ReentryPolicy> policy;
    if (changes.reentryPolicy) {
        auto parsed = store::parseReentryPolicy(*changes.reentryPolicy);
        if (!parsed) return invalid(parsed.error().message);
        policy = *parsed;
    }
    if (changes.timeZone && !isKnownTimeZone(*changes.timeZone)) {
        return invalid("'" + *changes.timeZone +
                       "' is not a time zone name (such as UTC or Europe/London)");
    }
    std::optional<int> dayStartsAt;
    if (changes.dayStartsAt) {
        dayStartsAt = parseTimeOfDay(*changes.dayStartsAt);
        if (!dayStartsAt) {
            return invalid("the day start '" + *changes.dayStartsAt +
                           "' is not a time of day (HH:MM, 00:00 to 23:59)");
        }
    }
    return changeEvent(db_, eventId_, "change the event", [&]() -> AdminResult<EventView> {
        store::Events events(db_);
        auto before = show();
        if (!before) return before;
        store::EventSettings settings = before->settings;
        if (changes.validFrom) settings.validFrom = *changes.validFrom;
        if (changes.validUntil) settings.validUntil = *changes.validUntil;
        if (changes.timeZone) settings.timeZone = *changes.timeZone;
        if (dayStartsAt) settings.dayStartsAt = *dayStartsAt;
        if (settings.validFrom && settings.validUntil &&
            *settings.validFrom > *settings.validUntil) {
            return invalid("the check-in window would end before it starts");
        }
        nlohmann::json fields = nlohmann::json::object();
        auto note = [&](const char* field, const nlohmann::json& from, const nlohmann::json& to) {
            if (from != to) fields[field] = {{"from", from}, {"to", to}};
        };
        if (changes.name) note("name", before->info.name, *changes.name);
        if (policy) {
            note("reentry", store::reentryPolicyName(before->info.reentryPolicy),
                 store::reentryPolicyName(*policy));
        }
        note("valid_from", optionalJson(before->settings.validFrom),
             optionalJson(settings.validFrom));
        note("valid_until", optionalJson(before->settings.validUntil),
             optionalJson(settings.validUntil));
        note("time_zone", before->settings.timeZone, settings.timeZone);
        note("day_starts_at", timeOfDayText(before->settings.dayStartsAt),
             timeOfDayText(settings.dayStartsAt));
        if (fields.empty())
            return invalid("the event already has these settings; nothing to change");
        if (changes.name) events.rename(eventId_, *changes.name);
        if (policy) events.setReentryPolicy(eventId_, *policy);
        events.setSettings(eventId_, settings);
        appendAudit(db_, actor, "event.changed", eventId_,
                    {{"event_id", eventId_}, {"changes", fields}});
        return show();
    });
}

AdminResult<store::TicketType> EventEditor::addTicketType(const std::string& name,
                                                          const Actor& actor) {
    if (blank(name)) return invalid("a ticket type needs a name");
    return changeEvent(
        db_, eventId_, "add the ticket type", [&]() -> AdminResult<store::TicketType> {
            store::Events events(db_);
            if (events.findTicketTypeByName(eventId_, name)) {
                return invalid("event " + eventId_ + " already has a ticket type '" + name + "'");
            }
            int next = 1;
            for (const auto& t : events.ticketTypes(eventId_)) next = std::max(next, t.code + 1);
            if (next > 65535) return invalid("the event has as many ticket types as it can hold");
            store::TicketType type{static_cast<std::uint16_t>(next), name};
            events.addTicketType(eventId_, type);
            appendAudit(db_, actor, "ticket_type.added", eventId_,
                        {{"event_id", eventId_}, {"code", type.code}, {"name", name}});
            return type;
        });
}

AdminResult<store::TicketType> EventEditor::renameTicketType(const std::string& name,
                                                             const std::string& newName,
                                                             const Actor& actor) {
    if (blank(newName)) return invalid("the new ticket type name must not be empty");
    return changeEvent(
        db_, eventId_, "rename the ticket type", [&]() -> AdminResult<store::TicketType> {
            store::Events events(db_);
            auto type = events.findTicketTypeByName(eventId_, name);
            if (!type) return notFound("event " + eventId_ + " has no ticket type '" + name + "'");
            auto clash = events.findTicketTypeByName(eventId_, newName);
            if (clash && clash->code != type->code) {
                return invalid("event " + eventId_ + " already has a ticket type '" + newName +
                               "'");
            }
            if (type->name == newName) return invalid("the ticket type is called that already");
            events.renameTicketType(eventId_, type->code, newName);
            appendAudit(db_, actor, "ticket_type.renamed", eventId_,
                        {{"event_id", eventId_},
                         {"code", type->code},
                         {"from", type->name},
                         {"to", newName}});
            return store::TicketType{type->code, newName};
        });
}

AdminResult<std::vector<store::GateRule>> EventEditor::allowAtGate(const std::string& typeName,
                                                                   const std::string& gate,
                                                                   const Actor& actor) {
    if (blank(gate)) return invalid("the gate name must not be empty");
    return changeEvent(
        db_, eventId_, "change the gate rules", [&]() -> AdminResult<std::vector<store::GateRule>> {
            store::Events events(db_);
            auto type = events.findTicketTypeByName(eventId_, typeName);
            if (!type) {
                return notFound("event " + eventId_ + " has no ticket type '" + typeName + "'");
            }
            for (const auto& rule : events.gateRules(eventId_)) {
                if (rule.ticketType == type->code && rule.gate == gate) {
                    return invalid(type->name + " may use gate " + gate + " already");
                }
            }
            events.allowTypeAtGate(eventId_, type->code, gate);
            appendAudit(db_, actor, "gate.allowed", eventId_,
                        {{"event_id", eventId_}, {"ticket_type", type->name}, {"gate", gate}});
            return events.gateRules(eventId_);
        });
}

AdminResult<std::vector<std::string>> EventEditor::setTypeDays(const std::string& typeName,
                                                               const std::vector<std::string>& days,
                                                               const Actor& actor) {
    for (const std::string& day : days) {
        if (!rules::isEventDay(day)) {
            return invalid("'" + day + "' is not a day (YYYY-MM-DD, such as 2026-09-12)");
        }
    }
    return changeEvent(
        db_, eventId_, "change the ticket type's days",
        [&]() -> AdminResult<std::vector<std::string>> {
            store::Events events(db_);
            auto type = events.findTicketTypeByName(eventId_, typeName);
            if (!type) {
                return notFound("event " + eventId_ + " has no ticket type '" + typeName + "'");
            }
            const std::vector<std::string> before = events.typeDays(eventId_, type->code);
            events.setTypeDays(eventId_, type->code, days);
            std::vector<std::string> after = events.typeDays(eventId_, type->code);
            if (after == before) {
                return invalid(type->name + " has these days already; nothing to change");
            }
            appendAudit(db_, actor, "ticket_type.days", eventId_,
                        {{"event_id", eventId_},
                         {"ticket_type", type->name},
                         {"from", before},
                         {"to", after}});
            return after;
        });
}

AdminResult<std::vector<std::string>> EventEditor::pretixKeys() {
    return changeEvent(
        db_, eventId_, "read the pretix keys",
        [&]() -> AdminResult<std::vector<std::string>> { return pretixKeyTexts(db_, eventId_); });
}

AdminResult<std::vector<std::string>> EventEditor::addPretixKey(const std::string& keyText,
                                                                const Actor& actor) {
    auto key = ticket::parsePretixPublicKey(keyText);
    if (!key) return invalid(key.error().message);
    return changeEvent(db_, eventId_, "add the pretix key",
                       [&]() -> AdminResult<std::vector<std::string>> {
                           Bytes bytes(key->bytes.begin(), key->bytes.end());
                           if (!store::PretixSettings(db_).addKey(eventId_, bytes)) {
                               return invalid("event " + eventId_ + " has this pretix key already");
                           }
                           appendAudit(db_, actor, "pretix_key.added", eventId_,
                                       {{"event_id", eventId_}, {"public_key", toHex(bytes)}});
                           return pretixKeyTexts(db_, eventId_);
                       });
}

AdminResult<std::vector<std::string>> EventEditor::removePretixKey(const std::string& keyText,
                                                                   const Actor& actor) {
    auto key = ticket::parsePretixPublicKey(keyText);
    if (!key) return invalid(key.error().message);
    return changeEvent(db_, eventId_, "remove the pretix key",
                       [&]() -> AdminResult<std::vector<std::string>> {
                           Bytes bytes(key->bytes.begin(), key->bytes.end());
                           if (!store::PretixSettings(db_).removeKey(eventId_, bytes)) {
                               return notFound("event " + eventId_ + " has no such pretix key");
                           }
                           appendAudit(db_, actor, "pretix_key.removed", eventId_,
                                       {{"event_id", eventId_}, {"public_key", toHex(bytes)}});
                           return pretixKeyTexts(db_, eventId_);
                       });
}

AdminResult<std::vector<store::PretixItemType>> EventEditor::pretixItemTypes() {
    return changeEvent(db_, eventId_, "read the pretix items",
                       [&]() -> AdminResult<std::vector<store::PretixItemType>> {
                           return store::PretixSettings(db_).itemTypes(eventId_);
                       });
}

AdminResult<store::PretixItemType> EventEditor::mapPretixItem(std::int64_t item,
                                                              const std::string& typeName,
                                                              const Actor& actor) {
    if (item <= 0)
        return invalid("a pretix item is a positive number, not " + std::to_string(item));
    return changeEvent(
        db_, eventId_, "map the pretix item", [&]() -> AdminResult<store::PretixItemType> {
            auto type = store::Events(db_).findTicketTypeByName(eventId_, typeName);
            if (!type) {
                return notFound("event " + eventId_ + " has no ticket type '" + typeName + "'");
            }
            store::PretixSettings settings(db_);
            if (settings.typeForItem(eventId_, item) == type->code) {
                return invalid("pretix item " + std::to_string(item) + " is " + type->name +
                               " already");
            }
            settings.mapItem(eventId_, item, type->code);
            appendAudit(db_, actor, "pretix_item.mapped", eventId_,
                        {{"event_id", eventId_}, {"item", item}, {"ticket_type", type->code}});
            return store::PretixItemType{item, type->code};
        });
}

}  // namespace admit::organiser
