#include "admit/store/events.hpp"

#include "store_fixture.hpp"

namespace admit::store {
namespace {

using EventsTest = admit::testing::StoreFixture;

TEST_F(EventsTest, CreatesAndFindsEvents) {
    Events events(*db);
    auto found = events.find(kEvent);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->name, "Test Fest");
    EXPECT_EQ(found->blindIndexKey, Bytes(32, 7));
    EXPECT_FALSE(events.find("nope"));
    EXPECT_EQ(events.list().size(), 1u);
}

TEST_F(EventsTest, KeysKeepSecretsOnlyWhenGiven) {
    Events events(*db);
    events.addKey(kEvent, {42, Bytes(32, 1), Bytes(32, 2)});
    events.addKey(kEvent, {43, Bytes(32, 3), std::nullopt});
    auto key = events.findKey(kEvent, 42);
    ASSERT_TRUE(key);
    EXPECT_EQ(key->publicKey, Bytes(32, 1));
    ASSERT_TRUE(key->secretSeed);
    EXPECT_FALSE(events.findKey(kEvent, 43)->secretSeed);
    EXPECT_FALSE(events.findKey(kEvent, 44));
    EXPECT_EQ(events.keys(kEvent).size(), 2u);
}

TEST_F(EventsTest, TicketTypesByCodeAndName) {
    Events events(*db);
    EXPECT_EQ(events.ticketTypes(kEvent).size(), 2u);
    EXPECT_EQ(events.findTicketType(kEvent, 2)->name, "VIP");
    EXPECT_EQ(events.findTicketTypeByName(kEvent, "vip")->code, 2);
    EXPECT_FALSE(events.findTicketTypeByName(kEvent, "Press"));
}

TEST_F(EventsTest, GateRestrictionsApplyOnlyToRestrictedTypes) {
    Events events(*db);
    EXPECT_TRUE(events.isTypeAllowedAtGate(kEvent, 2, "Main"));
    events.allowTypeAtGate(kEvent, 2, "VIP Door");
    EXPECT_FALSE(events.isTypeAllowedAtGate(kEvent, 2, "Main"));
    EXPECT_TRUE(events.isTypeAllowedAtGate(kEvent, 2, "vip door"));
    EXPECT_TRUE(events.isTypeAllowedAtGate(kEvent, 1, "Main"));
}

TEST(ReentryPolicy, ParsesItsNames) {
    for (auto p : {ReentryPolicy::kSingle, ReentryPolicy::kMultiple, ReentryPolicy::kAfterExit}) {
        EXPECT_EQ(*parseReentryPolicy(reentryPolicyName(p)), p);
    }
    EXPECT_FALSE(parseReentryPolicy("twice").ok());
}

}  // namespace
}  // namespace admit::store
