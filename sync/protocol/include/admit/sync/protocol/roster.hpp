#pragma once
// The roster as data (docs/sync.md): the rows of one event that a kiosk downloads (event,
// public keys, ticket types and gate rules, attendees, tickets, revoked and blocked codes,
// operators), read from the server's database and written into a kiosk's replica, whole or as
// the rows changed since a version (with tombstones for removed rows). No network.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <SQLiteCpp/Database.h>

#include "admit/base/result.hpp"

namespace admit::sync {

// Changed rows per answer: a larger change arrives in several pages.
inline constexpr std::int64_t kRosterPageKeys = 5000;
// The server keeps the changes of the last this many versions; a kiosk further behind gets the
// whole roster.
inline constexpr std::int64_t kRosterChangeWindow = 100'000;

// The event's roster version (bumped by triggers on any roster change; 0 if never set).
std::int64_t rosterVersion(SQLite::Database& db, const std::string& eventId);

// What the server answers a kiosk holding version `have`.
enum class RosterAnswer {
    kUnchanged,  // `have` is current
    kChanges,    // the rows changed since `have`, in pages
    kFull,       // every roster row: `have` is 0, too old for the change log, or unknown
};
RosterAnswer rosterAnswerFor(SQLite::Database& db, const std::string& eventId, std::int64_t have);

// Forgets the changes older than the last `window` versions (the server, before answering), and
// moves the event's oldest version answered with changes past them. Writes only if any are due.
void pruneRosterChanges(SQLite::Database& db, const std::string& eventId,
                        std::int64_t window = kRosterChangeWindow);

// The roster response body for `have`: {"unchanged": true} if `have` is current; else one page
// of changes (the page after the cursor `after`, 0 for the first) if the log reaches back to
// `have`, else every roster table of the event. Fails if the event is unknown.
Result<std::string> rosterJson(SQLite::Database& db, const std::string& eventId, std::int64_t have,
                               std::int64_t after = 0, std::int64_t pageKeys = kRosterPageKeys);

// The whole roster of the event (rosterJson's answer for version 0, the same text) handed to
// `out` in pieces of about 64 KiB as the rows are read, in one read transaction: never held
// whole. Returns the version written. Fails if the event is unknown or the database cannot be
// read (what `out` received is then not a roster).
Result<std::int64_t> writeFullRoster(SQLite::Database& db, const std::string& eventId,
                                     const std::function<void(std::string_view)>& out);

// Why a roster answer was not applied. The replica keeps its previous roster in every case.
struct RosterError {
    enum class Kind {
        kRefused,   // the answer does not match the schema or this kiosk's version (named)
        kProtocol,  // the server speaks another sync protocol version
        kLocal,     // the replica could not be read or written
    };
    Kind kind = Kind::kRefused;
    std::string message;

    RosterError() = default;
    RosterError(Kind k, std::string m) : kind(k), message(std::move(m)) {}
    // A plain failure is a refusal of the answer.
    RosterError(Error error) : message(std::move(error.message)) {}  // NOLINT(runtime/explicit)
};

struct RosterApplied {
    std::int64_t version = 0;
    bool changed = false;          // false when the server answered "unchanged"
    bool delta = false;            // true when only the changed rows came
    std::int64_t attendees = 0;    // attendees in the answer (all of them for a full roster)
    std::int64_t rowsWritten = 0;  // rows inserted, changed or removed in the replica
};

// The answers of one roster step on a kiosk holding version `have`: the pages of changes are
// gathered, then applied together in one transaction (or the whole roster, if that came).
class RosterDownload {
  public:
    RosterDownload(std::string eventId, std::int64_t have);
    ~RosterDownload();
    RosterDownload(const RosterDownload&) = delete;
    RosterDownload& operator=(const RosterDownload&) = delete;

    // Reads one answer: the cursor to ask for next (`after=`), or nullopt when complete.
    Result<std::optional<std::int64_t>, RosterError> add(std::string_view body);

    // Reads one answer as it arrives, for `replica` (apply's): feed() its body piece by piece,
    // then finish(), which says what add() says. A whole roster is checked and written into
    // `replica` row by row as it arrives (on the receiver's own thread, while the caller's
    // thread feeds), inside one transaction that apply() commits and that is rolled back if
    // anything does not match or apply() is never called, so the body is never held whole:
    // a few pieces in flight, and, if the replica held a roster already, the keys of the rows
    // seen (to remove the others). Other answers (changes, unchanged) are gathered as add()
    // does. While a whole roster arrives, the replica's write lock is held.
    class Receiver {
      public:
        virtual ~Receiver() = default;
        // False once the answer is refused (finish() says why): stop sending.
        virtual bool feed(std::string_view piece) = 0;
        // The end of the answer (also after a refusal or a transfer that broke off).
        virtual Result<std::optional<std::int64_t>, RosterError> finish() = 0;
    };
    std::unique_ptr<Receiver> receive(SQLite::Database& replica);

    // Makes the event's roster rows in `replica` what the answers say, in one transaction that
    // writes only what differs (check-ins, outbox, audit log, settings and local lock-out
    // counters are kept), and stores the version in meta `sync.roster_version`. Changes are
    // applied only to the version they were made for. Anything that does not match the schema
    // is refused whole, naming the table, row and column; the replica keeps its previous roster.
    Result<RosterApplied, RosterError> apply(SQLite::Database& replica);

  private:
    friend class StreamReceiver;
    struct Pages;
    std::unique_ptr<Pages> pages_;
};

// One complete answer (unchanged, the whole roster, or changes in a single page) applied to
// `replica` for the version it holds in meta: RosterDownload with one page.
Result<RosterApplied, RosterError> applyRosterJson(SQLite::Database& replica,
                                                   const std::string& eventId,
                                                   std::string_view body);

}  // namespace admit::sync
