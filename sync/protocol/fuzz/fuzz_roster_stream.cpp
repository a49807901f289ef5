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
#include "roster_fuzz_replica.hpp"

using namespace roster_fuzz;

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
