#include "admit/store/operators.hpp"

#include <algorithm>
#include <array>

#include <SQLiteCpp/Statement.h>
#include <sodium.h>

namespace admit::store {

std::string_view roleName(Role role) {
    return role == Role::kOrganiser ? "organiser" : "volunteer";
}

Result<Role> parseRole(std::string_view text) {
    if (text == "volunteer") return Role::kVolunteer;
    if (text == "organiser") return Role::kOrganiser;
    return fail("role must be 'volunteer' or 'organiser', not '" + std::string(text) + "'");
}

std::int64_t Operators::lockDurationMs(int failures) {
    if (failures < kFreeAttempts) return 0;
    int doublings = std::min(failures - kFreeAttempts, 20);
    return std::min(kFirstLockMs << doublings, kMaxLockMs);
}

namespace {

// The Argon2id hash of a valid PIN; the message never holds the PIN.
Result<std::string> hashPin(const std::string& name, std::string_view pin) {
    bool digits = std::all_of(pin.begin(), pin.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (pin.size() < 4 || pin.size() > 12 || !digits) {
        return fail("the PIN for operator '" + name + "' must be 4 to 12 digits");
    }
    std::array<char, crypto_pwhash_STRBYTES> hash{};
    if (crypto_pwhash_str(hash.data(), pin.data(), pin.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        return fail("out of memory while hashing the PIN for operator '" + name + "'");
    }
    return std::string(hash.data());
}

}  // namespace

Status<> Operators::set(const std::string& name, Role role, std::string_view pin) {
    if (name.empty()) return fail("operator name is empty");
    auto hash = hashPin(name, pin);
    if (!hash) return fail(hash.error());
    auto upsert = statements_.prepare(
        "INSERT INTO operators (name, role, pin_hash) VALUES (?, ?, ?) "
        "ON CONFLICT (name) DO UPDATE SET role = excluded.role, "
        "pin_hash = excluded.pin_hash, failed_attempts = 0, locked_until = 0");
    upsert->bind(1, name);
    upsert->bind(2, std::string(roleName(role)));
    upsert->bind(3, *hash);
    upsert->exec();
    return Ok{};
}

Status<> Operators::setPin(const std::string& name, std::string_view pin) {
    auto hash = hashPin(name, pin);
    if (!hash) return fail(hash.error());
    auto update = statements_.prepare(
        "UPDATE operators SET pin_hash = ?, failed_attempts = 0, locked_until = 0 WHERE name = ?");
    update->bind(1, *hash);
    update->bind(2, name);
    if (update->exec() == 0) return fail("there is no operator '" + name + "'");
    return Ok{};
}

bool Operators::resetLockout(const std::string& name) {
    auto update = statements_.prepare(
        "UPDATE operators SET failed_attempts = 0, locked_until = 0 WHERE name = ?");
    update->bind(1, name);
    return update->exec() > 0;
}

bool Operators::remove(const std::string& name) {
    // The delete trigger removes their operator_events rows (and bumps those rosters).
    auto remove = statements_.prepare("DELETE FROM operators WHERE name = ?");
    remove->bind(1, name);
    return remove->exec() > 0;
}

std::vector<OperatorDetails> Operators::details() {
    auto q = statements_.prepare(
        "SELECT o.name, o.role, o.failed_attempts, o.locked_until, "
        "coalesce((SELECT group_concat(event_id, ' ') FROM (SELECT event_id FROM operator_events "
        "WHERE operator = o.name ORDER BY event_id)), '') FROM operators o ORDER BY o.name");
    std::vector<OperatorDetails> out;
    while (q->executeStep()) {
        OperatorDetails d;
        d.who = {q->getColumn(0).getString(),
                 q->getColumn(1).getString() == "organiser" ? Role::kOrganiser : Role::kVolunteer};
        d.failedAttempts = q->getColumn(2).getInt();
        d.lockedUntilMs = q->getColumn(3).getInt64();
        std::string events = q->getColumn(4).getString();
        std::size_t start = 0;
        while (start < events.size()) {
            std::size_t end = events.find(' ', start);
            if (end == std::string::npos) end = events.size();
            d.eventIds.push_back(events.substr(start, end - start));
            start = end + 1;
        }
        out.push_back(std::move(d));
    }
    return out;
}

Result<Operator, PinError> Operators::authenticate(const std::string& name, std::string_view pin,
                                                   std::int64_t nowMs) {
    auto q = statements_.prepare(
        "SELECT role, pin_hash, failed_attempts, locked_until FROM operators WHERE name = ?");
    q->bind(1, name);
    if (!q->executeStep()) return fail(PinError{PinFailure::kUnknownOperator});
    Role role = q->getColumn(0).getString() == "organiser" ? Role::kOrganiser : Role::kVolunteer;
    std::string hash = q->getColumn(1).getString();
    int failures = q->getColumn(2).getInt();
    std::int64_t lockedUntil = q->getColumn(3).getInt64();
    q->reset();

    if (nowMs < lockedUntil) return fail(PinError{PinFailure::kLockedOut, lockedUntil - nowMs});

    if (crypto_pwhash_str_verify(hash.c_str(), pin.data(), pin.size()) == 0) {
        auto reset = statements_.prepare(
            "UPDATE operators SET failed_attempts = 0, locked_until = 0 WHERE name = ?");
        reset->bind(1, name);
        reset->exec();
        return Operator{name, role};
    }
    ++failures;
    std::int64_t lock = lockDurationMs(failures);
    auto record = statements_.prepare(
        "UPDATE operators SET failed_attempts = ?, locked_until = ? WHERE name = ?");
    record->bind(1, failures);
    record->bind(2, lock > 0 ? nowMs + lock : 0);
    record->bind(3, name);
    record->exec();
    if (lock > 0) return fail(PinError{PinFailure::kLockedOut, lock});
    return fail(PinError{PinFailure::kWrongPin});
}

namespace {

std::vector<Operator> readOperators(SQLite::Statement& q) {
    std::vector<Operator> out;
    while (q.executeStep()) {
        out.push_back({q.getColumn(0).getString(), q.getColumn(1).getString() == "organiser"
                                                       ? Role::kOrganiser
                                                       : Role::kVolunteer});
    }
    return out;
}

}  // namespace

std::vector<Operator> Operators::list() {
    auto q = statements_.prepare("SELECT name, role FROM operators ORDER BY name");
    return readOperators(*q);
}

Status<> Operators::allowAtEvent(const std::string& name, const std::string& eventId) {
    auto known = statements_.prepare("SELECT 1 FROM operators WHERE name = ?");
    known->bind(1, name);
    if (!known->executeStep()) return fail("unknown operator '" + name + "'");
    known->reset();
    auto event = statements_.prepare("SELECT 1 FROM events WHERE id = ?");
    event->bind(1, eventId);
    if (!event->executeStep()) return fail("unknown event " + eventId);
    event->reset();
    auto insert = statements_.prepare(
        "INSERT INTO operator_events (event_id, operator) VALUES (?, ?) ON CONFLICT DO NOTHING");
    insert->bind(1, eventId);
    insert->bind(2, name);
    insert->exec();
    return Ok{};
}

void Operators::allowAllAtEvent(const std::string& eventId) {
    auto insert = statements_.prepare(
        "INSERT INTO operator_events (event_id, operator) SELECT ?, name FROM operators WHERE "
        "true ON CONFLICT DO NOTHING");
    insert->bind(1, eventId);
    insert->exec();
    insert->reset();
}

std::vector<Operator> Operators::listForEvent(const std::string& eventId) {
    auto q = statements_.prepare(
        "SELECT name, role FROM operators WHERE name IN (SELECT operator FROM operator_events "
        "WHERE event_id = ?) ORDER BY name");
    q->bind(1, eventId);
    return readOperators(*q);
}

}  // namespace admit::store
