// Storage failures are shown as a clear message; the kiosk does not crash or pretend.

#include <fstream>

#include "admit/kiosk/kiosk_database.hpp"
#include "admit/kiosk/strings.hpp"
#include "kiosk_fixture.hpp"

namespace admit::kiosk::testing {
namespace {

TEST_F(KioskTest, LockedDatabaseShowsNotSavedInsteadOfAVerdict) {
    start(options());
    untilOpen();
    {
        // Another writer holds the replica for longer than the busy timeout.
        auto other = openKioskDatabase({demo_.replica, demo_.keyFile});
        ASSERT_TRUE(other) << other.error().message;
        other->exec("BEGIN EXCLUSIVE");
        auto shown = scanCode(demo_.event.tickets.at(0).text);
        EXPECT_EQ(shown.kind, VerdictKind::kError);
        EXPECT_EQ(shown.code, "storage_error");
        EXPECT_FALSE(shown.accepted());
        EXPECT_EQ(shown.headline, text::kTryAgain);
        EXPECT_EQ(shown.reason, text::storageFailure());
        EXPECT_NE(shown.detail.find("locked"), std::string::npos) << shown.detail;
        other->exec("ROLLBACK");
    }
    // Nothing was recorded: the next scan is accepted.
    EXPECT_TRUE(scanCode(demo_.event.tickets.at(0).text).accepted());
}

TEST_F(KioskTest, MissingKeyFileShowsWhyTheKioskCannotStart) {
    auto o = options();
    o.database.keyFile = dir_ / "no-such.key";
    start(std::move(o));
    untilOpen();
    EXPECT_EQ(core_->state().screen, Screen::kFailed);
    EXPECT_NE(core_->state().failure.find(text::cannotOpenDatabase()), std::string::npos);
    EXPECT_NE(core_->state().failure.find("no-such.key"), std::string::npos);
    // Intents after a failed start are ignored, not crashes.
    core_->submitCode(demo_.event.tickets.at(0).text);
    core_->search("a");
    core_->refreshStats();
    until([this](const KioskState&) { return core_->finished(); });
    EXPECT_EQ(core_->state().verdictCount, 0U);
}

TEST_F(KioskTest, WrongKeyShowsAFailureWithoutTheKey) {
    auto wrongKey = dir_ / "wrong.key";
    {
        std::ofstream out(wrongKey, std::ios::binary);
        out << std::string(32, 'k');
    }
    std::filesystem::permissions(
        wrongKey, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    auto o = options();
    o.database.keyFile = wrongKey;
    start(std::move(o));
    untilOpen();
    EXPECT_EQ(core_->state().screen, Screen::kFailed);
    EXPECT_EQ(core_->state().failure.find(std::string(32, 'k')), std::string::npos);
}

}  // namespace
}  // namespace admit::kiosk::testing
