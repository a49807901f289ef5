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

TEST_F(EventsTest, NamePolicyWindowAndTimeZoneChange) {
    Events events(*db);
    EXPECT_EQ(events.settings(kEvent).timeZone, "UTC");
    EXPECT_FALSE(events.settings(kEvent).validFrom);
    ASSERT_TRUE(events.rename(kEvent, "Renamed Fest"));
    ASSERT_TRUE(events.setReentryPolicy(kEvent, ReentryPolicy::kAfterExit));
    ASSERT_TRUE(events.setSettings(kEvent, {100, 200, "Europe/London"}));
    EXPECT_EQ(events.find(kEvent)->name, "Renamed Fest");
    EXPECT_EQ(events.find(kEvent)->reentryPolicy, ReentryPolicy::kAfterExit);
    EventSettings settings = events.settings(kEvent);
    EXPECT_EQ(settings.validFrom, 100);
    EXPECT_EQ(settings.validUntil, 200);
    EXPECT_EQ(settings.timeZone, "Europe/London");
    ASSERT_TRUE(events.setSettings(kEvent, {std::nullopt, 200, "UTC"}));
    EXPECT_FALSE(events.settings(kEvent).validFrom) << "a side of the window opens again";
    EXPECT_FALSE(events.rename("no-such-event", "X"));
    EXPECT_FALSE(events.setSettings("no-such-event", {}));
}

TEST_F(EventsTest, TicketTypesAreRenamedAndGateRulesListed) {
    Events events(*db);
    ASSERT_TRUE(events.renameTicketType(kEvent, 2, "Backstage"));
    EXPECT_EQ(events.findTicketType(kEvent, 2)->name, "Backstage");
    EXPECT_FALSE(events.renameTicketType(kEvent, 9, "Nine"));
    EXPECT_TRUE(events.gateRules(kEvent).empty());
    events.allowTypeAtGate(kEvent, 2, "B");
    events.allowTypeAtGate(kEvent, 2, "A");
    auto rules = events.gateRules(kEvent);
    ASSERT_EQ(rules.size(), 2U);
    EXPECT_EQ(rules[0].gate, "A");
    EXPECT_EQ(rules[1].gate, "B");
    EXPECT_EQ(rules[1].ticketType, 2);
}

}  // namespace
}  // namespace admit::store
