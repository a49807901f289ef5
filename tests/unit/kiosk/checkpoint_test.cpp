// The kiosk takes WAL checkpoints off the scan path (store::DeferredCheckpoints); this checks
// that it still takes them, so the WAL does not grow for the whole event.

#include <filesystem>

#include "kiosk_fixture.hpp"

namespace admit::kiosk::testing {
namespace {

TEST_F(KioskTest, CheckpointsTheReplicaWhenIdle) {
    start(options());
    untilOpen();
    auto databaseBytes = [&] { return std::filesystem::file_size(demo_.replica); };
    auto before = databaseBytes();
    // Each denial commits an audit entry (a page or two); together they pass the 1000-page mark.
    for (int i = 0; i < 1200; ++i) {
        ASSERT_EQ(scanCode(demo_.event.foreignCode).code, "unknown_ticket");
    }
    // Only a checkpoint copies pages from the WAL into the database file.
    EXPECT_GT(databaseBytes(), before);
}

}  // namespace
}  // namespace admit::kiosk::testing
