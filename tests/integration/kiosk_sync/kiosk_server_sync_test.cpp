// End to end, with the real admit-server on 127.0.0.1 (a free port) and the real sync client:
// kiosk A (the core in this process) enrols from an online event code on an empty replica,
// gets the roster, checks a ticket in and uploads it; the server has it. Kiosk B (the real
// admit-kiosk --headless, fed camera frames of its own online code and two tickets) enrols,
// downloads A's check-in (so A's ticket is "already checked in" at B) and uploads its own; its
// JSON lines include one per sync round.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "admit/demo/demo_event.hpp"
#include "admit/demo/demo_frames.hpp"
#include "admit/kiosk/kiosk_core.hpp"
#include "admit/kiosk/kiosk_database.hpp"
#include "admit/kiosk/strings.hpp"
#include "admit/replica/replica.hpp"
#include "admit/replica/replica_key.hpp"
#include "admit/store/schema.hpp"
#include "admit/store/store.hpp"
#include "admit/sync/store/device_registry.hpp"
#include "admit/sync/store/enrolment_tokens.hpp"
#include "admit/sync/store/server_store.hpp"
#include "admit/ticket/event_setup.hpp"
#include "child_process.hpp"
#include "cli_run.hpp"
#include "temp_dir.hpp"

namespace admit::kiosk {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string fileText(const fs::path& file) {
    std::ifstream in(file);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class KioskWithServerTest : public ::testing::Test {
  protected:
    void SetUp() override {
        now_ = store::systemTimeMs();
        // The organiser's database, encrypted as the server wants it, with the demo event.
        auto key = replica::ReplicaKey::generate();
        ASSERT_TRUE(replica::writeKeyFile(dir_ / "organiser.key", key));
        {
            auto db = replica::openReplica(dir_ / "organiser.db", key, replica::OpenMode::kCreate);
            ASSERT_TRUE(db) << db.error().message;
            ASSERT_TRUE(store::migrate(*db));
            auto event = createDemoEvent(*db, now_);
            ASSERT_TRUE(event) << event.error().message;
            event_ = *event;
            for (int i = 0; i < 2; ++i) {
                auto token = sync::EnrolmentTokens(*db).issue(event_.eventId, now_);
                ASSERT_TRUE(token) << token.error().message;
                tokens_.push_back(*token);
            }
        }
        server_ = std::make_unique<admit::testing::Child>(
            std::vector<std::string>{ADMIT_SERVER_BIN, "--db", (dir_ / "organiser.db").string(),
                                     "--key-file", (dir_ / "organiser.key").string(), "--listen",
                                     "127.0.0.1:0"},
            dir_ / "server.err");
        ASSERT_TRUE(server_->started());
        auto line = server_->readLine(30s);
        ASSERT_TRUE(line) << "admit-server said nothing: " << fileText(dir_ / "server.err");
        auto listening = nlohmann::json::parse(*line)["listening"].get<std::string>();
        ASSERT_EQ(listening.rfind("127.0.0.1:", 0), 0U) << listening;
        url_ = "http://" + listening;
    }

    std::string onlineCode(int token) {
        auto id = ticket::eventIdFromString(event_.eventId);
        return ticket::encodeEventSetup(
            ticket::OnlineEnrolment{url_, *id, tokens_.at(static_cast<std::size_t>(token))});
    }
    std::int64_t serverCheckIns(const std::string& deviceId) {
        auto key = replica::loadKeyFile(dir_ / "organiser.key");
        EXPECT_TRUE(key);
        auto db = replica::openReplica(dir_ / "organiser.db", *key, replica::OpenMode::kReadOnly);
        EXPECT_TRUE(db) << db.error().message;
        SQLite::Statement query(*db, "SELECT count(*) FROM checkins WHERE device_id = ?");
        query.bind(1, deviceId);
        query.executeStep();
        return query.getColumn(0).getInt64();
    }
    fs::path kioskKey(const std::string& name) {
        auto path = dir_ / (name + ".key");
        EXPECT_TRUE(replica::writeKeyFile(path, replica::ReplicaKey::generate()));
        return path;
    }

    admit::testing::TempDir dir_;
    std::int64_t now_ = 0;
    DemoEvent event_;
    std::vector<std::string> tokens_;
    std::unique_ptr<admit::testing::Child> server_;
    std::string url_;
};

TEST_F(KioskWithServerTest, EnrolGetTheRosterUploadAndSeeAnotherKiosksCheckIns) {
    // ---- Kiosk A: the core in this process, on an empty replica.
    KioskOptions options;
    options.database = {dir_ / "a.replica", kioskKey("a")};
    options.gate = std::string("A");
    options.selectSingleEvent = false;
    options.deviceName = "kiosk-a";
    auto core = std::make_unique<KioskCore>(options);
    core->start(nullptr);
    std::vector<ShownVerdict> verdicts;
    std::vector<SyncRoundOutcome> rounds;
    auto until = [&](const std::function<bool()>& done) {
        auto giveUp = std::chrono::steady_clock::now() + 90s;
        while (std::chrono::steady_clock::now() < giveUp) {
            core->waitForWork(50ms);
            bool finished = core->finished();
            auto news = core->drain();
            verdicts.insert(verdicts.end(), news.verdicts.begin(), news.verdicts.end());
            rounds.insert(rounds.end(), news.syncRounds.begin(), news.syncRounds.end());
            if (finished && done()) return true;
        }
        return false;
    };
    ASSERT_TRUE(until([&] { return core->state().ready; }));
    EXPECT_EQ(core->state().screen, Screen::kSetup);

    core->submitCode(onlineCode(0));
    ASSERT_TRUE(until([&] { return !verdicts.empty(); }));
    ASSERT_EQ(verdicts.back().code, "enrolled") << verdicts.back().reason;
    EXPECT_EQ(verdicts.back().reason, text::setupDone("Harbour Lights Festival"));
    ASSERT_FALSE(rounds.empty());
    EXPECT_TRUE(rounds.front().ok) << rounds.front().error;
    EXPECT_TRUE(rounds.front().afterEnrolment);
    EXPECT_TRUE(rounds.front().rosterChanged);
    EXPECT_TRUE(core->state().sync.online);
    EXPECT_EQ(core->state().sync.server, url_.substr(7));
    // The devices list names this kiosk.
    ASSERT_EQ(core->state().sync.devices.size(), 1U);
    EXPECT_EQ(core->state().sync.devices[0].name, "kiosk-a");

    // The roster arrived: a ticket is accepted, with the attendee's name.
    verdicts.clear();
    rounds.clear();
    core->dismissVerdict();
    core->submitCode(event_.tickets.at(0).text);
    ASSERT_TRUE(until(
        [&] { return !verdicts.empty() && !rounds.empty() && core->state().pendingUploads == 0; }));
    EXPECT_EQ(verdicts.front().code, "accepted");
    EXPECT_EQ(verdicts.front().name, "Amelia Hughes");
    EXPECT_EQ(rounds.back().uploaded, 1) << rounds.back().error;
    std::string deviceA;
    {
        auto db = openKioskDatabase(options.database);
        ASSERT_TRUE(db);
        deviceA = store::deviceId(*db);
    }
    EXPECT_EQ(serverCheckIns(deviceA), 1);
    core.reset();

    // ---- Kiosk B: the real admit-kiosk --headless, its camera a folder of frames.
    DemoScriptOptions script;
    script.framesPerShot = 4;
    script.framesBetween = 40;  // 4 s at 10 fps: the enrolment and its first round finish
    script.frameSize = {640, 480};
    auto frames = dir_ / "frames";
    auto written = writeDemoFrames({{onlineCode(1), "", false},
                                    {event_.tickets.at(0).text, "", false},
                                    {event_.tickets.at(1).text, "", false}},
                                   frames, script);
    ASSERT_TRUE(written) << written.error().message;
    auto keyB = kioskKey("b");
    admit::testing::Child kiosk(
        {ADMIT_KIOSK_BIN, "--headless", "--db", (dir_ / "b.replica").string(), "--key-file",
         keyB.string(), "--gate", "B", "--source-folder", frames.string(), "--fps", "10"},
        dir_ / "kiosk.err");
    ASSERT_TRUE(kiosk.started());
    std::vector<nlohmann::json> lines;
    while (auto line = kiosk.readLine(120s)) lines.push_back(nlohmann::json::parse(*line));
    EXPECT_EQ(kiosk.wait(), 0) << fileText(dir_ / "kiosk.err");

    std::vector<std::string> codes;
    std::vector<nlohmann::json> syncLines;
    for (const auto& line : lines) {
        if (line["kind"] == "sync") {
            syncLines.push_back(line);
        } else if (line.contains("code")) {
            codes.push_back(line["code"].get<std::string>());
        }
    }
    EXPECT_EQ(codes, (std::vector<std::string>{"enrolled", "already_checked_in", "accepted"}));
    for (const auto& line : lines) {
        if (line.value("code", "") == "already_checked_in") {
            // Kiosk A's check-in, downloaded: the time and A's gate.
            EXPECT_NE(line["reason"].get<std::string>().find(", Gate A"), std::string::npos)
                << line.dump();
        }
    }
    ASSERT_GE(syncLines.size(), 2U);
    EXPECT_EQ(syncLines.front()["after_enrolment"], true);
    EXPECT_EQ(syncLines.front()["ok"], true) << syncLines.front().dump();
    EXPECT_GE(syncLines.front()["downloaded"].get<std::int64_t>(), 1);
    EXPECT_EQ(syncLines.back()["ok"], true) << syncLines.back().dump();
    EXPECT_EQ(syncLines.back()["pending_uploads"], 0);
    std::int64_t uploaded = 0;
    for (const auto& line : syncLines) uploaded += line["uploaded"].get<std::int64_t>();
    EXPECT_EQ(uploaded, 2);  // the accepted one and the denial: both are the organiser's records
    std::string deviceB;
    {
        auto db = openKioskDatabase({dir_ / "b.replica", keyB});
        ASSERT_TRUE(db);
        deviceB = store::deviceId(*db);
    }
    EXPECT_EQ(serverCheckIns(deviceB), 1);
    EXPECT_EQ(serverCheckIns(deviceA), 1);
}

TEST_F(KioskWithServerTest, UsedEnrolmentCodeAndUnreachableServerAreSaidPlainly) {
    KioskOptions options;
    options.database = {dir_ / "c.replica", kioskKey("c")};
    options.selectSingleEvent = false;
    auto core = std::make_unique<KioskCore>(options);
    core->start(nullptr);
    auto verdictFor = [&](const std::string& code) -> std::optional<ShownVerdict> {
        std::uint64_t before = core->state().verdictCount;
        core->submitCode(code);
        auto giveUp = std::chrono::steady_clock::now() + 60s;
        while (std::chrono::steady_clock::now() < giveUp) {
            core->waitForWork(50ms);
            auto news = core->drain();
            for (const auto& v : news.verdicts) {
                if (v.sequence > before && v.code != "already_set_up") return v;
            }
        }
        return std::nullopt;
    };
    auto first = verdictFor(onlineCode(0));
    ASSERT_TRUE(first);
    ASSERT_EQ(first->code, "enrolled") << first->reason;
    // The same one-time code again: the server refuses it (410).
    auto again = verdictFor(onlineCode(0));
    ASSERT_TRUE(again);
    EXPECT_EQ(again->code, "enrol_failed");
    EXPECT_EQ(again->reason, text::enrolRefused());
    EXPECT_EQ(again->reason.find(tokens_[0]), std::string::npos);
    ASSERT_TRUE(core->state().event);  // still set up, still scanning
    EXPECT_EQ(core->state().event->name, "Harbour Lights Festival");

    // The server goes away: the next code cannot reach it.
    server_.reset();
    auto unreachable = verdictFor(onlineCode(1));
    ASSERT_TRUE(unreachable);
    EXPECT_EQ(unreachable->code, "enrol_failed");
    EXPECT_EQ(unreachable->reason, text::enrolUnreachable(url_.substr(7)));
}

// The organiser at the desk, with the real `admit` on the organiser's database while the server
// serves it: a revocation reaches the kiosk on its next round and the door names the reason; a
// walk-in added at the desk is admitted after the round after that.
TEST_F(KioskWithServerTest, DeskChangesReachTheKioskOnItsNextRound) {
    KioskOptions options;
    options.database = {dir_ / "desk.replica", kioskKey("desk")};
    options.gate = std::string("A");
    options.selectSingleEvent = false;
    auto core = std::make_unique<KioskCore>(options);
    core->start(nullptr);
    std::vector<ShownVerdict> verdicts;
    std::vector<SyncRoundOutcome> rounds;
    auto until = [&](const std::function<bool()>& done) {
        auto giveUp = std::chrono::steady_clock::now() + 90s;
        while (std::chrono::steady_clock::now() < giveUp) {
            core->waitForWork(50ms);
            auto news = core->drain();
            verdicts.insert(verdicts.end(), news.verdicts.begin(), news.verdicts.end());
            rounds.insert(rounds.end(), news.syncRounds.begin(), news.syncRounds.end());
            if (done()) return true;
        }
        return false;
    };
    auto scan = [&](const std::string& text) -> ShownVerdict {
        verdicts.clear();
        core->dismissVerdict();
        core->submitCode(text);
        EXPECT_TRUE(until([&] { return !verdicts.empty(); }));
        return verdicts.empty() ? ShownVerdict{} : verdicts.back();
    };
    // After a change at the desk: the kiosk's next round that brings a new roster.
    auto nextRosterRound = [&] {
        rounds.clear();
        return until([&] {
            return std::any_of(rounds.begin(), rounds.end(),
                               [](const SyncRoundOutcome& r) { return r.ok && r.rosterChanged; });
        });
    };
    ASSERT_TRUE(until([&] { return core->state().ready; }));
    core->submitCode(onlineCode(0));
    ASSERT_TRUE(until([&] { return !verdicts.empty() && !rounds.empty(); }));
    ASSERT_EQ(verdicts.back().code, "enrolled") << verdicts.back().reason;

    const std::string db = "--db " + (dir_ / "organiser.db").string() + " --key-file " +
                           (dir_ / "organiser.key").string() + " ";
    const std::string ticket = event_.tickets.at(2).text;
    auto revoked =
        admit::testing::admit(db + "--operator olga ticket revoke --event " + event_.eventId +
                              " '" + ticket + "' --reason 'Reported stolen'");
    ASSERT_EQ(revoked.exitCode, 0) << revoked.out;
    ASSERT_TRUE(nextRosterRound()) << "no round brought the revocation";
    ShownVerdict denied = scan(ticket);
    EXPECT_EQ(denied.code, "revoked");
    EXPECT_EQ(denied.reason, "This ticket was cancelled by the organiser: Reported stolen");

    auto added = admit::testing::admit(db + "--json --operator olga attendee add --event " +
                                       event_.eventId + " --name 'Walter Inn' --type General");
    ASSERT_EQ(added.exitCode, 0) << added.out;
    const auto walkIn = nlohmann::json::parse(added.out);
    ASSERT_TRUE(nextRosterRound()) << "no round brought the walk-in";
    ShownVerdict admitted = scan(walkIn["ticket_text"].get<std::string>());
    EXPECT_EQ(admitted.code, "accepted") << admitted.reason;
    EXPECT_EQ(admitted.name, "Walter Inn");

    // Both changes are the organiser's audited records.
    auto audit =
        admit::testing::admit(db + "--json audit --event " + event_.eventId + " --operator olga");
    ASSERT_EQ(audit.exitCode, 0) << audit.out;
    std::vector<std::string> actions;
    for (const auto& line : nlohmann::json::parse(audit.out)) actions.push_back(line["action"]);
    EXPECT_EQ(actions,
              (std::vector<std::string>{"ticket.revoked", "attendee.added", "ticket.issued"}));

    // The door's refusal reached the organiser with the round that brought the walk-in (a round
    // uploads before it downloads): an audit entry of the kiosk's, naming the gate and reason.
    auto denials = admit::testing::admit(db + "--json audit --event " + event_.eventId);
    ASSERT_EQ(denials.exitCode, 0) << denials.out;
    std::vector<nlohmann::json> kioskDenials;
    for (const auto& line : nlohmann::json::parse(denials.out)) {
        if (line["action"] == "checkin.denied") kioskDenials.push_back(line);
    }
    ASSERT_EQ(kioskDenials.size(), 1u) << denials.out;
    std::string kioskDevice;
    {
        auto kioskDb = openKioskDatabase(options.database);
        ASSERT_TRUE(kioskDb);
        kioskDevice = store::deviceId(*kioskDb);
    }
    EXPECT_EQ(kioskDenials[0]["device_id"], kioskDevice);
    EXPECT_EQ(kioskDenials[0]["gate"], "A");
    EXPECT_EQ(kioskDenials[0]["detail"]["reason"], "revoked");
    auto byDevice = admit::testing::admit(db + "--json audit --event " + event_.eventId +
                                          " --device " + kioskDevice);
    ASSERT_EQ(byDevice.exitCode, 0) << byDevice.out;
    EXPECT_NE(byDevice.out.find("checkin.denied"), std::string::npos) << byDevice.out;
}

// Waiting downloads (docs/sync.md): with rounds only every 60 s, a check-in at kiosk A and a
// revocation by the organiser (the real `admit`, another process) reach kiosk B within 10 s,
// through the download B keeps waiting at the server. The bound is on behaviour (long before
// the next poll), not a timing figure.
TEST_F(KioskWithServerTest, ACheckInAndARevocationReachAWaitingKioskLongBeforeItsNextPoll) {
    struct Kiosk {
        std::unique_ptr<KioskCore> core;
        std::vector<ShownVerdict> verdicts;
        std::vector<SyncRoundOutcome> rounds;
        bool until(const std::function<bool()>& done, std::chrono::seconds limit = 90s) {
            auto giveUp = std::chrono::steady_clock::now() + limit;
            while (std::chrono::steady_clock::now() < giveUp) {
                core->waitForWork(50ms);
                auto news = core->drain();
                verdicts.insert(verdicts.end(), news.verdicts.begin(), news.verdicts.end());
                rounds.insert(rounds.end(), news.syncRounds.begin(), news.syncRounds.end());
                if (done()) return true;
            }
            return false;
        }
        ShownVerdict scan(const std::string& text) {
            verdicts.clear();
            core->dismissVerdict();
            core->submitCode(text);
            EXPECT_TRUE(until([&] { return !verdicts.empty(); }));
            return verdicts.empty() ? ShownVerdict{} : verdicts.back();
        }
    };
    auto start = [&](const std::string& name, int token) {
        KioskOptions options;
        options.database = {dir_ / (name + ".replica"), kioskKey(name)};
        options.gate = name;
        options.selectSingleEvent = false;
        options.deviceName = "kiosk-" + name;
        options.syncInterval = 60s;
        Kiosk kiosk{std::make_unique<KioskCore>(options), {}, {}};
        kiosk.core->start(nullptr);
        EXPECT_TRUE(kiosk.until([&] { return kiosk.core->state().ready; }));
        kiosk.core->submitCode(onlineCode(token));
        EXPECT_TRUE(kiosk.until([&] { return !kiosk.verdicts.empty() && !kiosk.rounds.empty(); }));
        EXPECT_EQ(kiosk.verdicts.back().code, "enrolled") << kiosk.verdicts.back().reason;
        EXPECT_TRUE(kiosk.rounds.back().ok) << kiosk.rounds.back().error;
        return kiosk;
    };
    Kiosk a = start("A", 0);
    Kiosk b = start("B", 1);
    b.rounds.clear();

    // A check-in at A: B has it within 10 s (its next poll is a minute away).
    const std::string ticket = event_.tickets.at(0).text;
    ASSERT_EQ(a.scan(ticket).code, "accepted");
    const auto checkedIn = std::chrono::steady_clock::now();
    ASSERT_TRUE(b.until(
        [&] {
            return std::any_of(b.rounds.begin(), b.rounds.end(),
                               [](const SyncRoundOutcome& r) { return r.ok && r.downloaded == 1; });
        },
        10s))
        << "A's check-in did not reach B within 10 s";
    EXPECT_LT(std::chrono::steady_clock::now() - checkedIn, 10s);
    ShownVerdict again = b.scan(ticket);
    EXPECT_EQ(again.code, "already_checked_in") << again.reason;

    // A revocation at the organiser's desk: B has the new roster within 10 s.
    b.rounds.clear();
    const std::string db = "--db " + (dir_ / "organiser.db").string() + " --key-file " +
                           (dir_ / "organiser.key").string() + " ";
    const std::string stolen = event_.tickets.at(2).text;
    auto revoked =
        admit::testing::admit(db + "--operator olga ticket revoke --event " + event_.eventId +
                              " '" + stolen + "' --reason 'Reported stolen'");
    ASSERT_EQ(revoked.exitCode, 0) << revoked.out;
    const auto revokedAt = std::chrono::steady_clock::now();
    ASSERT_TRUE(b.until(
        [&] {
            return std::any_of(b.rounds.begin(), b.rounds.end(),
                               [](const SyncRoundOutcome& r) { return r.ok && r.rosterChanged; });
        },
        10s))
        << "the revocation did not reach B within 10 s";
    EXPECT_LT(std::chrono::steady_clock::now() - revokedAt, 10s);
    EXPECT_EQ(b.scan(stolen).code, "revoked");
}

}  // namespace
}  // namespace admit::kiosk

namespace admit::kiosk {
namespace {

// A kiosk the organiser removed says so ("removed by the organiser: scan a new event code"),
// and still says so after a restart with the server gone, sending nothing: the removal is kept
// in the replica, not only in the running kiosk's memory.
TEST_F(KioskWithServerTest, ARemovedKioskStillSaysSoAfterARestart) {
    KioskOptions options;
    options.database = {dir_ / "a.replica", kioskKey("a")};
    options.gate = std::string("A");
    options.selectSingleEvent = false;
    options.deviceName = "kiosk-a";
    std::vector<ShownVerdict> verdicts;
    std::vector<SyncRoundOutcome> rounds;
    auto until = [&](KioskCore& core, const std::function<bool()>& done,
                     std::chrono::seconds limit = 90s) {
        auto giveUp = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < giveUp) {
            core.waitForWork(50ms);
            bool finished = core.finished();
            auto news = core.drain();
            verdicts.insert(verdicts.end(), news.verdicts.begin(), news.verdicts.end());
            rounds.insert(rounds.end(), news.syncRounds.begin(), news.syncRounds.end());
            if (finished && done()) return true;
        }
        return false;
    };
    auto core = std::make_unique<KioskCore>(options);
    core->start(nullptr);
    ASSERT_TRUE(until(*core, [&] { return core->state().ready; }));
    core->submitCode(onlineCode(0));
    ASSERT_TRUE(until(*core, [&] { return !verdicts.empty() && !rounds.empty(); }));
    ASSERT_EQ(verdicts.back().code, "enrolled") << verdicts.back().reason;
    ASSERT_TRUE(rounds.back().ok) << rounds.back().error;

    // The organiser revokes it; the next round (after a check-in) is refused.
    std::string deviceId;
    {
        auto db = openKioskDatabase(options.database);
        ASSERT_TRUE(db);
        deviceId = store::deviceId(*db);
    }
    {
        auto key = replica::loadKeyFile(dir_ / "organiser.key");
        ASSERT_TRUE(key);
        auto db = replica::openReplica(dir_ / "organiser.db", *key, replica::OpenMode::kReadWrite);
        ASSERT_TRUE(db) << db.error().message;
        store::applyConnectionSettings(*db);
        ASSERT_TRUE(sync::DeviceRegistry(*db).revoke(event_.eventId, deviceId, now_));
    }
    rounds.clear();
    core->dismissVerdict();
    core->submitCode(event_.tickets.at(0).text);
    ASSERT_TRUE(until(*core, [&] { return !rounds.empty() && core->state().sync.removed; }))
        << (rounds.empty() ? "no round" : rounds.back().errorKind);
    EXPECT_EQ(rounds.back().errorKind, "revoked");
    EXPECT_EQ(describeSync(core->state().sync, now_).text, text::kKioskRemoved);
    core.reset();

    // Restarted with the server gone: removed at once, and no round is tried.
    server_.reset();
    rounds.clear();
    core = std::make_unique<KioskCore>(options);
    core->start(nullptr);
    ASSERT_TRUE(until(*core, [&] { return core->state().ready && core->state().sync.enrolled; }));
    std::this_thread::sleep_for(1s);
    until(
        *core, [] { return true; }, 1s);
    EXPECT_TRUE(core->state().sync.removed);
    EXPECT_EQ(describeSync(core->state().sync, now_).text, text::kKioskRemoved);
    EXPECT_TRUE(rounds.empty()) << "a removed kiosk tried a round: " << rounds.front().error;
}

}  // namespace
}  // namespace admit::kiosk
