#include "admit/sync/store/enrolment_tokens.hpp"

#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>

#include "server_fixture.hpp"

namespace admit::sync {
namespace {

using testing::kT0;
using State = EnrolmentTokens::State;

class EnrolmentTokensTest : public testing::ServerFixture {};

TEST_F(EnrolmentTokensTest, IssuedTokenIsRandomAndStoredOnlyAsItsHash) {
    auto token = EnrolmentTokens(*org).issue(eventId, kT0);
    auto second = EnrolmentTokens(*org).issue(eventId, kT0);
    ASSERT_TRUE(token.ok() && second.ok());
    EXPECT_EQ(token->size(), 43u) << "32 bytes in base64url without padding";
    EXPECT_EQ(token->find_first_not_of(
                  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              std::string::npos);
    EXPECT_NE(*token, *second);
    EXPECT_EQ(count("SELECT count(*) FROM enrolment_tokens"), 2);
    SQLite::Statement row(*org,
                          "SELECT event_id, created_at, expires_at, used_at FROM "
                          "enrolment_tokens WHERE token_hash = ?");
    auto hash = tokenHash(*token);
    ASSERT_EQ(hash.size(), 32u);
    row.bind(1, hash.data(), static_cast<int>(hash.size()));
    ASSERT_TRUE(row.executeStep()) << "the row is found by the token's BLAKE2b hash";
    EXPECT_EQ(row.getColumn(0).getString(), eventId);
    EXPECT_EQ(row.getColumn(1).getInt64(), kT0);
    EXPECT_EQ(row.getColumn(2).getInt64(), kT0 + 7LL * 24 * 3600 * 1000);
    EXPECT_TRUE(row.getColumn(3).isNull());
    EXPECT_FALSE(EnrolmentTokens(*org).issue("0190a8c4-5e3b-7c2d-9f00-1a2b3c4d5e6f", kT0).ok());
}

TEST_F(EnrolmentTokensTest, TokenFromAFileIsRegisteredOnceAndRedeemable) {
    EXPECT_FALSE(EnrolmentTokens(*org).add(eventId, "short", kT0).ok());
    ASSERT_TRUE(EnrolmentTokens(*org).add(eventId, "printed-token-0123456789", kT0).ok());
    EXPECT_FALSE(EnrolmentTokens(*org).add(eventId, "printed-token-0123456789", kT0).ok());
    EXPECT_EQ(EnrolmentTokens(*org).state(tokenHash("printed-token-0123456789"), eventId, kT0),
              State::kRedeemable);
}

TEST_F(EnrolmentTokensTest, StateTellsRedeemableUsedExpiredAndOtherEventsApart) {
    EnrolmentTokens tokens(*org);
    auto token = tokens.issue(eventId, kT0);
    ASSERT_TRUE(token.ok());
    const Bytes hash = tokenHash(*token);
    EXPECT_EQ(tokens.state(hash, eventId, kT0), State::kRedeemable);
    EXPECT_EQ(tokens.state(hash, eventId, kT0 + kEnrolmentTokenLifetimeMs - 1), State::kRedeemable);
    EXPECT_EQ(tokens.state(hash, eventId, kT0 + kEnrolmentTokenLifetimeMs), State::kExpired);
    EXPECT_EQ(tokens.state(hash, otherEventId, kT0), State::kNotForEvent);
    EXPECT_EQ(tokens.state(tokenHash("never-issued-0123456789"), eventId, kT0),
              State::kNotForEvent);

    tokens.spend(hash, "device-1", kT0 + 5);
    EXPECT_EQ(tokens.state(hash, eventId, kT0 + 6), State::kUsed);
    SQLite::Statement row(*org, "SELECT used_at, used_by FROM enrolment_tokens");
    ASSERT_TRUE(row.executeStep());
    EXPECT_EQ(row.getColumn(0).getInt64(), kT0 + 5);
    EXPECT_EQ(row.getColumn(1).getString(), "device-1");
}

}  // namespace
}  // namespace admit::sync
