// The meta table: named values that are read back, replaced, erased, and read as integers only
// when they are whole numbers.

#include "admit/store/meta.hpp"

#include <gtest/gtest.h>

#include "store_fixture.hpp"

namespace admit::store {
namespace {

using MetaTest = testing::DatabaseFixture;

TEST_F(MetaTest, ValuesAreWrittenReplacedAndErased) {
    EXPECT_FALSE(readMeta(*db, "sync.server_url"));
    writeMeta(*db, "sync.server_url", "http://127.0.0.1:8470");
    EXPECT_EQ(readMeta(*db, "sync.server_url"), "http://127.0.0.1:8470");
    writeMeta(*db, "sync.server_url", "http://127.0.0.1:9000");
    EXPECT_EQ(readMeta(*db, "sync.server_url"), "http://127.0.0.1:9000");
    eraseMeta(*db, "sync.server_url");
    EXPECT_FALSE(readMeta(*db, "sync.server_url"));
}

TEST_F(MetaTest, IntegersAreReadOnlyWhenWholeNumbers) {
    writeMeta(*db, "n", "-42");
    EXPECT_EQ(readMetaInt(*db, "n"), -42);
    writeMeta(*db, "n", "42x");
    EXPECT_FALSE(readMetaInt(*db, "n"));
    writeMeta(*db, "n", "");
    EXPECT_FALSE(readMetaInt(*db, "n"));
    EXPECT_FALSE(readMetaInt(*db, "absent"));
}

}  // namespace
}  // namespace admit::store
