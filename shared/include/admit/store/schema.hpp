#pragma once
// The database schema and its migrations. The same schema serves the organiser's database,
// the server's and a kiosk's replica; what differs is which rows each one holds (a replica
// never holds signing keys).

#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "admit/base/result.hpp"

namespace admit::store {

// The schema version this build writes.
int currentSchemaVersion();

// Brings the database to the current version, one migration per transaction. Refuses a
// database written by a newer build rather than guessing.
Status<> migrate(SQLite::Database& db);
// The same, stopping at version `target`: the tests of a migration start from the one before.
Status<> migrateTo(SQLite::Database& db, int target);

// The tables a salvage of a damaged replica copies first, most precious first: the outbox
// (records not yet uploaded, above all the kiosk's check-ins), this device's check-ins and audit
// log, and meta (its device id and upload cursor). The rest can be downloaded again.
std::vector<std::string> salvageOrder();

// This database's device id (a UUID made at creation), used on check-ins and the outbox.
std::string deviceId(SQLite::Database& db);

}  // namespace admit::store
