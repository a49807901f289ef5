#include "admit/store/pretix_settings.hpp"

#include <SQLiteCpp/Exception.h>

#include "store_fixture.hpp"

namespace admit::store {
namespace {

using PretixSettingsTest = admit::testing::StoreFixture;

TEST_F(PretixSettingsTest, KeysAreKeptOnceInTheOrderAdded) {
    PretixSettings pretix(*db);
    EXPECT_TRUE(pretix.keys(kEvent).empty());
    EXPECT_TRUE(pretix.addKey(kEvent, Bytes(32, 9)));
    EXPECT_TRUE(pretix.addKey(kEvent, Bytes(32, 4)));
    EXPECT_FALSE(pretix.addKey(kEvent, Bytes(32, 9)));
    EXPECT_EQ(pretix.keys(kEvent), (std::vector<Bytes>{Bytes(32, 9), Bytes(32, 4)}));
    EXPECT_TRUE(pretix.removeKey(kEvent, Bytes(32, 9)));
    EXPECT_FALSE(pretix.removeKey(kEvent, Bytes(32, 9)));
    EXPECT_EQ(pretix.keys(kEvent), std::vector<Bytes>{Bytes(32, 4)});
    EXPECT_THROW(pretix.addKey(kEvent, Bytes(31, 1)), SQLite::Exception);  // not an Ed25519 key
}

TEST_F(PretixSettingsTest, AnItemMapsToOneTicketTypeOfTheEvent) {
    PretixSettings pretix(*db);
    EXPECT_FALSE(pretix.typeForItem(kEvent, 42));
    pretix.mapItem(kEvent, 42, 2);
    pretix.mapItem(kEvent, 7, 1);
    EXPECT_EQ(pretix.typeForItem(kEvent, 42), 2);
    pretix.mapItem(kEvent, 42, 1);
    EXPECT_EQ(pretix.typeForItem(kEvent, 42), 1);
    auto all = pretix.itemTypes(kEvent);
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].item, 7);
    EXPECT_EQ(all[1].item, 42);
}

}  // namespace
}  // namespace admit::store
