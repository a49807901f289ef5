#include "admit/store/statement_cache.hpp"

#include <gtest/gtest.h>

#include "admit/store/store.hpp"
#include "store_fixture.hpp"

namespace admit::store {
namespace {

using StatementCacheTest = testing::DatabaseFixture;

constexpr const char* kCountKeys = "SELECT count(*) FROM meta WHERE key = ?";

TEST_F(StatementCacheTest, PreparesEachStatementOnce) {
    StatementCache cache(*db);
    const SQLite::Statement* first = nullptr;
    {
        auto lease = cache.prepare(kCountKeys);
        first = &*lease;
    }
    auto again = cache.prepare(kCountKeys);
    EXPECT_EQ(&*again, first);
}

TEST_F(StatementCacheTest, ALeaseStartsWithoutTheLastCallersBindings) {
    StatementCache cache(*db);
    {
        auto lease = cache.prepare(kCountKeys);
        lease->bind(1, "device_id");
        ASSERT_TRUE(lease->executeStep());
        EXPECT_EQ(lease->getColumn(0).getInt(), 1);
    }
    auto lease = cache.prepare(kCountKeys);
    ASSERT_TRUE(lease->executeStep());
    EXPECT_EQ(lease->getColumn(0).getInt(), 0) << "the parameter must be NULL again";
}

// A SELECT stepped once and abandoned would keep its read snapshot; this connection would then
// not see what another connection commits.
TEST_F(StatementCacheTest, AnAbandonedQueryDoesNotHoldItsSnapshot) {
    StatementCache cache(*db);
    db->exec("INSERT INTO meta (key, value) VALUES ('a', '1'), ('b', '2')");
    {
        auto lease = cache.prepare("SELECT key FROM meta ORDER BY key");
        ASSERT_TRUE(lease->executeStep());  // one row read, more left
    }
    auto other = openPlainDatabase(dir.file("a.db"), OpenMode::kExisting);
    ASSERT_TRUE(other.ok());
    other->exec("INSERT INTO meta (key, value) VALUES ('c', '3')");
    auto count = cache.prepare("SELECT count(*) FROM meta WHERE key IN ('a', 'b', 'c')");
    ASSERT_TRUE(count->executeStep());
    EXPECT_EQ(count->getColumn(0).getInt(), 3);
}

TEST_F(StatementCacheTest, TheSameStatementLeasedTwiceAtOnceGivesTwoStatements) {
    StatementCache cache(*db);
    auto outer = cache.prepare(kCountKeys);
    auto inner = cache.prepare(kCountKeys);
    EXPECT_NE(&*outer, &*inner);
    outer->bind(1, "x");
    inner->bind(1, "y");
    EXPECT_TRUE(outer->executeStep());
    EXPECT_TRUE(inner->executeStep());
}

TEST_F(StatementCacheTest, InvalidSqlThrowsAndIsNotCached) {
    StatementCache cache(*db);
    EXPECT_THROW(cache.prepare("SELECT nothing FROM nowhere"), SQLite::Exception);
    EXPECT_THROW(cache.prepare("SELECT nothing FROM nowhere"), SQLite::Exception);
}

}  // namespace
}  // namespace admit::store
