// A keyboard-wedge handheld scanner against the real admit-kiosk in a virtual X display: xdotool
// types into the kiosk's window the way a USB scanner does (a whole code and Enter within a few
// milliseconds) and the kiosk's verdict lines on stdout say what it decided. Typing at a
// person's pace on the scanning screen decides nothing, a repeated read is dropped, and keys on
// the search screen go to the search, even at scanner speed. The same kiosk has a serial scanner
// (--scanner, a pseudo-terminal) that is missing at first, then plugged in: the scanning screen
// says so, and its codes are decided too.

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "admit/demo/demo_event.hpp"
#include "admit/demo/demo_frames.hpp"
#include "admit/store/clock.hpp"
#include "child_process.hpp"
#include "fake_serial_device.hpp"
#include "temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::seconds;

// The lines of `file` (the kiosk's shown-WxH.jsonl) so far, as JSON.
std::vector<nlohmann::json> shownViews(const fs::path& file) {
    std::vector<nlohmann::json> views;
    std::ifstream in(file);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty()) views.push_back(nlohmann::json::parse(line));
    }
    return views;
}

// Waits (a safety net, not a timing assertion) for a view whose screenshot file starts with
// `prefix` and, if given, whose search query is `query`.
bool waitForView(const fs::path& file, const std::string& prefix,
                 const std::optional<std::string>& query = std::nullopt) {
    auto end = std::chrono::steady_clock::now() + seconds(90);
    while (std::chrono::steady_clock::now() < end) {
        for (const auto& view : shownViews(file)) {
            if (!view["file"].get<std::string>().starts_with(prefix)) continue;
            if (!query || view.value("query", "") == *query) return true;
        }
        std::this_thread::sleep_for(milliseconds(100));
    }
    return false;
}

class Xdotool {
  public:
    explicit Xdotool(std::string display) : display_(std::move(display)) {}
    // Runs xdotool with `arguments`; how long it took.
    milliseconds run(const std::string& arguments) const {
        auto start = std::chrono::steady_clock::now();
        std::string command = "DISPLAY=" + display_ + " xdotool " + arguments;
        int status = std::system(command.c_str());
        EXPECT_EQ(status, 0) << command;
        return std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - start);
    }
    // Types `text` then Enter, one key every `delayMs` milliseconds (0: as fast as X takes them).
    // xdotool types "\r" with the Return key ("\n" is Linefeed, a key scanners do not send).
    milliseconds type(const std::string& text, int delayMs) const {
        return run("type --delay " + std::to_string(delayMs) + " '" + text + "\r'");
    }

  private:
    std::string display_;
};

// Verdict lines the kiosk prints within `within` (a quiet period: nothing else is expected).
std::vector<nlohmann::json> verdictsWithin(admit::testing::Child& kiosk, milliseconds within) {
    std::vector<nlohmann::json> verdicts;
    auto end = std::chrono::steady_clock::now() + within;
    for (;;) {
        auto left =
            std::chrono::duration_cast<milliseconds>(end - std::chrono::steady_clock::now());
        if (left <= milliseconds(0)) break;
        auto line = kiosk.readLine(left);
        if (!line) break;
        auto json = nlohmann::json::parse(*line);
        if (json.contains("accepted")) verdicts.push_back(json);
    }
    return verdicts;
}

// The next verdict line (a safety net of 30 s).
std::optional<nlohmann::json> nextVerdict(admit::testing::Child& kiosk) {
    for (;;) {
        auto line = kiosk.readLine(seconds(30));
        if (!line) return std::nullopt;
        auto json = nlohmann::json::parse(*line);
        if (json.contains("accepted")) return json;
    }
}

TEST(KioskWedge, ScannerSpeedIsAScanTypingIsNotAndSearchKeepsItsKeys) {
    ASSERT_EQ(std::system("command -v xdotool > /dev/null"), 0)
        << "xdotool is not installed (scripts/install-deps.sh installs it)";
    admit::testing::TempDir dir;
    auto demo = admit::kiosk::provisionDemo(dir / "demo", admit::store::systemTimeMs());
    ASSERT_TRUE(demo) << demo.error().message;
    // A camera that shows nothing: every verdict comes from the keyboard.
    admit::kiosk::DemoScriptOptions script;
    script.framesPerShot = 3;
    script.framesBetween = 0;
    script.frameSize = {640, 480};
    ASSERT_TRUE(admit::kiosk::writeDemoFrames({{"", "", false}}, dir / "camera", script));

    // The X server says which display it took on its standard output.
    admit::testing::Child xvfb(
        {"/usr/bin/Xvfb", "-displayfd", "1", "-screen", "0", "1024x768x24", "-nolisten", "tcp"},
        dir / "xvfb.err");
    ASSERT_TRUE(xvfb.started());
    auto number = xvfb.readLine(seconds(30));
    ASSERT_TRUE(number) << "Xvfb did not start";
    std::string display = ":" + *number;
    ASSERT_EQ(setenv("DISPLAY", display.c_str(), 1), 0);
    auto shots = dir / "shots";
    admit::testing::Child kiosk(
        {ADMIT_KIOSK_BIN, "--windowed", "--size", "800x480", "--db", demo->replica.string(),
         "--key-file", demo->keyFile.string(), "--source-folder", (dir / "camera").string(),
         "--mute", "--screenshot-dir", shots.string(), "--scanner", (dir / "scanner").string()},
        dir / "kiosk.err");
    ASSERT_TRUE(kiosk.started());
    auto shown = shots / "shown-800x480.jsonl";
    ASSERT_TRUE(waitForView(shown, "scanning")) << "the scanning screen never showed";
    Xdotool x(display);
    // No window manager: keys go where the pointer is.
    x.run("mousemove 400 200");

    const std::string amelia = demo->event.tickets.at(0).text;
    const std::string oliver = demo->event.tickets.at(1).text;

    // A person typing a code on the scanning screen: nothing is decided.
    x.type("AT1:TYPED", 150);
    EXPECT_TRUE(verdictsWithin(kiosk, milliseconds(1500)).empty());

    // A scanner: the whole code and Enter at once, twice (the trigger pulled twice): one verdict.
    auto took = x.type(amelia, 0);
    std::cout << "typed " << amelia.size() + 1 << " keys in " << took.count() << " ms\n";
    auto first = nextVerdict(kiosk);
    ASSERT_TRUE(first) << "no verdict for the scanned code";
    EXPECT_EQ((*first)["accepted"], true);
    EXPECT_EQ((*first)["name"], "Amelia Hughes");
    x.type(amelia, 0);
    EXPECT_TRUE(verdictsWithin(kiosk, milliseconds(1000)).empty()) << "a repeat was decided";
    // The next person's code, while the verdict is still on screen.
    x.type(oliver, 0);
    auto second = nextVerdict(kiosk);
    ASSERT_TRUE(second);
    EXPECT_EQ((*second)["name"], "Oliver Bennett");

    // The serial scanner: "Scanner disconnected" until it is plugged in, then its codes count.
    ASSERT_TRUE(waitForView(shown, "scanning-scanner-disconnected"));
    admit::testing::FakeSerialDevice serial(dir / "scanner");
    ASSERT_TRUE(serial.ok());
    ASSERT_TRUE(waitForView(shown, "scanning-scanner-800x480"));
    ASSERT_TRUE(serial.send(demo->event.tickets.at(3).text + "\r\n"));
    auto third = nextVerdict(kiosk);
    ASSERT_TRUE(third);
    EXPECT_EQ((*third)["name"], "Mateo Garcia");

    // Search: keys typed there go into the search, even at a scanner's speed with Enter.
    std::this_thread::sleep_for(seconds(3));  // the verdict has gone
    x.run("mousemove 130 445 click 1");
    ASSERT_TRUE(waitForView(shown, "search")) << "the search screen never showed";
    x.type("amelia", 0);
    ASSERT_TRUE(waitForView(shown, "search-results", "amelia"))
        << "the typed name did not reach the search";
    EXPECT_TRUE(verdictsWithin(kiosk, milliseconds(500)).empty());
    EXPECT_TRUE(kiosk.running());
    fs::create_directories(ADMIT_UI_OUT);
    for (const auto& entry : fs::directory_iterator(shots)) {
        if (entry.path().filename().string().starts_with("scanning-scanner")) {
            fs::copy_file(entry.path(), fs::path(ADMIT_UI_OUT) / entry.path().filename(),
                          fs::copy_options::overwrite_existing);
        }
    }
}

}  // namespace
