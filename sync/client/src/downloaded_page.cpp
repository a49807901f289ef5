#include "downloaded_page.hpp"

#include <algorithm>
#include <string>

#include <SQLiteCpp/Transaction.h>
#include <nlohmann/json.hpp>

#include "admit/store/checkin_log.hpp"
#include "admit/store/hybrid_logical_clock.hpp"
#include "meta.hpp"

namespace admit::sync::detail {
namespace {

void writeHeld(SQLite::Database& db, const std::vector<CheckInRecord>& held) {
    if (held.empty()) {
        eraseMeta(db, kHeldAnnulments);
        return;
    }
    auto list = nlohmann::json::array();
    for (const auto& record : held) list.push_back(toJson(record));
    writeMeta(db, kHeldAnnulments, list.dump());
}

}  // namespace

std::vector<CheckInRecord> heldAnnulments(SQLite::Database& replica) {
    std::vector<CheckInRecord> held;
    auto text = readMeta(replica, kHeldAnnulments);
    if (!text) return held;
    // Only this file writes the list, each entry from a record that parsed.
    auto list = nlohmann::json::parse(*text, nullptr, false);
    if (!list.is_array()) return held;
    for (const auto& item : list) {
        if (!item.is_string()) continue;
        if (auto record = parseCheckInRecord(item.get<std::string>())) {
            held.push_back(std::move(record).value());
        }
    }
    return held;
}

std::int64_t storeDownloadedPage(SQLite::Database& replica,
                                 const std::vector<CheckInRecord>& records, std::int64_t next,
                                 std::int64_t nowMs) {
    SQLite::Transaction transaction(replica, SQLite::TransactionBehavior::IMMEDIATE);
    store::HybridLogicalClock clock(replica);
    store::CheckInLog log(replica, clock);
    std::vector<CheckInRecord> held = heldAnnulments(replica);
    const bool hadHeld = !held.empty();
    std::int64_t stored = 0;
    for (const auto& record : records) {
        if (record.annulment && !log.contains(record.annuls)) {
            const bool known = std::any_of(held.begin(), held.end(), [&](const auto& h) {
                return h.checkIn.id == record.checkIn.id;
            });
            if (!known && !log.contains(record.checkIn.id)) held.push_back(record);
            continue;
        }
        if (log.storeReceived(record.checkIn, record.annulment, record.annuls, nowMs)) ++stored;
    }
    // Targets may have arrived on this page.
    std::vector<CheckInRecord> stillHeld;
    for (const auto& record : held) {
        if (!log.contains(record.annuls)) {
            stillHeld.push_back(record);
        } else if (log.storeReceived(record.checkIn, true, record.annuls, nowMs)) {
            ++stored;
        }
    }
    if (hadHeld || !stillHeld.empty()) writeHeld(replica, stillHeld);
    writeMeta(replica, kCheckinsAfter, std::to_string(next));
    transaction.commit();
    return stored;
}

}  // namespace admit::sync::detail
