#pragma once
// Errors of the encrypted replica. Messages name the file, never the key.

#include <sqlite3.h>

#include <optional>
#include <string>

namespace SQLite {
class Database;
class Exception;
}  // namespace SQLite

namespace admit::replica {

enum class ReplicaErrorKind {
    KeyMismatch,    // the key is not the one the replica was created with
    Damaged,        // a page failed authentication: damaged or tampered with
    NotFound,       // the replica (or key file) does not exist
    Io,             // the operating system or SQLite refused an operation
    NotAReplica,    // the file is not an encrypted replica (e.g. a plain SQLite database)
    OlderFormat,    // an encrypted replica in a format this version no longer reads
    BadKeyFile,     // key file with unsafe permissions, wrong size, or a bad credential name
    AlreadyExists,  // refusing to overwrite an existing file
    InUse,          // another connection has the replica open and the operation needs it alone
};

struct ReplicaError {
    ReplicaErrorKind kind = ReplicaErrorKind::Io;
    std::string file;     // the file concerned (database, WAL or key file)
    std::string message;  // a sentence for a person, naming the file
};

// The extended SQLite result code a query fails with when a page of the replica (database or
// WAL) fails authentication. SQLite reserves it for exactly this ("checksum on a page is
// incorrect"); callers can compare SQLite::Exception::getExtendedErrorCode() against it.
inline constexpr int kReplicaDamagedCode = SQLITE_IOERR_DATA;

ReplicaError damagedError(std::string file);

// "<file> is an encrypted replica in an older format ...": re-sync or export it again.
ReplicaError olderFormatError(std::string file);

// The one reading of a failed query on a replica, used wherever one can fail (openReplica, the
// check-in engine, the sync client, the kiosk): the Damaged error when a page failed
// authentication (kReplicaDamagedCode; it names the file that failed, database or WAL, as the
// VFS recorded it on this thread), or when SQLite finds the pages of the replica `file`, every
// one authentic, inconsistent (SQLITE_CORRUPT, SQLITE_NOTADB: e.g. an older image of a page put
// back). Anything else: nullopt, and the exception says what failed. With `file` empty (not
// known to be a replica) only an authentication failure is recognised.
std::optional<ReplicaError> replicaFailure(const SQLite::Exception& e,
                                           const std::string& file = {});
// The same for a query on `db`; a database that is not a replica has no replica failures.
std::optional<ReplicaError> replicaFailure(const SQLite::Exception& e, SQLite::Database& db);

// For a person: the Damaged error's message ("replica is damaged or was tampered with:
// <file>") for a replica failure, otherwise the exception's own message.
std::string describeReplicaFailure(const SQLite::Exception& e, const std::string& file = {});
std::string describeReplicaFailure(const SQLite::Exception& e, SQLite::Database& db);

}  // namespace admit::replica
