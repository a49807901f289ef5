// The kiosk as a whole, measured on the real admit-kiosk process (issue 4):
//
//  1. cold start: from spawning `admit-kiosk --headless` to its {"kind":"ready"} line (replica
//     open, event loaded, pipeline started), with a 100,000-attendee encrypted replica against
//     an empty one (same event set-up, no attendees), rounds interleaved; the same for the
//     windowed kiosk under Xvfb, to the first photograph of the scanning screen;
//  2. frame-to-verdict latency: the headless kiosk on the 100k replica, fed a 30 fps folder of
//     phone frames with distinct valid tickets; each verdict line carries frame_to_verdict_us
//     (frame handed to the pipeline -> verdict decided, check-in committed) and read_us (the QR
//     read of that same frame, the peer);
//  3. CPU use from /proc/<pid>/stat over a window: windowed (Xvfb) and headless, idle on the
//     scanning screen with no frames arriving and with a 30 fps source of frames without codes.
//
// Data (organiser database, replicas, key, frames) is made once with the project's own
// organiser/replica APIs and cached in the data folder; each run copies the replica it uses.
//
// Usage: admit_kiosk_bench [--data DIR] [--attendees N] [--rounds N] [--tickets N]
//                          [--cpu-seconds S] [--no-windowed] [--only cold|latency|cpu]

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <SQLiteCpp/Transaction.h>
#include <nlohmann/json.hpp>

#include "admit/demo/demo_frames.hpp"
#include "admit/kiosk/kiosk_database.hpp"
#include "admit/organiser/event_admin.hpp"
#include "admit/replica/replica_key.hpp"
#include "admit/store/attendees.hpp"
#include "admit/store/store.hpp"
#include "bench_timing.hpp"

extern char** environ;

using admit::bench::percentile;

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr const char* kDataVersion = "kiosk-bench-data v1";
constexpr int kCodeFramesPerTicket = 2;  // a phone held up: read, then debounced
constexpr int kEmptyFramesBetween = 2;
const cv::Size kFrameSize{1280, 720};  // CameraOptions' default

struct Config {
    fs::path data = ADMIT_BENCH_DATA_DIR;
    fs::path kiosk = ADMIT_KIOSK_BINARY;
    int attendees = 100'000;
    int rounds = 10;
    int tickets = 300;
    double cpuSeconds = 10.0;
    bool windowed = true;
    std::string only;
};

struct Fatal : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Thrown, so that the kiosks and the X server started so far are stopped on the way out.
[[noreturn]] void die(const std::string& message) { throw Fatal(message); }

double msSince(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::string readFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string loadAverage() {
    std::string text = readFile("/proc/loadavg");
    auto cut = text.find(' ', text.find(' ', text.find(' ') + 1) + 1);
    return text.substr(0, cut);
}

// ---- data, made once ----

struct Data {
    fs::path key;
    fs::path fullReplica;   // the event with all attendees
    fs::path emptyReplica;  // the same kind of event, no attendees
    fs::path codeFrames;    // 30 fps story: distinct valid tickets, 2 frames each, 2 empty between
    fs::path emptyFrames;   // frames without codes
    fs::path idleFrame;     // one frame without a code
    std::string fullEvent = "Bench Fest";
    std::string emptyEvent = "Empty Fest";
};

void exportTo(SQLite::Database& org, const std::string& eventId, const fs::path& replica,
              const fs::path& key) {
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(replica.string() + suffix);
    auto db = admit::kiosk::openKioskDatabase({replica, key});
    if (!db) die(db.error().message);
    if (auto exported = admit::organiser::exportReplica(org, eventId, *db); !exported) {
        die(exported.error().message);
    }
}

void writeFrames(const std::vector<admit::kiosk::DemoShot>& story, const fs::path& folder,
                 int perShot, int between) {
    fs::remove_all(folder);
    admit::kiosk::DemoScriptOptions script;
    script.framesPerShot = perShot;
    script.framesBetween = between;
    script.frameSize = kFrameSize;
    if (auto written = admit::kiosk::writeDemoFrames(story, folder, script); !written) {
        die(written.error().message);
    }
}

Data prepareData(const Config& config) {
    using namespace admit;
    Data data;
    const fs::path& dir = config.data;
    data.key = dir / "replica.key";
    data.fullReplica = dir / "replica-full.db";
    data.emptyReplica = dir / "replica-empty.db";
    data.codeFrames = dir / "frames-codes";
    data.emptyFrames = dir / "frames-empty";
    data.idleFrame = dir / "frame-idle";
    const std::string stamp = std::string(kDataVersion) +
                              " attendees=" + std::to_string(config.attendees) +
                              " tickets=" + std::to_string(config.tickets) + "\n";
    if (readFile(dir / "stamp") == stamp) return data;

    std::printf("preparing the data in %s (once; cached)...\n", dir.c_str());
    std::fflush(stdout);
    auto started = Clock::now();
    fs::create_directories(dir);
    fs::remove(dir / "stamp");
    fs::remove(dir / "org.db");
    auto org = store::openPlainDatabase((dir / "org.db").string(), store::OpenMode::kCreate);
    if (!org) die(org.error().message);
    auto full = organiser::createEvent(*org, {data.fullEvent}, 0);
    auto empty = organiser::createEvent(*org, {data.emptyEvent}, 0);
    if (!full || !empty) die("cannot create the events");
    std::vector<std::string> tickets;
    {
        SQLite::Transaction transaction(*org);
        store::Attendees attendees(*org);
        for (int i = 0; i < config.attendees; ++i) {
            std::string n = std::to_string(i);
            store::Attendee a;
            a.eventId = full->id;
            a.importKey = n;
            a.name = "Attendee " + n;
            a.email = "a" + n + "@example.org";
            a.ticketType = 1;
            attendees.upsert(a);
            auto issued = organiser::issueTicket(*org, full->id, a.id);
            if (!issued) die(issued.error().message);
            if (i < config.tickets) tickets.push_back(issued->text);
        }
        transaction.commit();
    }
    fs::remove(data.key);
    if (auto written = replica::writeKeyFile(data.key, replica::ReplicaKey::generate()); !written) {
        die(written.error().message);
    }
    exportTo(*org, full->id, data.fullReplica, data.key);
    exportTo(*org, empty->id, data.emptyReplica, data.key);
    std::printf("  %d attendees with signed tickets, replicas exported (%.1f s)\n",
                config.attendees, msSince(started) / 1000.0);
    std::fflush(stdout);

    std::vector<kiosk::DemoShot> story;
    for (const auto& text : tickets) story.push_back({text, "", false});
    writeFrames(story, data.codeFrames, kCodeFramesPerTicket, kEmptyFramesBetween);
    writeFrames({{"", "", false}}, data.emptyFrames, 600, 0);  // 20 s at 30 fps
    writeFrames({{"", "", false}}, data.idleFrame, 1, 0);
    std::ofstream(dir / "stamp") << stamp;
    std::printf("  frames written (%.1f s in all)\n", msSince(started) / 1000.0);
    return data;
}

// A fresh copy of a replica (the kiosk writes check-ins and settings into it).
fs::path copyReplica(const fs::path& replica, const fs::path& runDir) {
    fs::path copy = runDir / "kiosk.db";
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(copy.string() + suffix);
    fs::copy_file(replica, copy);
    return copy;
}

// ---- processes ----

class Process {
  public:
    // Starts argv[0] with stdout on a pipe (when captureStdout) and stderr into `log`.
    Process(std::vector<std::string> argv, const std::vector<std::string>& extraEnv,
            const fs::path& log, bool captureStdout) {
        std::array<int, 2> pipeFds{-1, -1};
        if (captureStdout && pipe2(pipeFds.data(), O_CLOEXEC) != 0) die("pipe failed");
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        if (captureStdout) {
            posix_spawn_file_actions_adddup2(&actions, pipeFds[1], STDOUT_FILENO);
        } else {
            posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
        }
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log.c_str(),
                                         O_WRONLY | O_CREAT | O_APPEND, 0644);
        std::vector<std::string> env;
        for (char** e = environ; *e; ++e) {
            std::string entry = *e;
            bool replaced = false;
            for (const auto& extra : extraEnv) {
                replaced |= entry.substr(0, entry.find('=')) == extra.substr(0, extra.find('='));
            }
            if (!replaced) env.push_back(entry);
        }
        env.insert(env.end(), extraEnv.begin(), extraEnv.end());
        std::vector<char*> args, envp;
        for (auto& a : argv) args.push_back(a.data());
        args.push_back(nullptr);
        for (auto& e : env) envp.push_back(e.data());
        envp.push_back(nullptr);
        started_ = Clock::now();
        int error = posix_spawnp(&pid_, args[0], &actions, nullptr, args.data(), envp.data());
        posix_spawn_file_actions_destroy(&actions);
        if (captureStdout) close(pipeFds[1]);
        if (error != 0) die("cannot start " + argv[0] + ": " + std::strerror(error));
        out_ = pipeFds[0];
    }
    ~Process() {
        stop();
        if (out_ >= 0) close(out_);
    }
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;

    pid_t pid() const { return pid_; }
    Clock::time_point started() const { return started_; }

    // The next stdout line, or none at end of output or after `timeout`.
    std::optional<std::string> readLine(std::chrono::milliseconds timeout) {
        auto deadline = Clock::now() + timeout;
        for (;;) {
            if (auto newline = buffer_.find('\n'); newline != std::string::npos) {
                std::string line = buffer_.substr(0, newline);
                buffer_.erase(0, newline + 1);
                return line;
            }
            if (out_ < 0) return std::nullopt;
            auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
            if (left.count() <= 0) return std::nullopt;
            pollfd fd{out_, POLLIN, 0};
            if (poll(&fd, 1, static_cast<int>(left.count())) <= 0) continue;
            std::array<char, 4096> chunk{};
            ssize_t got = read(out_, chunk.data(), chunk.size());
            if (got <= 0) {
                close(out_);
                out_ = -1;
                continue;
            }
            buffer_.append(chunk.data(), static_cast<std::size_t>(got));
        }
    }

    // utime + stime so far, in seconds; none once the process is gone.
    std::optional<double> cpuSeconds() const {
        std::string stat = readFile("/proc/" + std::to_string(pid_) + "/stat");
        auto paren = stat.rfind(')');
        if (paren == std::string::npos) return std::nullopt;
        std::istringstream fields(stat.substr(paren + 2));
        std::vector<std::string> f;
        std::string field;
        while (fields >> field) f.push_back(field);
        if (f.size() < 13 || f[0] == "Z") return std::nullopt;  // fields 3..: state first
        double ticks = std::stod(f[11]) + std::stod(f[12]);     // fields 14 and 15
        return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
    }

    // Asks it to stop (SIGTERM), then waits; SIGKILL after 10 s. Returns the exit status.
    int stop() {
        if (pid_ <= 0) return status_;
        kill(pid_, SIGTERM);
        return wait(std::chrono::seconds(10));
    }

    // Waits for the process to exit on its own; SIGKILL after `timeout`.
    int wait(std::chrono::milliseconds timeout) {
        if (pid_ <= 0) return status_;
        auto deadline = Clock::now() + timeout;
        int status = 0;
        while (waitpid(pid_, &status, WNOHANG) == 0) {
            if (Clock::now() > deadline) {
                kill(pid_, SIGKILL);
                waitpid(pid_, &status, 0);
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        pid_ = -1;
        status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return status_;
    }

  private:
    pid_t pid_ = -1;
    int out_ = -1;
    int status_ = 0;
    std::string buffer_;
    Clock::time_point started_;
};

// An X server for the windowed kiosk: what `xvfb-run -s "-screen 0 1280x800x24"` starts.
class XServer {
  public:
    explicit XServer(const fs::path& log) {
        std::array<int, 2> fds{-1, -1};
        if (pipe(fds.data()) != 0) die("pipe failed");
        std::string fd = std::to_string(fds[1]);
        // The write end is inherited (no O_CLOEXEC) so that Xvfb can report its display.
        process_.emplace(std::vector<std::string>{"Xvfb", "-displayfd", fd, "-screen", "0",
                                                  "1280x800x24", "-nolisten", "tcp"},
                         std::vector<std::string>{}, log, false);
        close(fds[1]);
        std::string number;
        pollfd wait{fds[0], POLLIN, 0};
        while (poll(&wait, 1, 10'000) > 0) {
            std::array<char, 32> chunk{};
            ssize_t got = read(fds[0], chunk.data(), chunk.size());
            if (got <= 0) break;
            number.append(chunk.data(), static_cast<std::size_t>(got));
            if (number.find('\n') != std::string::npos) break;
        }
        close(fds[0]);
        while (!number.empty() && (number.back() == '\n' || number.back() == ' ')) {
            number.pop_back();
        }
        if (number.empty()) die("Xvfb did not start (see " + log.string() + ")");
        display_ = ":" + number;
    }
    const std::string& display() const { return display_; }
    const Process& process() const { return *process_; }

  private:
    std::optional<Process> process_;
    std::string display_;
};

// `frames`: a folder played at 30 fps, or a camera device path when it is not a folder.
std::vector<std::string> kioskArgs(const Config& config, const fs::path& replica, const Data& data,
                                   const fs::path& frames, bool headless) {
    std::vector<std::string> args{config.kiosk.string(),
                                  "--db",
                                  replica.string(),
                                  "--key-file",
                                  data.key.string(),
                                  "--source-folder",
                                  frames.string(),
                                  "--fps",
                                  "30",
                                  "--gate",
                                  "A",
                                  "--mute"};
    if (!fs::is_directory(frames)) {  // a camera instead of the folder, e.g. an unplugged one
        args.erase(args.begin() + 5, args.begin() + 9);
        args.insert(args.begin() + 5, {"--camera", frames.string()});
    }
    if (headless) args.emplace_back("--headless");
    return args;
}

// ---- 1. cold start ----

// Milliseconds from spawn to the ready line.
double headlessColdStart(const Config& config, const Data& data, const fs::path& replica,
                         const std::string& event, const fs::path& runDir) {
    auto copy = copyReplica(replica, runDir);
    Process kiosk(kioskArgs(config, copy, data, data.idleFrame, true), {},
                  runDir / "kiosk-stderr.log", true);
    while (auto line = kiosk.readLine(std::chrono::seconds(60))) {
        auto json = nlohmann::json::parse(*line, nullptr, false);
        if (json.is_object() && json.value("kind", "") == "ready") {
            double ms = msSince(kiosk.started());
            if (json.value("event", "") != event || json.value("screen", "") != "scanning") {
                die("unexpected ready line: " + *line);
            }
            return ms;
        }
    }
    die("the headless kiosk never said ready (see " + (runDir / "kiosk-stderr.log").string() + ")");
}

// Milliseconds from spawn to the scanning screen's first photograph (--screenshot-dir writes it
// on the second render of the view once the camera picture is in it: PNG encoding included).
double windowedColdStart(const Config& config, const Data& data, const fs::path& replica,
                         const XServer& x, const fs::path& runDir) {
    auto copy = copyReplica(replica, runDir);
    fs::path shots = runDir / "shots";
    fs::remove_all(shots);
    auto args = kioskArgs(config, copy, data, data.idleFrame, false);
    args.insert(args.end(), {"--screenshot-dir", shots.string()});
    Process kiosk(args, {"DISPLAY=" + x.display()}, runDir / "kiosk-stderr.log", false);
    fs::path shown = shots / "shown-1280x800.jsonl";
    auto giveUp = Clock::now() + std::chrono::seconds(60);
    while (Clock::now() < giveUp) {
        std::error_code error;
        if (fs::file_size(shown, error) > 0 && !error &&
            readFile(shown).find("\"screen\":\"scanning\"") != std::string::npos) {
            return msSince(kiosk.started());
        }
        std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
    die("the windowed kiosk never showed the scanning screen (see " +
        (runDir / "kiosk-stderr.log").string() + ")");
}

void reportPair(const char* what, const std::vector<double>& full, const std::vector<double>& empty,
                int attendees) {
    double f50 = percentile(full, 0.5), e50 = percentile(empty, 0.5);
    std::printf("  %-10s empty replica: median %7.1f ms  min %7.1f  max %7.1f\n", what, e50,
                *std::min_element(empty.begin(), empty.end()),
                *std::max_element(empty.begin(), empty.end()));
    std::printf("  %-10s %d:      median %7.1f ms  min %7.1f  max %7.1f   ratio %.2fx  %s\n", what,
                attendees, f50, *std::min_element(full.begin(), full.end()),
                *std::max_element(full.begin(), full.end()), f50 / e50,
                f50 < 1000.0 ? "(goal < 1 s: met)" : "(goal < 1 s: NOT met)");
}

void coldStart(const Config& config, const Data& data, const fs::path& runDir, const XServer* x) {
    std::printf("\n== 1. cold start to ready (%d rounds, replicas alternate)\n", config.rounds);
    std::vector<double> headlessFull, headlessEmpty, windowedFull, windowedEmpty;
    for (int round = 0; round < config.rounds; ++round) {
        bool fullFirst = round % 2 == 0;
        for (int i = 0; i < 2; ++i) {
            bool full = (i == 0) == fullFirst;
            const auto& replica = full ? data.fullReplica : data.emptyReplica;
            const auto& event = full ? data.fullEvent : data.emptyEvent;
            (full ? headlessFull : headlessEmpty)
                .push_back(headlessColdStart(config, data, replica, event, runDir));
            if (x) {
                (full ? windowedFull : windowedEmpty)
                    .push_back(windowedColdStart(config, data, replica, *x, runDir));
            }
        }
    }
    reportPair("headless", headlessFull, headlessEmpty, config.attendees);
    if (x) reportPair("windowed", windowedFull, windowedEmpty, config.attendees);
}

// ---- 2. frame-to-verdict latency ----

void latency(const Config& config, const Data& data, const fs::path& runDir) {
    std::printf(
        "\n== 2. frame-to-verdict latency, headless, %d-attendee replica, %dx%d frames at "
        "30 fps, %d tickets\n",
        config.attendees, kFrameSize.width, kFrameSize.height, config.tickets);
    auto copy = copyReplica(data.fullReplica, runDir);
    Process kiosk(kioskArgs(config, copy, data, data.codeFrames, true), {},
                  runDir / "kiosk-stderr.log", true);
    std::vector<double> latencyMs, readMs, overRead;
    int accepted = 0, other = 0;
    std::optional<double> first;
    while (auto line = kiosk.readLine(std::chrono::seconds(120))) {
        auto json = nlohmann::json::parse(*line, nullptr, false);
        if (!json.is_object() || !json.contains("frame_to_verdict_us")) continue;
        if (json.value("code", "") == "accepted") {
            ++accepted;
        } else {
            ++other;
        }
        double ms = json["frame_to_verdict_us"].get<double>() / 1000.0;
        double read = json["read_us"].get<double>() / 1000.0;
        if (!first) first = ms;
        latencyMs.push_back(ms);
        readMs.push_back(read);
        overRead.push_back(ms - read);
    }
    int status = kiosk.wait(std::chrono::seconds(10));
    if (latencyMs.empty()) die("no verdicts (exit status " + std::to_string(status) + ")");
    double p50 = percentile(latencyMs, 0.5), p99 = percentile(latencyMs, 0.99);
    double r50 = percentile(readMs, 0.5), r99 = percentile(readMs, 0.99);
    std::printf("  verdicts %zu (accepted %d, other %d), exit status %d\n", latencyMs.size(),
                accepted, other, status);
    std::printf("  frame -> verdict  p50 %6.2f ms  p90 %6.2f  p99 %6.2f  max %6.2f  first %6.2f\n",
                p50, percentile(latencyMs, 0.9), p99,
                *std::max_element(latencyMs.begin(), latencyMs.end()), *first);
    std::printf("  QR read (peer)    p50 %6.2f ms  p90 %6.2f  p99 %6.2f  max %6.2f\n", r50,
                percentile(readMs, 0.9), r99, *std::max_element(readMs.begin(), readMs.end()));
    std::printf("  rest (verdict - read, per scan) p50 %6.2f ms  p99 %6.2f\n",
                percentile(overRead, 0.5), percentile(overRead, 0.99));
    std::printf(
        "  ratio to the read: p50 %.2fx  p99 %.2fx;  p99 = %.2f frame %s\n", p50 / r50, p99 / r99,
        p99 / (1000.0 / 30.0),
        p99 < 1000.0 / 30.0 ? "(goal within one frame: met)" : "(goal within one frame: NOT met)");
}

// ---- 3. CPU ----

struct CpuFigure {
    double kiosk = 0.0;  // % of one core
    double xserver = 0.0;
};

CpuFigure cpuOf(const Config& config, const Data& data, const fs::path& frames, const XServer* x,
                const fs::path& runDir) {
    auto copy = copyReplica(data.fullReplica, runDir);
    bool headless = x == nullptr;
    std::vector<std::string> env;
    if (x) env.push_back("DISPLAY=" + x->display());
    Process kiosk(kioskArgs(config, copy, data, frames, headless), env, runDir / "kiosk-stderr.log",
                  headless);
    if (headless) {
        while (auto line = kiosk.readLine(std::chrono::seconds(60))) {
            if (line->find("\"kind\":\"ready\"") != std::string::npos) break;
        }
    }
    // Settle: the window, fonts and first frames; the frame source keeps going meanwhile.
    std::this_thread::sleep_for(std::chrono::seconds(2));
    auto before = kiosk.cpuSeconds();
    auto xBefore = x ? x->process().cpuSeconds() : std::optional<double>(0.0);
    auto started = Clock::now();
    std::this_thread::sleep_for(std::chrono::duration<double>(config.cpuSeconds));
    auto after = kiosk.cpuSeconds();
    auto xAfter = x ? x->process().cpuSeconds() : std::optional<double>(0.0);
    double seconds = msSince(started) / 1000.0;
    if (!before || !after) die("the kiosk exited during the CPU measurement");
    CpuFigure figure;
    figure.kiosk = 100.0 * (*after - *before) / seconds;
    if (xBefore && xAfter) figure.xserver = 100.0 * (*xAfter - *xBefore) / seconds;
    return figure;
}

void cpu(const Config& config, const Data& data, const fs::path& runDir, const XServer* x) {
    std::printf("\n== 3. CPU use over %.0f s (%% of one core; /proc/<pid>/stat utime+stime)\n",
                config.cpuSeconds);
    struct Case {
        const char* name;
        fs::path frames;
    };
    // Idle: no camera frames arrive (the camera is unplugged; the capture thread retries every
    // 0.5 s). A finished file source would not do: the headless kiosk exits when it ends.
    const std::array<Case, 2> cases{
        Case{"idle, no frames arriving", runDir / "unplugged-camera"},
        Case{"30 fps, frames without codes", data.emptyFrames},
    };
    for (const auto& c : cases) {
        if (x) {
            auto w = cpuOf(config, data, c.frames, x, runDir);
            std::printf("  windowed  %-30s kiosk %6.1f %%   Xvfb %5.1f %%\n", c.name, w.kiosk,
                        w.xserver);
        }
        auto h = cpuOf(config, data, c.frames, nullptr, runDir);
        std::printf("  headless  %-30s kiosk %6.1f %%\n", c.name, h.kiosk);
    }
}

Config parseArgs(int argc, char** argv) {
    Config config;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) die(arg + " needs a value");
            return argv[++i];
        };
        if (arg == "--data") {
            config.data = next();
        } else if (arg == "--attendees") {
            config.attendees = std::stoi(next());
        } else if (arg == "--rounds") {
            config.rounds = std::stoi(next());
        } else if (arg == "--tickets") {
            config.tickets = std::stoi(next());
        } else if (arg == "--cpu-seconds") {
            config.cpuSeconds = std::stod(next());
        } else if (arg == "--no-windowed") {
            config.windowed = false;
        } else if (arg == "--only") {
            config.only = next();
        } else {
            die("unknown argument " + arg +
                "\nusage: admit_kiosk_bench [--data DIR] [--attendees N] [--rounds N] [--tickets "
                "N] [--cpu-seconds S] [--no-windowed] [--only cold|latency|cpu]");
        }
    }
    return config;
}

std::string cpuModel() {
    std::istringstream info(readFile("/proc/cpuinfo"));
    for (std::string line; std::getline(info, line);) {
        if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
    }
    return "unknown CPU";
}

}  // namespace

int run(int argc, char** argv) {
    signal(SIGPIPE, SIG_IGN);
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    Config config = parseArgs(argc, argv);
    std::printf("admit_kiosk_bench: %s, %ld cores; load average %s; kiosk %s\n", cpuModel().c_str(),
                sysconf(_SC_NPROCESSORS_ONLN), loadAverage().c_str(), config.kiosk.c_str());
    Data data = prepareData(config);
    fs::path runDir = config.data / "run";
    fs::create_directories(runDir);
    fs::remove(runDir / "kiosk-stderr.log");

    std::optional<XServer> x;
    if (config.windowed) {
        if (std::system("command -v Xvfb >/dev/null 2>&1") == 0) {
            x.emplace(runDir / "xvfb.log");
            std::printf("Xvfb %s -screen 0 1280x800x24 (fullscreen kiosk at 1280x800)\n",
                        x->display().c_str());
        } else {
            std::printf("no Xvfb: windowed figures skipped\n");
        }
    }
    const XServer* display = x ? &*x : nullptr;
    if (config.only.empty() || config.only == "cold") coldStart(config, data, runDir, display);
    if (config.only.empty() || config.only == "latency") latency(config, data, runDir);
    if (config.only.empty() || config.only == "cpu") cpu(config, data, runDir, display);
    std::printf("\nload average at the end: %s\n", loadAverage().c_str());
    return 0;
}

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "admit_kiosk_bench: %s\n", e.what());
        return 1;
    }
}
