#pragma once
// Storing one downloaded page of other devices' check-ins in the replica.

#include <cstdint>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "admit/sync/protocol/messages.hpp"

namespace admit::sync::detail {

// Stores the page's check-ins (CheckInLog::storeReceived, which merges their HLCs) and the new
// download cursor `next` in one transaction, and returns how many were new.
//
// An annulment whose target check-in is not stored yet cannot be stored (the foreign key needs
// the target first). It is held back in meta `sync.held_annulments`, in the same transaction
// as the cursor, so moving the cursor past it loses nothing; every later page (each round
// downloads at least one) stores the held annulments whose targets have arrived.
std::int64_t storeDownloadedPage(SQLite::Database& replica,
                                 const std::vector<CheckInRecord>& records, std::int64_t next,
                                 std::int64_t nowMs);

// The annulments held back so far, oldest first.
std::vector<CheckInRecord> heldAnnulments(SQLite::Database& replica);

}  // namespace admit::sync::detail
