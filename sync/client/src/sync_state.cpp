#include "admit/sync/client/sync_state.hpp"

#include <SQLiteCpp/Transaction.h>

#include "meta.hpp"

namespace admit::sync {
namespace {

std::string toHex(const std::array<std::uint8_t, 32>& bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string text;
    for (std::uint8_t byte : bytes) {
        text.push_back(kDigits[byte >> 4]);
        text.push_back(kDigits[byte & 0x0f]);
    }
    return text;
}

// Written by saveEnrolment, so well formed; anything else reads as no pin would be wrong (the
// kiosk would talk to any server), so a damaged value reads as a pin nothing matches.
std::optional<std::array<std::uint8_t, 32>> fromHex(const std::optional<std::string>& text) {
    if (!text) return std::nullopt;
    std::array<std::uint8_t, 32> bytes{};
    auto digit = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        return -1;
    };
    if (text->size() != 64) return bytes;
    for (std::size_t i = 0; i < 32; ++i) {
        const int high = digit((*text)[2 * i]);
        const int low = digit((*text)[2 * i + 1]);
        if (high < 0 || low < 0) return std::array<std::uint8_t, 32>{};
        bytes[i] = static_cast<std::uint8_t>(high * 16 + low);
    }
    return bytes;
}

}  // namespace

SyncState readSyncState(SQLite::Database& replica) {
    SyncState state;
    state.serverUrl = detail::readMeta(replica, detail::kServerUrl).value_or("");
    state.hasDeviceToken = detail::readMeta(replica, detail::kDeviceToken).has_value();
    state.serverKeySha256 = fromHex(detail::readMeta(replica, detail::kServerKeySha256));
    state.lastSuccessAtMs = detail::readMetaInt(replica, detail::kLastSuccessAt);
    state.lastAttemptAtMs = detail::readMetaInt(replica, detail::kLastAttemptAt);
    state.lastError = detail::readMeta(replica, detail::kLastError).value_or("");
    state.revoked = detail::readMeta(replica, detail::kRevoked).has_value();
    state.checkinsAfter = detail::readMetaInt(replica, detail::kCheckinsAfter).value_or(0);
    state.rosterVersion = detail::readMetaInt(replica, detail::kRosterVersion).value_or(0);
    if (auto devices = detail::readMeta(replica, detail::kDevices)) {
        // Written by this client from a parsed answer, so it parses; if it ever does not, the
        // dashboard shows no devices until the next round rather than failing.
        if (auto parsed = parseDevicesResponse(*devices))
            state.devices = std::move(parsed->devices);
    }
    return state;
}

std::optional<std::string> readDeviceToken(SQLite::Database& replica) {
    return detail::readMeta(replica, detail::kDeviceToken);
}

ServerAddress serverAddress(const SyncState& state) {
    return {state.serverUrl, state.serverKeySha256};
}

void saveEnrolment(SQLite::Database& replica, const ServerAddress& server,
                   const std::string& deviceToken) {
    const std::string& serverUrl = server.url;
    SQLite::Transaction transaction(replica, SQLite::TransactionBehavior::IMMEDIATE);
    // Another server numbers its check-ins and roster versions differently, so the cursors
    // start again (downloads are idempotent: the worst case is one full download). The same
    // server keeps them: a re-enrolled kiosk only gets a new token.
    if (detail::readMeta(replica, detail::kServerUrl).value_or(serverUrl) != serverUrl) {
        detail::eraseMeta(replica, detail::kCheckinsAfter);
        detail::eraseMeta(replica, detail::kRosterVersion);
        detail::eraseMeta(replica, detail::kDevices);
    }
    // A new enrolment asks for the event's devices in its first round.
    detail::eraseMeta(replica, detail::kDevicesAt);
    detail::writeMeta(replica, detail::kServerUrl, serverUrl);
    if (server.keySha256) {
        detail::writeMeta(replica, detail::kServerKeySha256, toHex(*server.keySha256));
    } else {
        detail::eraseMeta(replica, detail::kServerKeySha256);
    }
    detail::writeMeta(replica, detail::kDeviceToken, deviceToken);
    // A refused or revoked token stopped the rounds; the new one starts them again.
    detail::eraseMeta(replica, detail::kLastError);
    detail::eraseMeta(replica, detail::kRevoked);
    transaction.commit();
}

}  // namespace admit::sync
