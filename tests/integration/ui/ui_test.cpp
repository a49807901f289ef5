// The real kiosk in a virtual X display (xvfb-run), fed the demo's generated phone frames: what it
// decided (its JSON lines), what it showed (screenshots and their captions), at 800x480 and
// 1920x1080, in portrait at 480x800 and 1080x1920, and at 3840x2160. The gate is renamed in the
// settings and is still the gate after a restart. With the real admit-server on 127.0.0.1: the
// status bar online and offline; and a damaged replica's re-sync screen.

#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "admit/demo/demo_event.hpp"
#include "admit/demo/demo_frames.hpp"
#include "admit/replica/replica.hpp"
#include "admit/replica/replica_key.hpp"
#include "admit/store/clock.hpp"
#include "admit/store/schema.hpp"
#include "admit/sync/store/enrolment_tokens.hpp"
#include "admit/sync/store/server_store.hpp"
#include "admit/ticket/event_setup.hpp"
#include "child_process.hpp"
#include "self_signed_certificate.hpp"
#include "temp_dir.hpp"

namespace {

namespace fs = std::filesystem;

struct Run {
    int exitCode = -1;
    std::vector<nlohmann::json> verdicts;
    std::map<std::string, nlohmann::json> shown;  // screenshot file -> what it showed
    std::vector<nlohmann::json> views;            // the same, in the order shown
    fs::path screens;
};

struct RunOptions {
    std::string screen = "1920x1080";  // the virtual display (fullscreen runs take its size)
    int expectedExit = 0;
    std::optional<fs::path> stateDir;  // kept after the run (default: a temporary one)
    bool keepScreens = true;           // copy the screenshots to ADMIT_UI_OUT
};

Run runKiosk(const std::string& name, const std::string& arguments, RunOptions how = {}) {
    Run run;
    admit::testing::TempDir work;
    fs::path state = how.stateDir ? *how.stateDir : work / "state";
    run.screens = fs::path(ADMIT_UI_OUT);
    fs::create_directories(run.screens);
    // Under ASan, leak checking is off for this process only: Mesa's software renderer, loaded
    // with dlopen, leaks a few bytes that LSan attributes to our executable, so they cannot be
    // suppressed by library. The kiosk core's own leaks are checked by admit_kiosk_tests.
    // The X authority file lives in our own temporary folder (-f): xvfb-run's own folder for
    // it once failed to clean up in CI and turned the kiosk's exit status into its own 5.
    std::string command =
        "ASAN_OPTIONS=${ASAN_OPTIONS:-}:detect_leaks=0 timeout 400 "
        "xvfb-run -a -f " +
        (work / "Xauthority").string() + " -s '-screen 0 " + how.screen + "x24' " +
        std::string(ADMIT_KIOSK_BIN) + " " + arguments + " --mute" + " --state-dir " +
        state.string() + " --screenshot-dir " + (work / "shots").string() + " --quit-when-done > " +
        (work / "out.jsonl").string() + " 2> " + (work / "err.txt").string();
    int status = std::system(command.c_str());
    run.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream out(work / "out.jsonl");
    for (std::string line; std::getline(out, line);) {
        run.verdicts.push_back(nlohmann::json::parse(line));
    }
    if (fs::exists(work / "shots")) {
        for (const auto& entry : fs::directory_iterator(work / "shots")) {
            if (entry.path().extension() == ".png" && how.keepScreens) {
                fs::copy_file(entry.path(), run.screens / entry.path().filename(),
                              fs::copy_options::overwrite_existing);
            } else if (entry.path().extension() == ".jsonl") {
                std::ifstream in(entry.path());
                for (std::string line; std::getline(in, line);) {
                    auto json = nlohmann::json::parse(line);
                    run.shown[json["file"].get<std::string>()] = json;
                    run.views.push_back(json);
                }
            }
        }
    }
    std::ifstream err(work / "err.txt");
    std::string errors((std::istreambuf_iterator<char>(err)), std::istreambuf_iterator<char>());
    EXPECT_EQ(run.exitCode, how.expectedExit) << name << " stderr:\n" << errors;
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
    // refunded ticket, another event's, an unreadable code (no verdict), a URL, a valid one;
    // then the tour's exit kiosk marks the first one's exit from the search.
    std::vector<std::string> expected{"setup:event_setup",         "accepted:accepted",
                                      "attention:accepted",        "accepted:accepted",
                                      "denied:already_checked_in", "denied:revoked",
                                      "denied:other_event",        "denied:unknown_ticket",
                                      "accepted:accepted",         "accepted:accepted"};
    EXPECT_EQ(codes, expected);
    ASSERT_EQ(run.verdicts.size(), expected.size());
    EXPECT_EQ(run.verdicts[1]["name"], "Amelia Hughes");
    EXPECT_EQ(run.verdicts[2]["note"], "Wheelchair user: offer the step-free route");
    // Offline, every record waits for the server: four check-ins and the four denials before.
    EXPECT_EQ(run.verdicts[8]["pending_uploads"], 8);
    EXPECT_EQ(run.verdicts.back()["name"], "Amelia Hughes");
    EXPECT_EQ(run.verdicts.back()["direction"], "exit");
    EXPECT_EQ(run.verdicts.back()["via"], "search");

    // Every view of the demo and the tour was shown, at this size, once.
    const std::vector<std::string> views{"setup",
                                         "scanning",
                                         "verdict-setup-event_setup",
                                         "verdict-accepted-accepted",
                                         "verdict-attention-accepted",
                                         "verdict-denied-already_checked_in",
                                         "verdict-denied-revoked",
                                         "verdict-denied-other_event",
                                         "verdict-denied-unknown_ticket",
                                         "search-results-exit",
                                         "search-results",
                                         "search-results-nokeys",
                                         "search-results-refused",
                                         "search-confirm",
                                         "pin",
                                         "dashboard",
                                         "settings-gate",
                                         "settings"};
    for (const auto& view : views) {
        auto file = view + size;
        ASSERT_EQ(run.shown.count(file), 1U) << "never shown: " << file;
        EXPECT_EQ(run.shown.at(file)["width"], width) << file;
        EXPECT_EQ(run.shown.at(file)["height"], height) << file;
        cv::Mat image = cv::imread((run.screens / file).string());
        ASSERT_FALSE(image.empty()) << "no screenshot " << file;
        EXPECT_EQ(image.cols, width) << file;
        EXPECT_EQ(image.rows, height) << file;
    }
    // The tour typed a new gate name in the settings' editor and saved it.
    EXPECT_EQ(run.shown.at("settings-gate" + size)["gate"], "A");
    EXPECT_EQ(run.shown.at("settings" + size)["gate"], "North 2");
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

TEST(KioskUi, DemoFlowAt800x480AndTheRenamedGateAfterARestart) {
    admit::testing::TempDir keep;
    RunOptions how;
    how.stateDir = keep / "state";
    auto run = runKiosk("small", "--demo --windowed --size 800x480 --tour", how);
    checkDemoRun(run, 800, 480);

    // Restarted on the same replica (not as the demo, which makes a new one): the gate name
    // typed in the settings is still the gate. A few frames of the demo video as the camera.
    std::vector<fs::path> frames;
    for (const auto& entry : fs::directory_iterator(keep / "state" / "frames")) {
        frames.push_back(entry.path());
    }
    std::sort(frames.begin(), frames.end());
    ASSERT_GE(frames.size(), 3U);
    fs::create_directories(keep / "camera");
    for (std::size_t i = 0; i < 3; ++i) {
        fs::copy_file(frames[i], keep / "camera" / frames[i].filename());
    }
    RunOptions again;
    again.stateDir = keep / "unused";
    again.keepScreens = false;
    auto restarted = runKiosk("restart",
                              "--windowed --size 800x480 --db " +
                                  (keep / "state" / "demo-kiosk.replica").string() +
                                  " --key-file " + (keep / "state" / "demo-kiosk.key").string() +
                                  " --source-folder " + (keep / "camera").string(),
                              again);
    ASSERT_EQ(restarted.shown.count("scanning-800x480.png"), 1U);
    EXPECT_EQ(restarted.shown.at("scanning-800x480.png")["gate"], "North 2");
    EXPECT_EQ(restarted.shown.at("scanning-800x480.png")["direction"], "entry");
}

TEST(KioskUi, DemoFlowFullscreenAt1920x1080) {
    auto run = runKiosk("large", "--demo --tour");
    checkDemoRun(run, 1920, 1080);
}

// Portrait: a small windowed screen and a full-HD one on its side.
TEST(KioskUi, DemoFlowPortraitAt480x800) {
    auto run = runKiosk("portrait", "--demo --windowed --size 480x800 --tour");
    checkDemoRun(run, 480, 800);
}

TEST(KioskUi, DemoFlowPortraitFullscreenAt1080x1920) {
    RunOptions how;
    how.screen = "1080x1920";
    auto run = runKiosk("portrait-hd", "--demo --tour", how);
    checkDemoRun(run, 1080, 1920);
}

// 4K under Xvfb: the same story; the demo video (about 40 s) dominates the run time, not the
// size (about 50 s against 45 s at 800x480 on a 2-core machine).
TEST(KioskUi, DemoFlowFullscreenAt4K) {
    RunOptions how;
    how.screen = "3840x2160";
    auto started = std::chrono::steady_clock::now();
    auto run = runKiosk("4k", "--demo --tour", how);
    checkDemoRun(run, 3840, 2160);
    auto seconds = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::steady_clock::now() - started);
    RecordProperty("seconds", static_cast<int>(seconds.count()));
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
                        RunOptions{"1920x1080", 1, std::nullopt, true});  // exit 1: failure
    EXPECT_TRUE(run.verdicts.empty());
    cv::Mat image = cv::imread((run.screens / "failed-800x480.png").string());
    ASSERT_FALSE(image.empty());
    auto colour = bandColour(image);
    EXPECT_GT(colour[2], colour[1] + 80);  // red
}

// Camera frames: the codes given (none: a few empty frames, a picture for the preview).
fs::path writeFrames(const fs::path& folder, const std::vector<std::string>& codes) {
    std::vector<admit::kiosk::DemoShot> shots;
    for (const auto& code : codes) shots.push_back({code, "", false});
    if (shots.empty()) shots.push_back({"", "", false});
    admit::kiosk::DemoScriptOptions script;
    script.framesPerShot = codes.empty() ? 3 : 4;
    script.framesBetween = codes.empty() ? 0 : 40;  // 4 s at 10 fps: enrolment and first round
    script.frameSize = {640, 480};
    auto written = admit::kiosk::writeDemoFrames(shots, folder, script);
    EXPECT_TRUE(written) << written.error().message;
    return folder;
}

// Flips a byte in the middle of the replica's first page: it no longer authenticates. (Writing a
// fixed value instead left the page intact whenever the ciphertext byte already had it: one run
// in 256, where the kiosk opened the replica and the test waited for a damage screen.)
void damageFirstPage(const fs::path& replica) {
    std::fstream f(replica, std::ios::in | std::ios::out | std::ios::binary);
    std::array<unsigned char, 18> head{};
    f.read(reinterpret_cast<char*>(head.data()), head.size());
    std::size_t pageSize = static_cast<std::size_t>(head[16] << 8 | head[17]);
    if (pageSize == 1) pageSize = 65536;
    const auto at = static_cast<std::streamoff>(pageSize / 2);
    char byte = 0;
    f.seekg(at);
    f.read(&byte, 1);
    byte = static_cast<char>(byte ^ 0x5a);
    f.seekp(at);
    f.write(&byte, 1);
}

// The damage screen, then (the tour presses Re-sync) the set-up screen asking for the event
// code again; the damaged file is kept beside the new one.
void checkDamagedRun(const std::string& arguments, const std::string& screen, int width,
                     int height) {
    admit::testing::TempDir dir;
    auto demo = admit::kiosk::provisionDemo(dir.path(), admit::store::systemTimeMs());
    ASSERT_TRUE(demo) << demo.error().message;
    damageFirstPage(demo->replica);
    auto camera = writeFrames(dir / "camera", {});
    RunOptions how;
    how.screen = screen;
    auto run = runKiosk("damaged",
                        arguments + " --tour --db " + demo->replica.string() + " --key-file " +
                            demo->keyFile.string() + " --source-folder " + camera.string(),
                        how);
    std::string size = "-" + std::to_string(width) + "x" + std::to_string(height) + ".png";
    ASSERT_EQ(run.shown.count("damaged" + size), 1U);
    EXPECT_EQ(run.shown.at("damaged" + size)["screen"], "damaged");
    ASSERT_EQ(run.shown.count("setup-resynced" + size), 1U);
    EXPECT_EQ(run.shown.at("setup-resynced" + size)["screen"], "setup");
    cv::Mat image = cv::imread((run.screens / ("damaged" + size)).string());
    ASSERT_FALSE(image.empty());
    EXPECT_EQ(image.cols, width);
    EXPECT_EQ(image.rows, height);
    int kept = 0;
    for (const auto& entry : fs::directory_iterator(dir.path())) {
        if (entry.path().filename().string().find(".damaged-") != std::string::npos &&
            entry.path().extension() != ".replica-wal") {
            ++kept;
        }
    }
    EXPECT_GE(kept, 1);
    EXPECT_TRUE(fs::exists(demo->replica));  // the fresh one
}

TEST(KioskUi, DamagedReplicaOffersAResyncAt800x480) {
    checkDamagedRun("--windowed --size 800x480", "1920x1080", 800, 480);
}

TEST(KioskUi, DamagedReplicaOffersAResyncFullscreenAt1920x1080) {
    checkDamagedRun("", "1920x1080", 1920, 1080);
}

// The real admit-server on 127.0.0.1 (a free port): a kiosk enrols from the online event code
// in its camera frames and checks a ticket in (status bar: "Synced just now"); with the server
// gone, the same kiosk restarted says "Offline - last sync HH:MM".
TEST(KioskUi, StatusBarOnlineThenOfflineWithTheRealServer) {
    admit::testing::TempDir dir;
    auto now = admit::store::systemTimeMs();
    auto key = admit::replica::ReplicaKey::generate();
    ASSERT_TRUE(admit::replica::writeKeyFile(dir / "organiser.key", key));
    admit::kiosk::DemoEvent event;
    std::vector<std::string> tokens;
    {
        auto db = admit::replica::openReplica(dir / "organiser.db", key,
                                              admit::replica::OpenMode::kCreate);
        ASSERT_TRUE(db) << db.error().message;
        ASSERT_TRUE(admit::store::migrate(*db));
        auto created = admit::kiosk::createDemoEvent(*db, now);
        ASSERT_TRUE(created) << created.error().message;
        event = *created;
        for (int i = 0; i < 2; ++i) {
            auto token = admit::sync::EnrolmentTokens(*db).issue(event.eventId, now);
            ASSERT_TRUE(token) << token.error().message;
            tokens.push_back(*token);
        }
    }
    auto server = std::make_unique<admit::testing::Child>(
        std::vector<std::string>{ADMIT_SERVER_BIN, "--db", (dir / "organiser.db").string(),
                                 "--key-file", (dir / "organiser.key").string(), "--listen",
                                 "127.0.0.1:0"},
        dir / "server.err");
    auto line = server->readLine(std::chrono::seconds(30));
    ASSERT_TRUE(line);
    std::string url = "http://" + nlohmann::json::parse(*line)["listening"].get<std::string>();
    ASSERT_EQ(url.rfind("http://127.0.0.1:", 0), 0U);
    auto eventId = admit::ticket::eventIdFromString(event.eventId);
    ASSERT_TRUE(eventId);

    struct Size {
        std::string arguments, screen;
        int width, height;
    };
    const std::vector<Size> sizes{{"--windowed --size 800x480", "1920x1080", 800, 480},
                                  {"", "1920x1080", 1920, 1080}};
    for (std::size_t i = 0; i < sizes.size(); ++i) {
        const auto& size = sizes[i];
        std::string code = admit::ticket::encodeEventSetup(
            admit::ticket::OnlineEnrolment{url, *eventId, tokens[i]});
        auto camera =
            writeFrames(dir / ("camera-" + std::to_string(i)), {code, event.tickets.at(i).text});
        fs::path replica = dir / ("kiosk-" + std::to_string(i) + ".replica");
        fs::path kioskKey = dir / ("kiosk-" + std::to_string(i) + ".key");
        ASSERT_TRUE(admit::replica::writeKeyFile(kioskKey, admit::replica::ReplicaKey::generate()));
        RunOptions how;
        how.screen = size.screen;
        auto run = runKiosk("online",
                            size.arguments + " --db " + replica.string() + " --key-file " +
                                kioskKey.string() + " --source-folder " + camera.string(),
                            how);
        std::vector<std::string> codes;
        int syncedOk = 0;
        for (const auto& v : run.verdicts) {
            if (v["kind"] == "sync") syncedOk += v["ok"].get<bool>() ? 1 : 0;
            if (v.contains("code")) codes.push_back(v["code"].get<std::string>());
        }
        EXPECT_EQ(codes, (std::vector<std::string>{"enrolled", "accepted"}));
        EXPECT_GE(syncedOk, 2);  // the first round, and the one that uploaded the check-in
        std::string png =
            "-" + std::to_string(size.width) + "x" + std::to_string(size.height) + ".png";
        EXPECT_EQ(run.shown.count("scanning-synced" + png), 1U) << size.width;
    }
    server.reset();  // the server goes away
    for (std::size_t i = 0; i < sizes.size(); ++i) {
        const auto& size = sizes[i];
        fs::path replica = dir / ("kiosk-" + std::to_string(i) + ".replica");
        fs::path kioskKey = dir / ("kiosk-" + std::to_string(i) + ".key");
        auto camera = writeFrames(dir / ("blank-" + std::to_string(i)), {});
        RunOptions how;
        how.screen = size.screen;
        auto run = runKiosk("offline",
                            size.arguments + " --db " + replica.string() + " --key-file " +
                                kioskKey.string() + " --source-folder " + camera.string(),
                            how);
        int failed = 0;
        for (const auto& v : run.verdicts) {
            if (v["kind"] == "sync" && v["ok"] == false) {
                ++failed;
                EXPECT_EQ(v["error_kind"], "unreachable") << v.dump();
            }
        }
        EXPECT_GE(failed, 1);
        std::string png =
            "-" + std::to_string(size.width) + "x" + std::to_string(size.height) + ".png";
        EXPECT_EQ(run.shown.count("scanning-offline" + png), 1U) << size.width;
    }
}

}  // namespace

namespace {

// The settings screen of an enrolled kiosk says how it reaches its server: "unencrypted" over
// plain HTTP, "server key checked" over TLS with the key pinned by the event code. The real
// admit-server on 127.0.0.1, once plain and once with a certificate made here; the tour opens
// the settings (with the demo organiser's PIN, which the roster carries).
TEST(KioskUi, SettingsShowWhetherTheServerConnectionIsEncrypted) {
    admit::testing::TempDir dir;
    auto now = admit::store::systemTimeMs();
    auto key = admit::replica::ReplicaKey::generate();
    ASSERT_TRUE(admit::replica::writeKeyFile(dir / "organiser.key", key));
    admit::kiosk::DemoEvent event;
    std::vector<std::string> tokens;
    {
        auto db = admit::replica::openReplica(dir / "organiser.db", key,
                                              admit::replica::OpenMode::kCreate);
        ASSERT_TRUE(db) << db.error().message;
        ASSERT_TRUE(admit::store::migrate(*db));
        auto created = admit::kiosk::createDemoEvent(*db, now);
        ASSERT_TRUE(created) << created.error().message;
        event = *created;
        for (int i = 0; i < 2; ++i) {
            auto token = admit::sync::EnrolmentTokens(*db).issue(event.eventId, now);
            ASSERT_TRUE(token) << token.error().message;
            tokens.push_back(*token);
        }
    }
    auto certificate = admit::testing::SelfSignedCertificate::make();
    std::ofstream(dir / "tls.crt") << certificate.certificatePem;
    {
        std::ofstream keyOut(dir / "tls.key");
        keyOut << certificate.keyPem;
    }
    fs::permissions(dir / "tls.key", fs::perms::owner_read | fs::perms::owner_write);
    auto eventId = admit::ticket::eventIdFromString(event.eventId);
    ASSERT_TRUE(eventId);

    struct Case {
        std::vector<std::string> serverArgs;
        std::optional<std::array<std::uint8_t, 32>> pin;
        std::string shot;
    };
    const std::vector<Case> cases{
        {{}, std::nullopt, "settings-unencrypted-800x480.png"},
        {{"--tls-cert", (dir / "tls.crt").string(), "--tls-key", (dir / "tls.key").string()},
         certificate.publicKeySha256,
         "settings-pinned-800x480.png"}};
    for (std::size_t i = 0; i < cases.size(); ++i) {
        std::vector<std::string> argv{ADMIT_SERVER_BIN,
                                      "--db",
                                      (dir / "organiser.db").string(),
                                      "--key-file",
                                      (dir / "organiser.key").string(),
                                      "--listen",
                                      "127.0.0.1:0"};
        argv.insert(argv.end(), cases[i].serverArgs.begin(), cases[i].serverArgs.end());
        admit::testing::Child server(argv, dir / ("server-" + std::to_string(i) + ".err"));
        auto line = server.readLine(std::chrono::seconds(30));
        ASSERT_TRUE(line);
        std::string url = nlohmann::json::parse(*line)["url"].get<std::string>();
        std::string code = admit::ticket::encodeEventSetup(
            admit::ticket::OnlineEnrolment{url, *eventId, tokens[i], cases[i].pin});
        auto camera =
            writeFrames(dir / ("camera-" + std::to_string(i)), {code, event.tickets.at(i).text});
        fs::path replica = dir / ("kiosk-" + std::to_string(i) + ".replica");
        fs::path kioskKey = dir / ("kiosk-" + std::to_string(i) + ".key");
        ASSERT_TRUE(admit::replica::writeKeyFile(kioskKey, admit::replica::ReplicaKey::generate()));
        auto run =
            runKiosk("connection-" + std::to_string(i),
                     "--windowed --size 800x480 --tour --db " + replica.string() + " --key-file " +
                         kioskKey.string() + " --source-folder " + camera.string());
        std::vector<std::string> codes;
        for (const auto& v : run.verdicts) {
            // The camera's (the tour's exit from the search is not the point here).
            if (v.contains("code") && v.value("via", "scan") == "scan") {
                codes.push_back(v["code"].get<std::string>());
            }
        }
        EXPECT_EQ(codes, (std::vector<std::string>{"enrolled", "accepted"})) << url;
        EXPECT_EQ(run.shown.count(cases[i].shot), 1U) << url;
    }
}

}  // namespace
