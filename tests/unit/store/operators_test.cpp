#include "admit/store/operators.hpp"

#include <gtest/gtest.h>

#include "store_fixture.hpp"

namespace admit::store {
namespace {

using OperatorsTest = admit::testing::DatabaseFixture;

TEST_F(OperatorsTest, StoresOnlyAnArgon2idHash) {
    Operators ops(*db);
    ASSERT_TRUE(ops.set("ann", Role::kOrganiser, "482916").ok());
    std::string stored = db->execAndGet("SELECT pin_hash FROM operators").getString();
    EXPECT_EQ(stored.rfind("$argon2id$", 0), 0u) << stored;
    EXPECT_EQ(stored.find("482916"), std::string::npos);
}

TEST_F(OperatorsTest, AnOperatorServesTheEventsTheyAreAllowedAt) {
    db->exec(
        "INSERT INTO events (id, name, blind_index_key, created_at) VALUES "
        "('e1', 'One', zeroblob(32), 1), ('e2', 'Two', zeroblob(32), 1)");
    Operators ops(*db);
    ASSERT_TRUE(ops.set("ann", Role::kOrganiser, "482916").ok());
    ASSERT_TRUE(ops.set("bob", Role::kVolunteer, "739151").ok());
    EXPECT_TRUE(ops.listForEvent("e1").empty()) << "nobody serves an event until allowed";
    ASSERT_TRUE(ops.allowAtEvent("ann", "e1").ok());
    ASSERT_TRUE(ops.allowAtEvent("ann", "e1").ok()) << "allowing twice is harmless";
    ASSERT_TRUE(ops.allowAtEvent("bob", "e2").ok());
    auto one = ops.listForEvent("e1");
    ASSERT_EQ(one.size(), 1u);
    EXPECT_EQ(one[0].name, "ann");
    EXPECT_FALSE(ops.allowAtEvent("nobody", "e1").ok());
    EXPECT_FALSE(ops.allowAtEvent("ann", "no-such-event").ok());
    // Removing an operator removes them from their events too.
    db->exec("DELETE FROM operators WHERE name = 'bob'");
    EXPECT_TRUE(ops.listForEvent("e2").empty());
    EXPECT_EQ(db->execAndGet("SELECT count(*) FROM operator_events").getInt(), 1);
}

TEST_F(OperatorsTest, AuthenticatesWithTheRightPin) {
    Operators ops(*db);
    ASSERT_TRUE(ops.set("ann", Role::kOrganiser, "482916").ok());
    auto who = ops.authenticate("ann", "482916", 1000);
    ASSERT_TRUE(who.ok());
    EXPECT_EQ(who->role, Role::kOrganiser);
    auto wrong = ops.authenticate("ann", "000000", 1000);
    ASSERT_FALSE(wrong.ok());
    EXPECT_EQ(wrong.error().failure, PinFailure::kWrongPin);
    auto nobody = ops.authenticate("bob", "482916", 1000);
    ASSERT_FALSE(nobody.ok());
    EXPECT_EQ(nobody.error().failure, PinFailure::kUnknownOperator);
}

TEST_F(OperatorsTest, RejectsPinsThatAreNotFourToTwelveDigits) {
    Operators ops(*db);
    EXPECT_FALSE(ops.set("ann", Role::kVolunteer, "123").ok());
    EXPECT_FALSE(ops.set("ann", Role::kVolunteer, "12a4").ok());
    EXPECT_FALSE(ops.set("ann", Role::kVolunteer, "1234567890123").ok());
    auto error = ops.set("ann", Role::kVolunteer, "99");
    ASSERT_FALSE(error.ok());
    EXPECT_EQ(error.error().message.find("99"), std::string::npos) << "PIN must not leak";
}

TEST_F(OperatorsTest, RepeatedWrongPinsLockOutWithGrowingDelay) {
    Operators ops(*db);
    ASSERT_TRUE(ops.set("vic", Role::kVolunteer, "1111").ok());
    std::int64_t now = 1'000'000;
    for (int i = 1; i < Operators::kFreeAttempts; ++i) {
        EXPECT_EQ(ops.authenticate("vic", "2222", now).error().failure, PinFailure::kWrongPin);
    }
    auto locked = ops.authenticate("vic", "2222", now);
    ASSERT_FALSE(locked.ok());
    EXPECT_EQ(locked.error().failure, PinFailure::kLockedOut);
    EXPECT_EQ(locked.error().retryAfterMs, Operators::kFirstLockMs);
    // Even the right PIN is refused while locked.
    EXPECT_EQ(ops.authenticate("vic", "1111", now + 1).error().failure, PinFailure::kLockedOut);
    // After the lock, another wrong PIN locks for twice as long.
    now += Operators::kFirstLockMs;
    auto longer = ops.authenticate("vic", "2222", now);
    EXPECT_EQ(longer.error().retryAfterMs, 2 * Operators::kFirstLockMs);
    now += 2 * Operators::kFirstLockMs;
    EXPECT_TRUE(ops.authenticate("vic", "1111", now).ok());
    // Success resets the count.
    EXPECT_EQ(ops.authenticate("vic", "2222", now).error().failure, PinFailure::kWrongPin);
}

TEST_F(OperatorsTest, LockDurationIsCapped) {
    EXPECT_EQ(Operators::lockDurationMs(2), 0);
    EXPECT_EQ(Operators::lockDurationMs(3), Operators::kFirstLockMs);
    EXPECT_EQ(Operators::lockDurationMs(4), 2 * Operators::kFirstLockMs);
    EXPECT_EQ(Operators::lockDurationMs(1000), Operators::kMaxLockMs);
}

TEST_F(OperatorsTest, SetPinResetLockoutAndRemove) {
    db->exec(
        "INSERT INTO events (id, name, blind_index_key, created_at) VALUES "
        "('e1', 'One', zeroblob(32), 1)");
    Operators ops(*db);
    ASSERT_TRUE(ops.set("ann", Role::kVolunteer, "482916").ok());
    ASSERT_TRUE(ops.allowAtEvent("ann", "e1").ok());
    for (int i = 0; i < Operators::kFreeAttempts; ++i) (void)ops.authenticate("ann", "0000", 1000);
    auto details = ops.details();
    ASSERT_EQ(details.size(), 1U);
    EXPECT_EQ(details[0].failedAttempts, Operators::kFreeAttempts);
    EXPECT_GT(details[0].lockedUntilMs, 1000);
    EXPECT_EQ(details[0].eventIds, std::vector<std::string>{"e1"});
    EXPECT_EQ(ops.authenticate("ann", "482916", 1001).error().failure, PinFailure::kLockedOut);

    ASSERT_TRUE(ops.resetLockout("ann"));
    EXPECT_EQ(ops.details()[0].lockedUntilMs, 0);
    EXPECT_TRUE(ops.authenticate("ann", "482916", 1002).ok());

    EXPECT_FALSE(ops.setPin("ann", "12").ok()) << "too short";
    ASSERT_TRUE(ops.setPin("ann", "555123").ok());
    EXPECT_EQ(ops.authenticate("ann", "482916", 1003).error().failure, PinFailure::kWrongPin);
    EXPECT_TRUE(ops.authenticate("ann", "555123", 1004).ok());
    auto unknown = ops.setPin("bob", "555123");
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.error().message, "there is no operator 'bob'");
    EXPECT_FALSE(ops.resetLockout("bob"));

    EXPECT_TRUE(ops.remove("ann"));
    EXPECT_FALSE(ops.remove("ann"));
    EXPECT_TRUE(ops.list().empty());
    EXPECT_EQ(db->execAndGet("SELECT count(*) FROM operator_events").getInt(), 0);
}

}  // namespace
}  // namespace admit::store
