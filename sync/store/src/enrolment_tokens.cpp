#include "admit/sync/store/enrolment_tokens.hpp"

#include <sodium.h>

#include <SQLiteCpp/Statement.h>

#include "admit/base/sodium.hpp"
#include "admit/store/events.hpp"

namespace admit::sync {
namespace {

void bindBlob(SQLite::Statement& statement, int index, const Bytes& bytes) {
    statement.bind(index, bytes.data(), static_cast<int>(bytes.size()));
}

}  // namespace

std::string newSecretToken() {
    ensureSodium();
    unsigned char bytes[32];
    randombytes_buf(bytes, sizeof bytes);
    constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
    char text[sodium_base64_ENCODED_LEN(sizeof bytes, kVariant)];
    sodium_bin2base64(text, sizeof text, bytes, sizeof bytes, kVariant);
    sodium_memzero(bytes, sizeof bytes);
    std::string token(text);
    sodium_memzero(text, sizeof text);
    return token;
}

Bytes tokenHash(std::string_view token) {
    ensureSodium();
    Bytes hash(crypto_generichash_BYTES);
    crypto_generichash(hash.data(), hash.size(),
                       reinterpret_cast<const unsigned char*>(token.data()), token.size(), nullptr,
                       0);
    return hash;
}

Result<std::string> EnrolmentTokens::issue(const std::string& eventId, std::int64_t nowMs,
                                           DeviceRole role) {
    std::string token = newSecretToken();
    auto added = add(eventId, token, nowMs, role);
    if (!added) return fail(added.error());
    return token;
}

Status<> EnrolmentTokens::add(const std::string& eventId, std::string_view token,
                              std::int64_t nowMs, DeviceRole role) {
    if (token.size() < 16) return fail("an enrolment token needs at least 16 characters");
    if (!store::Events(db_).find(eventId)) return fail("unknown event " + eventId);
    SQLite::Statement insert(db_,
                             "INSERT INTO enrolment_tokens (token_hash, event_id, created_at, "
                             "expires_at, role) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
    bindBlob(insert, 1, tokenHash(token));
    insert.bind(2, eventId);
    insert.bind(3, nowMs);
    insert.bind(4, nowMs + kEnrolmentTokenLifetimeMs);
    insert.bind(5, role == DeviceRole::kRelay ? "relay" : "kiosk");
    if (insert.exec() == 0)
        return fail("this enrolment token was registered before; use a new one");
    return Ok{};
}

EnrolmentTokens::State EnrolmentTokens::state(const Bytes& hash, const std::string& eventId,
                                              std::int64_t nowMs) {
    SQLite::Statement token(
        db_, "SELECT event_id, expires_at, used_at FROM enrolment_tokens WHERE token_hash = ?");
    bindBlob(token, 1, hash);
    if (!token.executeStep() || token.getColumn(0).getString() != eventId) {
        return State::kNotForEvent;
    }
    if (!token.getColumn(2).isNull()) return State::kUsed;
    if (nowMs >= token.getColumn(1).getInt64()) return State::kExpired;
    return State::kRedeemable;
}

DeviceRole EnrolmentTokens::role(const Bytes& hash) {
    SQLite::Statement token(db_, "SELECT role FROM enrolment_tokens WHERE token_hash = ?");
    bindBlob(token, 1, hash);
    if (token.executeStep() && token.getColumn(0).getString() == "relay") return DeviceRole::kRelay;
    return DeviceRole::kKiosk;
}

void EnrolmentTokens::spend(const Bytes& hash, const std::string& deviceId, std::int64_t nowMs) {
    SQLite::Statement spend(
        db_, "UPDATE enrolment_tokens SET used_at = ?, used_by = ? WHERE token_hash = ?");
    spend.bind(1, nowMs);
    spend.bind(2, deviceId);
    bindBlob(spend, 3, hash);
    spend.exec();
}

}  // namespace admit::sync
