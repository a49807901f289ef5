// The kiosk driven by the real scanning pipeline from generated phone frames: the same code held
// up for a second is one verdict; shown again after it left the view, it is a duplicate.

#include "admit/demo/demo_frames.hpp"
#include "admit/scan/image_folder_source.hpp"
#include "kiosk_fixture.hpp"

namespace admit::kiosk::testing {
namespace {

TEST_F(KioskTest, DebouncedScansFromTheCameraPipeline) {
    const auto& ticket = demo_.event.tickets.at(0);
    std::vector<DemoShot> story{
        {demo_.event.setupCode, "", false}, {ticket.text, "", false}, {ticket.text, "", false}};
    DemoScriptOptions script;
    script.framesPerShot = 20;  // one second at 20 fps: read many times, reported once
    script.framesBetween = 40;  // two seconds away: longer than the debounce
    script.frameSize = {640, 480};
    auto frames = dir_ / "frames";
    auto written = writeDemoFrames(story, frames, script);
    ASSERT_TRUE(written) << written.error().message;
    EXPECT_EQ(*written, 180);

    start(options(false),
          std::make_unique<scan::ImageFolderSource>(scan::ImageFolderOptions{frames, 20.0, false}));
    auto seen = until([this](const KioskState&) { return core_->finished(); });
    ASSERT_EQ(seen.size(), 3U);
    EXPECT_EQ(seen[0].code, "event_setup");
    EXPECT_EQ(seen[1].code, "accepted");
    EXPECT_EQ(seen[1].name, "Amelia Hughes");
    EXPECT_EQ(seen[2].code, "already_checked_in");
    EXPECT_EQ(core_->state().source.status, scan::SourceStatus::Finished);
    EXPECT_TRUE(core_->latestFrame().has_value());
}

}  // namespace
}  // namespace admit::kiosk::testing
