// The real kiosk in a virtual X display (xvfb-run), fed the demo's generated phone frames: what it
// decided (its JSON lines), what it showed (screenshots and their captions), at 800x480 and
// 1920x1080.

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "temp_dir.hpp"

namespace {

namespace fs = std::filesystem;

struct Run {
    int exitCode = -1;
    std::vector<nlohmann::json> verdicts;
    std::map<std::string, nlohmann::json> shown;  // screenshot file -> what it showed
    fs::path screens;
};

Run runKiosk(const std::string& name, const std::string& arguments, int expectedExit = 0) {
    Run run;
    admit::testing::TempDir work;
    run.screens = fs::path(ADMIT_UI_OUT);
    fs::create_directories(run.screens);
    // Under ASan, leak checking is off for this process only: Mesa's software renderer, loaded
    // with dlopen, leaks a few bytes that LSan attributes to our executable, so they cannot be
    // suppressed by library. The kiosk core's own leaks are checked by admit_kiosk_tests.
    std::string command =
        "ASAN_OPTIONS=${ASAN_OPTIONS:-}:detect_leaks=0 timeout 400 "
        "xvfb-run -a -s '-screen 0 1920x1080x24' " +
        std::string(ADMIT_KIOSK_BIN) + " " + arguments + " --mute" + " --state-dir " +
        (work / "state").string() + " --screenshot-dir " + (work / "shots").string() +
        " --quit-when-done > " + (work / "out.jsonl").string() + " 2> " +
        (work / "err.txt").string();
    int status = std::system(command.c_str());
    run.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream out(work / "out.jsonl");
    for (std::string line; std::getline(out, line);) {
        run.verdicts.push_back(nlohmann::json::parse(line));
    }
    if (fs::exists(work / "shots")) {
        for (const auto& entry : fs::directory_iterator(work / "shots")) {
            if (entry.path().extension() == ".png") {
                fs::copy_file(entry.path(), run.screens / entry.path().filename(),
                              fs::copy_options::overwrite_existing);
            } else if (entry.path().extension() == ".jsonl") {
                std::ifstream in(entry.path());
                for (std::string line; std::getline(in, line);) {
                    auto json = nlohmann::json::parse(line);
                    run.shown[json["file"].get<std::string>()] = json;
                }
            }
        }
    }
    std::ifstream err(work / "err.txt");
    std::string errors((std::istreambuf_iterator<char>(err)), std::istreambuf_iterator<char>());
    EXPECT_EQ(run.exitCode, expectedExit) << name << " stderr:\n" << errors;
    return run;
}

// Mean colour (B, G, R) of a band across the upper part of the picture (the verdict background).
cv::Scalar bandColour(const cv::Mat& image) {
    cv::Rect band(0, image.rows / 20, image.cols / 8, image.rows / 10);
    return cv::mean(image(band));
}

void checkDemoRun(const Run& run, int width, int height) {
    std::string size = "-" + std::to_string(width) + "x" + std::to_string(height) + ".png";
    std::vector<std::string> codes;
    for (const auto& v : run.verdicts)
        codes.push_back(v["kind"].get<std::string>() + ":" + v["code"].get<std::string>());
    // The demo story: event code, three valid tickets (one with a note), the first again, a
    // refunded ticket, another event's, an unreadable code (no verdict), a URL, a valid one.
    std::vector<std::string> expected{
        "setup:event_setup",  "accepted:accepted",         "attention:accepted",
        "accepted:accepted",  "denied:already_checked_in", "denied:revoked",
        "denied:other_event", "denied:unknown_ticket",     "accepted:accepted"};
    EXPECT_EQ(codes, expected);
    ASSERT_EQ(run.verdicts.size(), expected.size());
    EXPECT_EQ(run.verdicts[1]["name"], "Amelia Hughes");
    EXPECT_EQ(run.verdicts[2]["note"], "Wheelchair user: offer the step-free route");
    EXPECT_EQ(run.verdicts.back()["pending_uploads"], 4);

    for (const char* screen :
         {"setup", "scanning", "verdict-setup-event_setup", "verdict-accepted-accepted",
          "verdict-attention-accepted", "verdict-denied-already_checked_in",
          "verdict-denied-revoked", "verdict-denied-other_event", "verdict-denied-unknown_ticket",
          "search-results", "search-confirm", "pin", "dashboard", "settings"}) {
        auto file = run.screens / (std::string(screen) + size);
        cv::Mat image = cv::imread(file.string());
        ASSERT_FALSE(image.empty()) << "no screenshot " << file;
        EXPECT_EQ(image.cols, width) << file;
        EXPECT_EQ(image.rows, height) << file;
    }
    // Colour and words: green welcome, red refusal with the reason, amber note.
    auto green =
        bandColour(cv::imread((run.screens / ("verdict-accepted-accepted" + size)).string()));
    EXPECT_GT(green[1], green[2] + 40);
    auto red = bandColour(
        cv::imread((run.screens / ("verdict-denied-already_checked_in" + size)).string()));
    EXPECT_GT(red[2], red[1] + 80);
    auto amber =
        bandColour(cv::imread((run.screens / ("verdict-attention-accepted" + size)).string()));
    EXPECT_GT(amber[2], 200);
    EXPECT_GT(amber[1], 130);
    EXPECT_LT(amber[0], 60);

    const auto& denied = run.shown.at("verdict-denied-already_checked_in" + size);
    EXPECT_EQ(denied["headline"], "NOT ADMITTED");
    EXPECT_EQ(denied["name"], "Amelia Hughes");
    EXPECT_EQ(denied["reason"].get<std::string>().rfind("Already checked in at ", 0), 0U);
    EXPECT_NE(denied["reason"].get<std::string>().find(", Gate A"), std::string::npos);
    const auto& welcome = run.shown.at("verdict-accepted-accepted" + size);
    EXPECT_EQ(welcome["headline"], "WELCOME");
}

TEST(KioskUi, DemoFlowAt800x480) {
    auto run = runKiosk("small", "--demo --windowed --size 800x480 --tour");
    checkDemoRun(run, 800, 480);
}

TEST(KioskUi, DemoFlowFullscreenAt1920x1080) {
    auto run = runKiosk("large", "--demo --tour");
    checkDemoRun(run, 1920, 1080);
}

TEST(KioskUi, ReadOnlyDashboardMode) {
    auto run = runKiosk("dashboard", "--demo --mode dashboard --windowed --size 1280x800");
    EXPECT_TRUE(run.verdicts.empty());
    cv::Mat image = cv::imread((run.screens / "dashboard-readonly-1280x800.png").string());
    ASSERT_FALSE(image.empty());
    EXPECT_EQ(run.shown.at("dashboard-readonly-1280x800.png")["screen"], "dashboard");
}

TEST(KioskUi, UnopenableReplicaShowsWhyInsteadOfCrashing) {
    admit::testing::TempDir empty;
    auto run = runKiosk("failed",
                        "--windowed --size 800x480 --db /nonexistent/kiosk.replica "
                        "--key-file /nonexistent/kiosk.key --source-folder " +
                            empty.path().string(),
                        2);
    EXPECT_TRUE(run.verdicts.empty());
    cv::Mat image = cv::imread((run.screens / "failed-800x480.png").string());
    ASSERT_FALSE(image.empty());
    auto colour = bandColour(image);
    EXPECT_GT(colour[2], colour[1] + 80);  // red
}

}  // namespace
