// A first roster from a server as it arrives (RosterDownload::receive: parsed and written piece
// by piece on the receiver's thread), cut into pieces of a size the input chooses: never
// crashes, and an answer refused at any point leaves the replica exactly as it was.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <SQLiteCpp/Database.h>

#include "admit/store/schema.hpp"
#include "admit/store/store.hpp"
#include "admit/sync/protocol/roster.hpp"
#include "fuzz_check.hpp"

namespace {

constexpr const char* kEvent = "0190a8c4-5e3b-7c2d-9f00-1a2b3c4d5e6f";

// Rows of a roster but no roster version: the first download (version 0) replaces them.
std::unique_ptr<SQLite::Database> makeReplica() {
    auto db = std::make_unique<SQLite::Database>(":memory:", SQLite::OPEN_READWRITE);
    admit::store::applyConnectionSettings(*db);
    ADMIT_FUZZ_CHECK(admit::store::migrate(*db).ok());
    db->exec(std::string("INSERT INTO events (id, name, blind_index_key, created_at) VALUES ('") +
             kEvent + "', 'Fest', zeroblob(32), 0)");
    db->exec(std::string("INSERT INTO ticket_types (event_id, code, name) VALUES ('") + kEvent +
             "', 1, 'General')");
    db->exec(std::string("INSERT INTO attendees (event_id, import_key, name, email, ticket_type, "
                         "status) VALUES ('") +
             kEvent + "', 'a', 'Ada', 'ada@x.org', 1, 'approved')");
    return db;
}

std::string fingerprint(SQLite::Database& db) {
    return db
        .execAndGet(
            "SELECT (SELECT group_concat(name || email || status, '|') FROM attendees) || '#' || "
            "(SELECT count(*) FROM ticket_types) || '#' || (SELECT count(*) FROM tickets) || '#' "
            "|| coalesce((SELECT value FROM meta WHERE key = 'sync.roster_version'), '-')")
        .getString();
}

}  // namespace

// The first byte sets the piece size (1 to 64 bytes); the rest is the answer's body.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    static std::unique_ptr<SQLite::Database> replica = makeReplica();
    const std::size_t pieceBytes = 1 + data[0] % 64;
    std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
    const std::string before = fingerprint(*replica);

    admit::sync::RosterDownload download(kEvent, 0);
    auto receiver = download.receive(*replica);
    for (std::size_t at = 0; at < body.size(); at += pieceBytes) {
        if (!receiver->feed(body.substr(at, pieceBytes))) break;
    }
    auto next = receiver->finish();
    receiver.reset();
    bool applied = false;
    if (next.ok() && !*next) {
        auto result = download.apply(*replica);
        if (result.ok()) {
            applied = result->changed;
        } else {
            ADMIT_FUZZ_CHECK(!result.error().message.empty());
        }
    } else if (!next.ok()) {
        ADMIT_FUZZ_CHECK(!next.error().message.empty());
    }
    if (applied) {
        replica = makeReplica();  // the next input starts from the same rows
    } else {
        ADMIT_FUZZ_CHECK(fingerprint(*replica) == before);
    }
    return 0;
}
