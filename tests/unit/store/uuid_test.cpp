#include "admit/store/uuid.hpp"

#include <set>

#include <gtest/gtest.h>

namespace admit::store {
namespace {

TEST(Uuid, V7CarriesTheTimestampAndVersion) {
    std::string id = newUuidV7(0x0123456789ab);
    ASSERT_TRUE(isUuid(id)) << id;
    EXPECT_EQ(id.substr(0, 13), "01234567-89ab");
    EXPECT_EQ(id[14], '7');
    EXPECT_TRUE(id[19] == '8' || id[19] == '9' || id[19] == 'a' || id[19] == 'b');
}

TEST(Uuid, SortsByTimeAndIsUnique) {
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) seen.insert(newUuidV7(1000 + i / 10));
    EXPECT_EQ(seen.size(), 1000u);
    EXPECT_LT(newUuidV7(1000), newUuidV7(1001));
}

TEST(Uuid, IsUuidRejectsOtherText) {
    EXPECT_FALSE(isUuid(""));
    EXPECT_FALSE(isUuid("01234567-89ab-7def-8123-456789abcdeF"));
    EXPECT_FALSE(isUuid("0123456789ab-7def-8123-456789abcdef0"));
}

}  // namespace
}  // namespace admit::store
