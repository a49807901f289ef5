// Issue 11 end to end, with the real programs: a kiosk's replica is shared by admit-kiosk (two
// SQLite connections: its worker and its sync thread) and the organiser's `admit checkin` in
// other processes, round after round, and nothing is damaged or lost.
//
// An organiser database (encrypted) with an event of 1,000 attendees, the real admit-server on
// 127.0.0.1, and two kiosks A and B enrolled from online set-up codes by admit-kiosk --headless.
// Each round: check-ins into B with `admit checkin`, a round of kiosk B (a blank camera image,
// so it only syncs), check-ins into A, then a round of kiosk A with more `admit checkin` runs
// from just after its ready line, while its sync thread opens its connection and syncs. After
// each round A's replica passes `admit replica check`, every check-in was accepted, the kiosks'
// sync rounds succeeded, and A holds exactly the check-ins made into it plus all of B's
// (downloaded). At the end, after a last round of each kiosk, the server and both kiosks hold
// every check-in of both.
//
// ADMIT_SHARING_ROUNDS sets the number of rounds (default 200).

#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "admit/demo/demo_frames.hpp"
#include "admit/replica/replica.hpp"
#include "admit/replica/replica_key.hpp"
#include "child_process.hpp"
#include "server_process.hpp"
#include "temp_dir.hpp"

namespace admit::testing {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace std::chrono_literals;

constexpr int kDefaultRounds = 200;
constexpr int kAttendees = 1000;
// Per round: check-ins into each kiosk before its round, and into kiosk A during its round,
// from 0.1 s after its ready line, two processes at a time. The code before the fix of issue 11
// failed this way within the first rounds, nearly always the first; twelve started all at once
// did not fail, as the damage needs a check-in to close while no other one is open.
constexpr int kCheckInsBefore = 2;
constexpr int kCheckInsDuring = 12;
constexpr std::size_t kDuringAtOnce = 2;
constexpr auto kDuringDelay = 100ms;
// Generous: the sanitizer build is about three times slower.
constexpr auto kProcessTimeout = 120s;
// A check-in that fails because the replica is busy is tried again, at most this often.
constexpr int kBusyRetries = 5;

std::string fileText(const fs::path& file) {
    std::ifstream in(file);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string lastLines(const std::string& text, std::size_t count) {
    std::size_t start = text.size();
    for (std::size_t seen = 0; start > 0 && seen <= count; --start) {
        if (text[start - 1] == '\n') ++seen;
    }
    return start == 0 ? text : "[...]\n" + text.substr(start + 1);
}

// The number of rounds: ADMIT_SHARING_ROUNDS, or the default; 0 if the variable is not a
// positive number.
int roundsToRun() {
    const char* text = std::getenv("ADMIT_SHARING_ROUNDS");
    if (text == nullptr || *text == '\0') return kDefaultRounds;
    int rounds = 0;
    const char* end = text + std::strlen(text);
    auto [stop, error] = std::from_chars(text, end, rounds);
    if (error != std::errc() || stop != end || rounds < 1) return 0;
    return rounds;
}

// A program that ran to its end (or was given up on).
struct Finished {
    std::string what;
    int exitCode = -1;
    bool timedOut = false;
    std::vector<std::string> out;  // standard output, by line
    std::string err;               // standard error

    std::string describe() const {
        std::string text = what + ": " +
                           (timedOut ? std::string("no end after the timeout (stopped)")
                                     : "exit " + std::to_string(exitCode)) +
                           "\n  stdout:";
        for (const auto& line : out) text += "\n    " + line;
        text += "\n  stderr: " + (err.empty() ? std::string("(empty)") : err);
        return text;
    }
};

// A started program: standard output read line by line, standard error into a file.
class Program {
  public:
    Program(const std::vector<std::string>& argv, fs::path errFile, std::string what)
        : child_(argv, errFile), errFile_(std::move(errFile)) {
        result_.what = std::move(what);
    }

    bool started() const { return child_.started(); }
    bool running() { return child_.running(); }

    // The next line of its standard output (kept for finish()), or nullopt at its end or when
    // `deadline` has passed.
    std::optional<std::string> readLine(std::chrono::steady_clock::time_point deadline) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left <= 0ms) return std::nullopt;
        auto line = child_.readLine(left);
        if (line) result_.out.push_back(*line);
        return line;
    }

    // Reads the rest of its output, waits for it to exit (stops it after the timeout).
    Finished finish(std::chrono::milliseconds timeout = kProcessTimeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (readLine(deadline)) {
        }
        if (!child_.started()) {
            result_.err = "(it could not be started)";
            return result_;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            result_.timedOut = true;  // Child's destructor stops it
        } else {
            result_.exitCode = child_.wait();
        }
        result_.err = fileText(errFile_);
        return result_;
    }

  private:
    Child child_;
    fs::path errFile_;
    Finished result_;
};

struct Kiosk {
    std::string name;  // also its gate
    fs::path db;
    fs::path key;
    std::int64_t cliCheckIns = 0;  // `admit checkin` runs into this replica that exited 0
    std::int64_t uploaded = 0;     // by its rounds, from their sync lines
    std::int64_t downloaded = 0;
};

// What a kiosk round printed, summed over its sync lines.
struct KioskRound {
    Finished run;
    int syncLines = 0;
    std::int64_t uploaded = 0;
    std::int64_t downloaded = 0;
    std::int64_t pendingUploads = -1;  // from the last sync line
    bool enrolled = false;             // a verdict line "enrolled"
};

// A check-in with `admit checkin` into a kiosk's replica, started.
struct StartedCheckIn {
    std::string when;  // "before" or "during" the kiosk's round
    int index = 0;
    std::string ticket;
    std::unique_ptr<Program> program;
};

class ReplicaSharing : public ::testing::Test {
  protected:
    void SetUp() override {
        fs::create_directories(dir_ / "logs");
        ASSERT_TRUE(replica::writeKeyFile(dir_ / "org.key", replica::ReplicaKey::generate()));
        for (Kiosk* kiosk : {&a_, &b_}) {
            ASSERT_TRUE(replica::writeKeyFile(kiosk->key, replica::ReplicaKey::generate()));
        }

        // The organiser's database: an event where a ticket may enter any number of times, so
        // that the rounds can reuse the 1,000 tickets and every check-in is accepted.
        auto created = organiser({"--json", "event", "create", "--name", "Issue 11 Festival",
                                  "--types", "General", "--reentry", "multiple"});
        ASSERT_EQ(created.exitCode, 0) << created.describe();
        ASSERT_EQ(created.out.size(), 1U) << created.describe();
        eventId_ = json::parse(created.out[0]).at("event_id").get<std::string>();
        {
            std::ofstream csv(dir_ / "attendees.csv");
            csv << "name,email,ticket_type,status\n";
            for (int i = 0; i < kAttendees; ++i) {
                csv << "Guest " << i << ",guest" << i << "@example.org,General,approved\n";
            }
        }
        auto imported = organiser({"import", "--event", eventId_, dir_.file("attendees.csv")});
        ASSERT_EQ(imported.exitCode, 0) << imported.describe();
        auto issued = organiser({"tickets", "--event", eventId_, "--out", dir_.file("tickets")});
        ASSERT_EQ(issued.exitCode, 0) << issued.describe();
        ASSERT_EQ(readTickets(dir_ / "tickets" / "tickets.csv"),
                  "name,email,ticket_type,ticket_file,ticket_text");
        ASSERT_EQ(tickets_.size(), static_cast<std::size_t>(kAttendees));

        server_ = std::make_unique<ServerProcess>(dir_.file("org.db"), dir_.file("org.key"),
                                                  dir_.file("logs/server.log"));
        ASSERT_NO_THROW(server_->start());
        ASSERT_EQ(server_->url().rfind("http://127.0.0.1:", 0), 0U) << server_->url();

        // The kiosks enrol from online set-up codes, each a QR image in a folder of its own.
        for (Kiosk* kiosk : {&a_, &b_}) {
            auto folder = dir_ / ("enrol-" + kiosk->name);
            fs::create_directories(folder);
            auto code = organiser({"setup-code", "--event", eventId_, "--server", server_->url(),
                                   "--png", (folder / "event-code.png").string()});
            ASSERT_EQ(code.exitCode, 0) << code.describe();
            KioskRound enrolment;
            ASSERT_TRUE(runKiosk(*kiosk, folder, nullptr, enrolment));
            EXPECT_TRUE(enrolment.enrolled) << enrolment.run.describe();
            EXPECT_EQ(enrolment.syncLines, 1) << enrolment.run.describe();
        }

        // The kiosks' camera during the rounds: one blank image, so a round only syncs.
        kiosk::DemoScriptOptions blank;
        blank.framesPerShot = 1;
        blank.framesBetween = 0;
        blank.frameSize = {320, 240};
        auto written = kiosk::writeDemoFrames({kiosk::DemoShot{}}, dir_ / "blank", blank);
        ASSERT_TRUE(written) << written.error().message;
        ASSERT_EQ(*written, 1);
    }

    void TearDown() override {
        if (!HasFailure()) return;
        std::cerr << "---- failed "
                  << (round_ == 0           ? std::string("in the set-up")
                      : round_ > lastRound_ ? std::string("in the final round")
                                            : "in round " + std::to_string(round_))
                  << "; what ran in it:\n";
        for (const auto& entry : journal_) std::cerr << entry << "\n";
        if (!busyErrors_.empty()) {
            std::cerr << "---- busy errors (retried):\n";
            for (const auto& e : busyErrors_) std::cerr << e << "\n";
        }
        if (server_) std::cerr << "---- admit-server log:\n" << lastLines(server_->log(), 60);
    }

    // Runs `admit` with `arguments` (after --db/--key-file of `db` and `key`) to its end.
    Finished admit(const fs::path& db, const fs::path& key, std::vector<std::string> arguments,
                   const std::string& what) {
        Program program(cliArgv(db, key, std::move(arguments)), dir_ / "logs" / "admit.err", what);
        auto done = program.finish();
        journal_.push_back(done.describe());
        return done;
    }
    Finished organiser(std::vector<std::string> arguments) {
        return admit(dir_ / "org.db", dir_ / "org.key", std::move(arguments), "admit (organiser)");
    }

    std::vector<std::string> cliArgv(const fs::path& db, const fs::path& key,
                                     std::vector<std::string> arguments) const {
        std::vector<std::string> argv{ADMIT_CLI_PATH, "--db", db.string(), "--key-file",
                                      key.string()};
        argv.insert(argv.end(), arguments.begin(), arguments.end());
        return argv;
    }

    // Reads the ticket texts (the fifth column) into tickets_; returns the header line.
    std::string readTickets(const fs::path& csvFile) {
        std::ifstream csv(csvFile);
        std::string header;
        std::getline(csv, header);
        if (!header.empty() && header.back() == '\r') header.pop_back();
        std::string line;
        while (std::getline(csv, line)) {
            if (!line.empty() && line.back() == '\r') line.pop_back();
            // The names and e-mails written above have no commas; the ticket text is last.
            std::size_t at = 0;
            for (int field = 0; field < 4 && at != std::string::npos; ++field) {
                at = line.find(',', at);
                if (at != std::string::npos) ++at;
            }
            if (at != std::string::npos) tickets_.push_back(line.substr(at));
        }
        return header;
    }

    StartedCheckIn startCheckIn(Kiosk& kiosk, const std::string& when, int index,
                                std::string ticket = {}) {
        if (ticket.empty()) {
            ticket = tickets_[nextTicket_ % tickets_.size()];
            ++nextTicket_;
        }
        auto program = std::make_unique<Program>(
            cliArgv(kiosk.db, kiosk.key,
                    {"checkin", "--event", eventId_, "--gate", kiosk.name, ticket}),
            dir_ / "logs" / ("checkin-" + when + "-" + std::to_string(index) + ".err"),
            "admit checkin into " + kiosk.name + " (" + when + " the kiosk's round, " +
                std::to_string(index) + ")");
        return {when, index, std::move(ticket), std::move(program)};
    }

    static bool isBusy(const Finished& done) {
        return done.exitCode == 1 && (done.err.find("database is locked") != std::string::npos ||
                                      done.err.find("busy") != std::string::npos);
    }

    // Waits for a started check-in: it must be accepted (exit 0). One that the replica was too
    // busy for is counted and tried again.
    ::testing::AssertionResult finishCheckIn(Kiosk& kiosk, StartedCheckIn started) {
        for (int attempt = 0;; ++attempt) {
            auto done = started.program->finish();
            journal_.push_back(done.describe());
            if (done.exitCode == 0) {
                ++kiosk.cliCheckIns;
                return ::testing::AssertionSuccess();
            }
            if (!isBusy(done) || attempt == kBusyRetries) {
                return ::testing::AssertionFailure()
                       << "round " << round_ << ": a check-in failed:\n"
                       << done.describe();
            }
            busyErrors_.push_back("round " + std::to_string(round_) + ": " + done.describe());
            started = startCheckIn(kiosk, started.when, started.index, started.ticket);
        }
    }

    ::testing::AssertionResult checkInOneByOne(Kiosk& kiosk, int count) {
        for (int i = 0; i < count; ++i) {
            auto result = finishCheckIn(kiosk, startCheckIn(kiosk, "before", i));
            if (!result) return result;
        }
        return ::testing::AssertionSuccess();
    }

    // One run of admit-kiosk --headless on `source`: it syncs and exits. `whenReady` runs as
    // soon as the kiosk printed its ready line.
    ::testing::AssertionResult runKiosk(Kiosk& kiosk, const fs::path& source,
                                        const std::function<void(Program&)>& whenReady,
                                        KioskRound& round) {
        Program program(
            {ADMIT_KIOSK_PATH, "--headless", "--db", kiosk.db.string(), "--key-file",
             kiosk.key.string(), "--source-folder", source.string(), "--gate", kiosk.name},
            dir_ / "logs" / "kiosk.err", "admit-kiosk " + kiosk.name);
        if (!program.started()) {
            return ::testing::AssertionFailure() << "admit-kiosk did not start";
        }
        const auto deadline = std::chrono::steady_clock::now() + kProcessTimeout;
        bool ready = false;
        while (!ready) {
            auto line = program.readLine(deadline);
            if (!line) break;
            auto parsed = json::parse(*line, nullptr, false);
            ready = parsed.is_object() && parsed.value("kind", "") == "ready";
        }
        if (ready && whenReady) whenReady(program);
        round.run = program.finish();
        journal_.push_back(round.run.describe());
        auto failed = [&](const std::string& why) {
            return ::testing::AssertionFailure()
                   << "round " << round_ << ": kiosk " << kiosk.name << " " << why << "\n"
                   << round.run.describe();
        };
        if (!ready) return failed("printed no ready line");
        if (round.run.timedOut || round.run.exitCode != 0) return failed("failed");
        for (const auto& line : round.run.out) {
            auto parsed = json::parse(line, nullptr, false);
            if (!parsed.is_object()) return failed("printed a line that is not JSON");
            const std::string kind = parsed.value("kind", "");
            if (kind == "sync") {
                if (!parsed.value("ok", false)) return failed("had a failed sync round");
                ++round.syncLines;
                round.uploaded += parsed.value("uploaded", std::int64_t{0});
                round.downloaded += parsed.value("downloaded", std::int64_t{0});
                round.pendingUploads = parsed.value("pending_uploads", std::int64_t{-1});
            } else if (kind == "damaged") {
                return failed("found its replica damaged");
            } else if (parsed.value("code", "") == "enrolled") {
                round.enrolled = true;
            }
        }
        if (round.syncLines == 0) return failed("ran no sync round");
        kiosk.uploaded += round.uploaded;
        kiosk.downloaded += round.downloaded;
        return ::testing::AssertionSuccess();
    }

    // `admit replica check` says ok.
    ::testing::AssertionResult replicaIsWhole(const fs::path& db, const fs::path& key,
                                              const std::string& name) {
        auto check = admit(db, key, {"replica", "check"}, "admit replica check " + name);
        if (check.exitCode == 0 && !check.out.empty() && check.out[0].rfind("ok: ", 0) == 0) {
            return ::testing::AssertionSuccess();
        }
        return ::testing::AssertionFailure()
               << "round " << round_ << ": replica " << name << " is damaged:\n"
               << check.describe();
    }

    // The check-ins (entries) a database holds by gate, from `admit stats`.
    std::optional<std::map<std::string, std::int64_t>> entriesByGate(const fs::path& db,
                                                                     const fs::path& key,
                                                                     const std::string& name) {
        auto stats =
            admit(db, key, {"--json", "stats", "--event", eventId_}, "admit stats " + name);
        if (stats.exitCode != 0 || stats.out.size() != 1) return std::nullopt;
        auto parsed = json::parse(stats.out[0], nullptr, false);
        if (!parsed.is_object() || !parsed.contains("by_gate")) return std::nullopt;
        std::map<std::string, std::int64_t> byGate;
        for (const auto& gate : parsed["by_gate"]) {
            byGate[gate.value("gate", "")] = gate.value("entries", std::int64_t{0});
        }
        std::int64_t total = 0;
        for (const auto& [gate, count] : byGate) total += count;
        if (total != parsed.value("entries", std::int64_t{-1})) return std::nullopt;
        return byGate;
    }

    // Every check-in row of the event in a database, by gate, read through the library
    // (read-only). Quicker than `admit stats`, whose list of duplicates grows every round.
    std::optional<std::map<std::string, std::int64_t>> rowsByGate(const fs::path& db,
                                                                  const fs::path& key,
                                                                  std::string& error) {
        auto loaded = replica::loadKeyFile(key);
        if (!loaded) {
            error = loaded.error().message;
            return std::nullopt;
        }
        auto opened = replica::openReplica(db, *loaded, replica::OpenMode::kReadOnly);
        if (!opened) {
            error = opened.error().message;
            return std::nullopt;
        }
        try {
            SQLite::Statement query(
                *opened, "SELECT gate, count(*) FROM checkins WHERE event_id = ? GROUP BY gate");
            query.bind(1, eventId_);
            std::map<std::string, std::int64_t> byGate;
            while (query.executeStep()) {
                byGate[query.getColumn(0).getString()] = query.getColumn(1).getInt64();
            }
            return byGate;
        } catch (const SQLite::Exception& e) {
            error = replica::describeReplicaFailure(e);
            return std::nullopt;
        }
    }

    enum class Count { kStats, kRows };

    // The database holds exactly the check-ins made into A and into B (by their gates), as
    // `admit stats` counts them or as rows.
    ::testing::AssertionResult holdsEveryCheckIn(const fs::path& db, const fs::path& key,
                                                 const std::string& name, Count count) {
        std::string error;
        auto byGate =
            count == Count::kStats ? entriesByGate(db, key, name) : rowsByGate(db, key, error);
        if (!byGate) {
            return ::testing::AssertionFailure()
                   << "round " << round_ << ": cannot count the check-ins of " << name << ": "
                   << (count == Count::kStats ? journal_.back() : error);
        }
        std::map<std::string, std::int64_t> expected{{a_.name, a_.cliCheckIns},
                                                     {b_.name, b_.cliCheckIns}};
        if (*byGate == expected) return ::testing::AssertionSuccess();
        std::string held;
        for (const auto& [gate, n] : *byGate) held += " " + gate + ": " + std::to_string(n);
        return ::testing::AssertionFailure()
               << "round " << round_ << ": " << name << " holds check-ins by gate" << held
               << "; made into A " << a_.cliCheckIns << ", into B " << b_.cliCheckIns;
    }

    TempDir dir_;
    Kiosk a_{"A", dir_ / "a.db", dir_ / "a.key"};
    Kiosk b_{"B", dir_ / "b.db", dir_ / "b.key"};
    std::string eventId_;
    std::vector<std::string> tickets_;
    std::size_t nextTicket_ = 0;
    std::unique_ptr<ServerProcess> server_;
    int round_ = 0;
    int lastRound_ = 0;
    std::vector<std::string> journal_;     // what ran in this round
    std::vector<std::string> busyErrors_;  // check-ins the replica was too busy for
};

TEST_F(ReplicaSharing, KioskRoundsWithConcurrentCheckInsDamageNothingAndLoseNothing) {
    const int rounds = roundsToRun();
    ASSERT_GT(rounds, 0) << "ADMIT_SHARING_ROUNDS must be a positive whole number, not '"
                         << std::getenv("ADMIT_SHARING_ROUNDS") << "'";
    lastRound_ = rounds;
    const fs::path blank = dir_ / "blank";
    const auto started = std::chrono::steady_clock::now();
    std::int64_t aUploadedSinceB = 0;  // what B's next round downloads
    // Check-ins "during" that ended while the kiosk was still running, and rounds with any.
    std::int64_t endedDuringTheRound = 0;
    int roundsWithOverlap = 0;
    for (round_ = 1; round_ <= rounds; ++round_) {
        journal_.clear();

        // Kiosk B: check-ins, then a round that uploads them and downloads A's latest.
        ASSERT_TRUE(checkInOneByOne(b_, kCheckInsBefore));
        KioskRound roundB;
        ASSERT_TRUE(runKiosk(b_, blank, nullptr, roundB));
        ASSERT_EQ(roundB.uploaded, kCheckInsBefore) << roundB.run.describe();
        ASSERT_EQ(roundB.downloaded, aUploadedSinceB) << roundB.run.describe();
        ASSERT_EQ(roundB.pendingUploads, 0) << roundB.run.describe();

        // Kiosk A: check-ins, then a round while more check-ins run in other processes.
        ASSERT_TRUE(checkInOneByOne(a_, kCheckInsBefore));
        std::vector<::testing::AssertionResult> checkIns;
        KioskRound roundA;
        const std::int64_t endedBefore = endedDuringTheRound;
        auto kioskA = runKiosk(
            a_, blank,
            [&](Program& kiosk) {
                std::this_thread::sleep_for(kDuringDelay);
                // Two at a time: each closes while the kiosk is running, sometimes as the
                // only other process on the replica, sometimes beside the other check-in.
                std::vector<StartedCheckIn> running;
                for (int i = 0; i < kCheckInsDuring; ++i) {
                    if (running.size() == kDuringAtOnce) {
                        checkIns.push_back(finishCheckIn(a_, std::move(running.front())));
                        running.erase(running.begin());
                        if (kiosk.running()) ++endedDuringTheRound;
                    }
                    running.push_back(startCheckIn(a_, "during", i));
                }
                for (auto& checkIn : running) {
                    checkIns.push_back(finishCheckIn(a_, std::move(checkIn)));
                    if (kiosk.running()) ++endedDuringTheRound;
                }
            },
            roundA);
        ASSERT_TRUE(kioskA);
        if (endedDuringTheRound > endedBefore) ++roundsWithOverlap;
        ASSERT_EQ(checkIns.size(), static_cast<std::size_t>(kCheckInsDuring));
        for (const auto& checkIn : checkIns) ASSERT_TRUE(checkIn);
        // It downloaded B's new check-ins and uploaded at least those made before it started.
        ASSERT_EQ(roundA.downloaded, kCheckInsBefore) << roundA.run.describe();
        ASSERT_GE(a_.uploaded, a_.cliCheckIns - kCheckInsDuring) << roundA.run.describe();
        ASSERT_LE(a_.uploaded, a_.cliCheckIns) << roundA.run.describe();
        aUploadedSinceB = roundA.uploaded;

        ASSERT_TRUE(replicaIsWhole(a_.db, a_.key, "A"));
        ASSERT_TRUE(holdsEveryCheckIn(a_.db, a_.key, "A", Count::kRows));

        if (round_ % 25 == 0) {
            std::cout << "round " << round_ << " of " << rounds << " after "
                      << std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::steady_clock::now() - started)
                             .count()
                      << " s" << std::endl;
        }
    }
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    round_ = rounds + 1;  // the final one
    journal_.clear();

    // A last round of each kiosk: A uploads what was checked in during its last round, B
    // downloads it. Then every database holds every check-in.
    KioskRound lastA;
    ASSERT_TRUE(runKiosk(a_, blank, nullptr, lastA));
    KioskRound lastB;
    ASSERT_TRUE(runKiosk(b_, blank, nullptr, lastB));
    EXPECT_EQ(lastA.pendingUploads, 0) << lastA.run.describe();
    EXPECT_EQ(lastB.pendingUploads, 0) << lastB.run.describe();
    EXPECT_EQ(a_.uploaded, a_.cliCheckIns);
    EXPECT_EQ(b_.uploaded, b_.cliCheckIns);
    EXPECT_EQ(a_.downloaded, b_.cliCheckIns);
    EXPECT_EQ(b_.downloaded, a_.cliCheckIns);
    EXPECT_EQ(a_.cliCheckIns, std::int64_t{rounds} * (kCheckInsBefore + kCheckInsDuring));
    EXPECT_EQ(b_.cliCheckIns, std::int64_t{rounds} * kCheckInsBefore);
    for (auto count : {Count::kStats, Count::kRows}) {
        EXPECT_TRUE(holdsEveryCheckIn(dir_ / "org.db", dir_ / "org.key", "the server", count));
        EXPECT_TRUE(holdsEveryCheckIn(b_.db, b_.key, "B", count));
        EXPECT_TRUE(holdsEveryCheckIn(a_.db, a_.key, "A", count));
    }
    EXPECT_TRUE(replicaIsWhole(b_.db, b_.key, "B"));
    EXPECT_TRUE(replicaIsWhole(a_.db, a_.key, "A"));
    // The check-ins "during" must overlap the kiosk's round, or this tests nothing (typically
    // all but a few of them end while it runs).
    EXPECT_GE(roundsWithOverlap, (rounds + 1) / 2)
        << "in most rounds, no check-in ended while kiosk A was running";
    EXPECT_EQ(server_->stop(), 0);
    EXPECT_TRUE(replicaIsWhole(dir_ / "org.db", dir_ / "org.key", "the organiser's"));

    std::cout << rounds << " rounds in " << elapsed.count() / 1000 << "." << std::setfill('0')
              << std::setw(3) << elapsed.count() % 1000 << " s: " << a_.cliCheckIns
              << " check-ins into A (" << std::int64_t{rounds} * kCheckInsDuring
              << " of them during its rounds), " << b_.cliCheckIns << " into B; "
              << busyErrors_.size() << " busy errors, retried; " << endedDuringTheRound
              << " check-ins ended while kiosk A's round ran, in " << roundsWithOverlap << " rounds"
              << std::endl;
    for (const auto& e : busyErrors_) std::cout << e << "\n";
    RecordProperty("rounds", rounds);
    RecordProperty("busy_errors", static_cast<int>(busyErrors_.size()));
}

}  // namespace
}  // namespace admit::testing
