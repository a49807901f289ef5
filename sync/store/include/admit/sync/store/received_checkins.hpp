#pragma once
// The download order (docs/sync.md, "Download"): every check-in the server holds for an event,
// numbered in the order it arrived, so that a kiosk reads what other devices recorded from a
// cursor. The only owner of the `received_checkins` table and of the order's name (meta
// `download_order`).

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "admit/base/result.hpp"
#include "admit/replica/replica_error.hpp"
#include "admit/replica/replica_key.hpp"
#include "admit/sync/protocol/messages.hpp"

namespace admit::sync {

class ReceivedCheckIns {
  public:
    // Check-ins after a cursor, and the cursor to read on from.
    struct Page {
        std::vector<CheckInRecord> checkIns;
        std::int64_t next = 0;
        bool more = false;
    };

    explicit ReceivedCheckIns(SQLite::Database& db) : db_(db) {}

    // The check-in (stored already) joins the order; call in the transaction that stores it.
    void add(const std::string& checkInId, const std::string& eventId, const std::string& deviceId,
             std::int64_t nowMs);
    // The same for a check-in recorded in this database itself (`admit checkin`): once each.
    void adopt(const std::string& checkInId, std::int64_t nowMs);
    // Every check-in of the event stored here but not yet in the order joins it (a relay's
    // database after its upstream round: check-ins of other venues). Costs two counts when
    // nothing is missing. Returns how many joined.
    std::int64_t adoptMissing(const std::string& eventId, std::int64_t nowMs);

    // The event's check-ins after `after` that `exceptDevice` did not make, at most `limit`.
    // When nothing more is there, `next` is past the event's last check-in (the caller's own
    // included), so the next request does not scan them again. Call in a read transaction.
    Page after(const std::string& eventId, std::int64_t after, const std::string& exceptDevice,
               std::int64_t limit);

    // A stored check-in as the protocol carries it (an annulment names its target).
    std::optional<CheckInRecord> find(const std::string& checkInId);

  private:
    SQLite::Database& db_;
    std::optional<SQLite::Statement> insert_;
};

// The download order's name, made on first use. A restored backup must not continue the order
// kiosks have read past (the restored server hands out those seqs again for other check-ins):
// `admit backup` gives each copy a new name with startNewDownloadOrder, and kiosks that see a
// new name read the order from the start.
std::string downloadOrder(SQLite::Database& db);
void startNewDownloadOrder(SQLite::Database& db);

// `admit backup` of the organiser's database: replica::backupReplica, then the copy gets a new
// download order (above), so that restoring it sends kiosks back to the start of the order.
Status<replica::ReplicaError> backupServerDatabase(const std::filesystem::path& path,
                                                   const replica::ReplicaKey& key,
                                                   const std::filesystem::path& out);

}  // namespace admit::sync
