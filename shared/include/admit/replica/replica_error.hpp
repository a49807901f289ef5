#pragma once
// Errors of the encrypted replica. Messages name the file, never the key.

#include <sqlite3.h>

#include <optional>
#include <string>

namespace SQLite {
class Exception;
}

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

// If `e` was caused by a page that failed authentication, the Damaged error naming the file
// that failed (recorded by the VFS on the thread that ran the query).
std::optional<ReplicaError> replicaFailure(const SQLite::Exception& e);

// "replica is damaged or was tampered with: <file>" for an authentication failure, otherwise
// the exception's own message.
std::string describeReplicaFailure(const SQLite::Exception& e);

}  // namespace admit::replica
