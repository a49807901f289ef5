// A roster body from a server, applied to a replica that already holds a roster: never
// crashes, and a refused body leaves the replica exactly as it was.
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

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static std::unique_ptr<SQLite::Database> replica = makeReplica();
    std::string before = fingerprint(*replica);
    std::string_view body(reinterpret_cast<const char*>(data), size);
    auto applied = admit::sync::applyRosterJson(*replica, kEvent, body);
    if (!applied.ok()) {
        ADMIT_FUZZ_CHECK(!applied.error().message.empty());
        ADMIT_FUZZ_CHECK(fingerprint(*replica) == before);
    } else if (applied->changed) {
        // Start the next input from the same known roster.
        replica = makeReplica();
    }
    return 0;
}
