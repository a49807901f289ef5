// What --headless adds for benchmarks and supervisors: the "ready" signal once the kiosk can scan,
// and the frame-to-verdict timing carried by verdicts read through the scanning pipeline. Verdict
// lines bound for the journal leave the attendee's name and note out.

#include <fcntl.h>
#include <sys/stat.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "admit/base/unique_fd.hpp"
#include "admit/demo/demo_frames.hpp"
#include "admit/kiosk/journal_stream.hpp"
#include "admit/kiosk/verdict_json.hpp"
#include "admit/scan/image_folder_source.hpp"
#include "kiosk_fixture.hpp"

namespace admit::kiosk::testing {
namespace {

TEST_F(KioskTest, ReadyOnceTheReplicaIsOpenAndTheEventLoaded) {
    auto frames = dir_ / "frames";
    auto written = writeDemoFrames({{"", "", false}}, frames, {1, 0, {320, 240}});
    ASSERT_TRUE(written) << written.error().message;
    start(options(),
          std::make_unique<scan::ImageFolderSource>(scan::ImageFolderOptions{frames, 30.0, false}));
    EXPECT_FALSE(core_->state().ready);  // nothing drained yet
    until([](const KioskState& s) { return s.ready; });
    EXPECT_EQ(core_->state().screen, Screen::kScanning);
    ASSERT_TRUE(core_->state().event);

    auto line = nlohmann::json::parse(readyJsonLine(core_->state()));
    EXPECT_EQ(line["kind"], "ready");
    EXPECT_EQ(line["screen"], "scanning");
    EXPECT_EQ(line["event"], "Harbour Lights Festival");
    EXPECT_EQ(line["gate"], "B");
    EXPECT_EQ(line["source"], "folder " + frames.string());
}

TEST_F(KioskTest, ReadyOnlyOnceTheCameraTheSettingsNameIsScanning) {
    auto frames = dir_ / "frames";
    auto written = writeDemoFrames({{"", "", false}}, frames, {1, 0, {320, 240}});
    ASSERT_TRUE(written) << written.error().message;
    auto o = options();
    o.cameraFromSettings = true;  // the pipeline starts after the settings are read
    o.openCamera = [frames](const std::string&) -> std::unique_ptr<scan::FrameSource> {
        return std::make_unique<scan::ImageFolderSource>(
            scan::ImageFolderOptions{frames, 30.0, false});
    };
    start(std::move(o));
    until([](const KioskState& s) { return s.ready; });
    EXPECT_TRUE(core_->state().settingsLoaded);
    EXPECT_EQ(core_->state().cameraDescription, "folder " + frames.string());
}

TEST_F(KioskTest, NeverReadyWhenTheReplicaCannotBeOpened) {
    auto o = options();
    o.database.keyFile = dir_ / "no-such.key";
    start(std::move(o));
    untilOpen();
    until([this](const KioskState&) { return core_->finished(); });
    EXPECT_EQ(core_->state().screen, Screen::kFailed);
    EXPECT_FALSE(core_->state().ready);
}

TEST_F(KioskTest, PipelineVerdictsCarryTheirFrameTiming) {
    const auto& ticket = demo_.event.tickets.at(0);
    DemoScriptOptions script;
    script.framesPerShot = 3;
    script.framesBetween = 2;
    script.frameSize = {640, 480};
    auto frames = dir_ / "frames";
    auto written = writeDemoFrames({{ticket.text, "", false}}, frames, script);
    ASSERT_TRUE(written) << written.error().message;

    const auto before = std::chrono::steady_clock::now();
    start(options(),
          std::make_unique<scan::ImageFolderSource>(scan::ImageFolderOptions{frames, 20.0, false}));
    auto seen = until([this](const KioskState&) { return core_->finished(); });
    const auto after = std::chrono::steady_clock::now();
    ASSERT_EQ(seen.size(), 1U);
    const ShownVerdict& scanned = seen[0];
    EXPECT_EQ(scanned.code, "accepted");
    ASSERT_TRUE(scanned.frameCaptured);
    EXPECT_GE(*scanned.frameCaptured, before);
    EXPECT_GE(scanned.decidedAt, *scanned.frameCaptured);
    EXPECT_LE(scanned.decidedAt, after);
    EXPECT_GT(scanned.readDuration.count(), 0);
    EXPECT_LE(scanned.readDuration, scanned.decidedAt - *scanned.frameCaptured);

    auto line =
        nlohmann::json::parse(verdictJsonLine(scanned, core_->state(), PersonalData::kIncluded));
    EXPECT_EQ(line["frame_to_verdict_us"].get<std::int64_t>(),
              std::chrono::duration_cast<std::chrono::microseconds>(scanned.decidedAt -
                                                                    *scanned.frameCaptured)
                  .count());
    EXPECT_EQ(line["read_us"].get<std::int64_t>(), scanned.readDuration.count());

    // A typed code (keyboard wedge) has no frame: no timing, and none left over from the scan.
    auto typed = scanCode(demo_.event.tickets.at(2).text);
    EXPECT_EQ(typed.code, "accepted");
    EXPECT_FALSE(typed.frameCaptured);
    auto typedLine =
        nlohmann::json::parse(verdictJsonLine(typed, core_->state(), PersonalData::kIncluded));
    EXPECT_FALSE(typedLine.contains("frame_to_verdict_us"));
    EXPECT_FALSE(typedLine.contains("read_us"));
}

TEST_F(KioskTest, VerdictLinesLeaveOutTheNameAndTheNoteWhenAskedTo) {
    start(options());
    untilOpen();
    auto shown = scanCode(demo_.event.attention.text);
    ASSERT_EQ(shown.name, demo_.event.attention.name);
    ASSERT_FALSE(shown.note.empty());
    auto full =
        nlohmann::json::parse(verdictJsonLine(shown, core_->state(), PersonalData::kIncluded));
    EXPECT_EQ(full["name"], shown.name);
    EXPECT_EQ(full["note"], shown.note);
    auto plain =
        nlohmann::json::parse(verdictJsonLine(shown, core_->state(), PersonalData::kLeftOut));
    EXPECT_FALSE(plain.contains("name"));
    EXPECT_FALSE(plain.contains("note"));
    // What the line is for stays: the outcome, the ticket, the gate and the time.
    for (const char* key : {"code", "ticket_ref", "ticket_type", "gate", "at_ms", "direction"}) {
        EXPECT_EQ(plain[key], full[key]) << key;
    }
}

TEST(JournalStream, OnlyTheDescriptorJournalStreamNamesIsTheJournal) {
    admit::testing::TempDir dir;
    std::ofstream(dir / "a") << "";
    std::ofstream(dir / "b") << "";
    UniqueFd a(open((dir / "a").c_str(), O_RDONLY | O_CLOEXEC));
    UniqueFd b(open((dir / "b").c_str(), O_RDONLY | O_CLOEXEC));
    struct stat st {};
    ASSERT_EQ(fstat(a.get(), &st), 0);
    std::string stream = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
    EXPECT_TRUE(isJournalStream(a.get(), stream.c_str()));
    EXPECT_FALSE(isJournalStream(b.get(), stream.c_str())) << "inherited, output elsewhere";
    EXPECT_FALSE(isJournalStream(a.get(), nullptr));
    for (const char* bad : {"", ":", "12", "12:", ":34", "x:1", "1:2:3", "1:2 "}) {
        EXPECT_FALSE(isJournalStream(a.get(), bad)) << bad;
    }
}

}  // namespace
}  // namespace admit::kiosk::testing
