#include "admit/sync/client/sync_state.hpp"

#include <SQLiteCpp/Transaction.h>

#include "meta.hpp"

namespace admit::sync {

SyncState readSyncState(SQLite::Database& replica) {
    SyncState state;
    state.serverUrl = detail::readMeta(replica, detail::kServerUrl).value_or("");
    state.hasDeviceToken = detail::readMeta(replica, detail::kDeviceToken).has_value();
    state.lastSuccessAtMs = detail::readMetaInt(replica, detail::kLastSuccessAt);
    state.lastAttemptAtMs = detail::readMetaInt(replica, detail::kLastAttemptAt);
    state.lastError = detail::readMeta(replica, detail::kLastError).value_or("");
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

void saveEnrolment(SQLite::Database& replica, const std::string& serverUrl,
                   const std::string& deviceToken) {
    SQLite::Transaction transaction(replica, SQLite::TransactionBehavior::IMMEDIATE);
    // Another server numbers its check-ins and roster versions differently, so the cursors
    // start again (downloads are idempotent: the worst case is one full download). The same
    // server keeps them: a re-enrolled kiosk only gets a new token.
    if (detail::readMeta(replica, detail::kServerUrl).value_or(serverUrl) != serverUrl) {
        detail::eraseMeta(replica, detail::kCheckinsAfter);
        detail::eraseMeta(replica, detail::kRosterVersion);
        detail::eraseMeta(replica, detail::kDevices);
    }
    detail::writeMeta(replica, detail::kServerUrl, serverUrl);
    detail::writeMeta(replica, detail::kDeviceToken, deviceToken);
    // A refused token stopped the rounds; the new one starts them again.
    detail::eraseMeta(replica, detail::kLastError);
    transaction.commit();
}

}  // namespace admit::sync
