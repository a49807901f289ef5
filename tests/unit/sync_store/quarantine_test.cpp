#include "admit/sync/store/quarantine.hpp"

#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>

#include "admit/sync/store/device_registry.hpp"
#include "server_fixture.hpp"

namespace admit::sync {
namespace {

using admit::testing::kT0;

class QuarantineTest : public admit::testing::ServerFixture {
  protected:
    void SetUp() override {
        ServerFixture::SetUp();
        DeviceRegistry devices(*org);
        devices.enrol("dev-1", eventId, "Gate A", Bytes(32, 1), kT0);
        devices.enrol("dev-2", otherEventId, "Other", Bytes(32, 2), kT0);
    }
};

TEST_F(QuarantineTest, KeepsAnEntryOnceForARetriedBatch) {
    Quarantine quarantine(*org);
    EXPECT_EQ(quarantine.add("dev-1", "why", R"({"seq":1})", kT0), Quarantine::Added::kAdded);
    EXPECT_EQ(quarantine.add("dev-1", "why", R"({"seq":1})", kT0 + 1),
              Quarantine::Added::kAlreadyHeld);
    // Another device sending the same text is another entry.
    EXPECT_EQ(quarantine.add("dev-2", "why", R"({"seq":1})", kT0), Quarantine::Added::kAdded);
    EXPECT_EQ(quarantine.countForDevice("dev-1"), 1);
}

TEST_F(QuarantineTest, StopsAtItsCapPerDevice) {
    Quarantine quarantine(*org, 3);
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(quarantine.add("dev-1", "why", std::to_string(i), kT0),
                  Quarantine::Added::kAdded);
    }
    EXPECT_EQ(quarantine.add("dev-1", "why", "3", kT0), Quarantine::Added::kFull);
    // What it holds already is still recognised, and other devices are not affected.
    EXPECT_EQ(quarantine.add("dev-1", "why", "0", kT0), Quarantine::Added::kAlreadyHeld);
    EXPECT_EQ(quarantine.add("dev-2", "why", "3", kT0), Quarantine::Added::kAdded);
    // A new request counts what is stored.
    EXPECT_EQ(Quarantine(*org, 3).add("dev-1", "why", "4", kT0), Quarantine::Added::kFull);
    EXPECT_EQ(quarantine.countForDevice("dev-1"), 3);
}

TEST_F(QuarantineTest, TheDuplicateCheckUsesTheIndex) {
    SQLite::Statement plan(*org,
                           "EXPLAIN QUERY PLAN SELECT 1 FROM sync_quarantine WHERE device_id = 'x' "
                           "AND entry = 'y'");
    std::string details;
    while (plan.executeStep()) details += plan.getColumn(3).getString() + "; ";
    EXPECT_NE(details.find("sync_quarantine_by_device"), std::string::npos) << details;
}

TEST_F(QuarantineTest, ListsAndShowsOnlyTheEventsEntriesNewestFirst) {
    Quarantine quarantine(*org);
    quarantine.add("dev-1", "first", "a", kT0);
    quarantine.add("dev-2", "elsewhere", "b", kT0);
    quarantine.add("dev-1", "second", "c", kT0 + 1);
    EXPECT_EQ(quarantine.countForEvent(eventId), 2);
    auto listed = quarantine.listForEvent(eventId, 10);
    ASSERT_EQ(listed.size(), 2u);
    EXPECT_EQ(listed[0].reason, "second");
    EXPECT_EQ(listed[1].reason, "first");
    EXPECT_EQ(quarantine.listForEvent(eventId, 1).size(), 1u);
    auto shown = quarantine.find(eventId, listed[1].seq);
    ASSERT_TRUE(shown);
    EXPECT_EQ(shown->entry, "a");
    EXPECT_EQ(shown->deviceId, "dev-1");
    auto other = quarantine.listForEvent(otherEventId, 10);
    ASSERT_EQ(other.size(), 1u);
    EXPECT_FALSE(quarantine.find(eventId, other[0].seq));
}

}  // namespace
}  // namespace admit::sync
