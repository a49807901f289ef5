// Load (issue 14, item 4): K protocol-level kiosks (the propagation benchmark's simulator) in
// one program against one admit-server on 127.0.0.1, each uploading about one check-in a
// second (made in its own replica before the run) and keeping a waiting download open, for S
// seconds: check-ins stored per second, upload request p50/p99, propagation p99 (a sample: the
// first kiosk's check-ins, to every other kiosk), the server's RSS and CPU. Then shorter runs
// with more kiosks, to find where the upload p99 passes 1 s. Peer in the same run: the same
// number of rows inserted into SQLite by one process with the same durability (WAL,
// synchronous=FULL, one transaction per upload): the floor of what the disk allows.
//
// Usage: admit_load_bench [--kiosks 100] [--seconds 60] [--steps 50,100,150,200]
//                         [--step-seconds 20] [--last-sync-every SECONDS]
//                         [--wake-every MILLISECONDS]
// (--last-sync-every and --wake-every are passed to admit-server: 0 writes each request's last
// sync, the peer for the per-device resolution; 0 wakes the waiting downloads at each upload,
// the peer for held wakes.)

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <sstream>

#include "bench_timing.hpp"
#include "kiosk_simulator.hpp"
#include "process_usage.hpp"
#include "server_process.hpp"

using namespace admit;
using namespace admit::bench;
using namespace std::chrono_literals;

namespace {

struct RunFigures {
    int kiosks = 0;
    double seconds = 0;
    long stored = 0;
    long failed = 0;
    std::vector<double> uploadMs;
    std::vector<double> propagationMs;
    long missing = 0;
    double cpuMsPerSecond = 0;
    double rssMib = 0;
    double downloadsPerSecond = 0;  // answered, waiting or not
};

// Downloads the server has answered so far, from its /metrics (served on this machine).
double downloadsAnswered(const std::string& url) {
    sync::HttpClient http;
    sync::HttpRequest request;
    request.url = url + "/metrics";
    auto answer = http.perform(request);
    if (!answer || answer->status != 200) simDie("cannot read the server's /metrics");
    double total = 0;
    std::istringstream lines(answer->body);
    for (std::string line; std::getline(lines, line);) {
        if (line.starts_with("admit_requests_total{route=\"download")) {
            total += std::stod(line.substr(line.rfind(' ') + 1));
        }
    }
    return total;
}

// `kiosks` kiosks (devices [first, first + kiosks)) for `seconds`: each uploads its prepared
// check-ins about once a second (phases spread, ±20 % jitter) and keeps a waiting download
// open; the first kiosk's check-ins are followed to every other kiosk.
RunFigures run(SimFixture& f, testing::ServerProcess& server, std::size_t first, int kiosks,
               int seconds) {
    RunFigures r;
    r.kiosks = kiosks;
    const std::string url = server.url();
    std::vector<std::vector<SimCheckIn>> checkIns;
    for (int k = 0; k < kiosks; ++k) {
        checkIns.push_back(prepareCheckIns(f, first + static_cast<std::size_t>(k), seconds + 2));
    }
    std::set<std::string> tracked;
    for (const auto& c : checkIns[0]) tracked.insert(c.id);
    ArrivalLog log(tracked);
    std::mutex sentMutex;
    std::map<std::string, double> sentAt;
    std::mutex uploadMutex;
    std::atomic<bool> stop = false;
    std::atomic<bool> uploadsDone = false;
    std::atomic<long> failures = 0;
    std::atomic<long> stored = 0;
    const auto origin = SimClock::now();
    std::vector<std::thread> threads;
    for (int k = 0; k < kiosks; ++k) {
        const auto& device = f.devices[first + static_cast<std::size_t>(k)];
        threads.emplace_back([&, k, device] {
            runReader(url, f, device, static_cast<std::size_t>(k), 25s, 0ms, 0ms, origin, stop, log,
                      failures);
        });
    }
    std::this_thread::sleep_for(2s);  // the waiting downloads are in place
    const double cpuBefore = bench::processCpuMs(server.pid());
    const double downloadsBefore = downloadsAnswered(url);
    const auto start = SimClock::now();
    const auto end = start + std::chrono::seconds(seconds);
    for (int k = 0; k < kiosks; ++k) {
        threads.emplace_back([&, k] {
            std::mt19937 random(static_cast<unsigned>(k));
            std::uniform_int_distribution<int> jitter(800, 1200);
            sync::HttpClient http;
            auto next = start + std::chrono::milliseconds(1000 * k / kiosks);
            for (const auto& c : checkIns[static_cast<std::size_t>(k)]) {
                std::this_thread::sleep_until(next);
                if (SimClock::now() >= end) break;
                next += std::chrono::milliseconds(jitter(random));
                auto request = simRequest(url + sync::checkinsPath(f.eventId),
                                          f.devices[first + static_cast<std::size_t>(k)].token);
                request.method = sync::HttpRequest::Method::kPost;
                request.body = sync::toJson(c.upload);
                const auto sent = SimClock::now();
                auto answer = http.perform(request);
                const double ms =
                    std::chrono::duration<double, std::milli>(SimClock::now() - sent).count();
                if (!answer || answer->status != 200) {
                    ++failures;
                    continue;
                }
                ++stored;
                {
                    std::lock_guard lock(uploadMutex);
                    r.uploadMs.push_back(ms);
                }
                if (k == 0) {
                    std::lock_guard lock(sentMutex);
                    sentAt[c.id] = std::chrono::duration<double, std::milli>(sent - origin).count();
                }
            }
        });
    }
    for (std::size_t t = static_cast<std::size_t>(kiosks); t < threads.size(); ++t) {
        threads[t].join();
    }
    uploadsDone = true;
    r.seconds = std::chrono::duration<double>(SimClock::now() - start).count();
    r.cpuMsPerSecond = (bench::processCpuMs(server.pid()) - cpuBefore) / r.seconds;
    r.rssMib = static_cast<double>(server.memoryKib("VmRSS")) / 1024.0;
    r.downloadsPerSecond = (downloadsAnswered(url) - downloadsBefore) / r.seconds;
    std::this_thread::sleep_for(3s);  // the last check-ins reach the waiting kiosks
    stop = true;
    for (std::size_t t = 0; t < static_cast<std::size_t>(kiosks); ++t) threads[t].join();
    r.stored = stored;
    r.failed = failures;
    auto arrivals = log.snapshot();
    for (const auto& [id, sent] : sentAt) {
        for (int reader = 1; reader < kiosks; ++reader) {
            auto found = arrivals.find(id);
            if (found == arrivals.end() || !found->second.count(static_cast<std::size_t>(reader))) {
                ++r.missing;
                continue;
            }
            r.propagationMs.push_back(found->second.at(static_cast<std::size_t>(reader)) - sent);
        }
    }
    return r;
}

void print(const RunFigures& r) {
    std::printf(
        "  %4d kiosks, %4.0f s: %7.1f check-ins stored/s (%ld failed), upload p50 %7.1f ms "
        "p99 %7.1f ms, propagation p50 %7.1f ms p99 %7.1f ms (%ld missing), server CPU "
        "%5.0f ms/s, RSS %6.1f MiB, %6.0f downloads answered/s\n",
        r.kiosks, r.seconds, static_cast<double>(r.stored) / r.seconds, r.failed,
        percentile(r.uploadMs, 0.5), percentile(r.uploadMs, 0.99), percentile(r.propagationMs, 0.5),
        percentile(r.propagationMs, 0.99), r.missing, r.cpuMsPerSecond, r.rssMib,
        r.downloadsPerSecond);
    std::fflush(stdout);
}

// The peer: `rows` one-row transactions into a plain SQLite database in WAL mode with
// synchronous=FULL, as fast as one process can: rows per second.
double sqliteRowsPerSecond(const std::filesystem::path& dir, int rows) {
    SQLite::Database db((dir / "peer.db").string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("PRAGMA journal_mode=WAL");
    db.exec("PRAGMA synchronous=FULL");
    db.exec(
        "CREATE TABLE checkins (id TEXT PRIMARY KEY, event_id TEXT, device_id TEXT, hlc INTEGER, "
        "payload TEXT); CREATE TABLE received (seq INTEGER PRIMARY KEY, checkin_id TEXT UNIQUE, "
        "received_at INTEGER)");
    SQLite::Statement insert(db, "INSERT INTO checkins VALUES (?, 'event', 'device', ?, ?)");
    SQLite::Statement order(db, "INSERT INTO received (checkin_id, received_at) VALUES (?, ?)");
    const std::string payload(400, 'x');  // about a check-in's JSON
    const auto start = SimClock::now();
    for (int i = 0; i < rows; ++i) {
        SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
        const std::string id = "id-" + std::to_string(i);
        insert.bind(1, id);
        insert.bind(2, i);
        insert.bind(3, payload);
        insert.exec();
        insert.reset();
        order.bind(1, id);
        order.bind(2, i);
        order.exec();
        order.reset();
        transaction.commit();
    }
    return rows / std::chrono::duration<double>(SimClock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    int kiosks = 100;
    int seconds = 60;
    int stepSeconds = 20;
    std::vector<int> steps{50, 100, 150, 200};
    std::string lastSyncEvery;
    std::string wakeEvery;
    for (std::size_t i = 0; i + 1 < args.size(); i += 2) {
        if (args[i] == "--kiosks") {
            kiosks = std::stoi(args[i + 1]);
        } else if (args[i] == "--seconds") {
            seconds = std::stoi(args[i + 1]);
        } else if (args[i] == "--step-seconds") {
            stepSeconds = std::stoi(args[i + 1]);
        } else if (args[i] == "--last-sync-every") {
            lastSyncEvery = args[i + 1];
        } else if (args[i] == "--wake-every") {
            wakeEvery = args[i + 1];
        } else if (args[i] == "--steps") {
            steps.clear();
            std::istringstream list(args[i + 1]);
            for (std::string item; std::getline(list, item, ',');) steps.push_back(std::stoi(item));
        } else {
            simDie(
                "usage: admit_load_bench [--kiosks N] [--seconds S] [--steps A,B,...] "
                "[--step-seconds S] [--last-sync-every SECONDS] [--wake-every MILLISECONDS]");
        }
    }
    if (args.size() % 2 != 0 || kiosks < 2) simDie("bad arguments");
    int devices = kiosks;
    for (int k : steps) devices += k;

    auto dir =
        std::filesystem::temp_directory_path() / ("admit-load-bench-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    SimFixture f = makeSimFixture(dir, devices, true);
    // Room for every kiosk's waiting download.
    std::vector<std::string> serverArgs{"--max-waiting", "1000", "--max-connections", "4096"};
    if (!lastSyncEvery.empty()) {
        serverArgs.insert(serverArgs.end(), {"--last-sync-every", lastSyncEvery});
    }
    if (!wakeEvery.empty()) serverArgs.insert(serverArgs.end(), {"--wake-every", wakeEvery});
    testing::ServerProcess server(f.dbFile(), f.keyFile(), (dir / "server.log").string(),
                                  serverArgs, ADMIT_SERVER_PATH);
    server.start();
    std::printf(
        "load: protocol-level kiosks uploading about one check-in a second each and "
        "waiting for downloads, admit-server on loopback%s%s%s%s\n",
        lastSyncEvery.empty() ? "" : ", --last-sync-every ", lastSyncEvery.c_str(),
        wakeEvery.empty() ? "" : ", --wake-every ", wakeEvery.c_str());
    RunFigures main = run(f, server, 0, kiosks, seconds);
    print(main);
    const double peer = sqliteRowsPerSecond(dir, 2000);
    std::printf(
        "  peer: one process inserting the rows into SQLite (WAL, synchronous=FULL, a "
        "transaction per row): %.0f rows/s; the server stored %.1f/s (%.2f of the "
        "floor's rate)\n",
        peer, static_cast<double>(main.stored) / main.seconds,
        static_cast<double>(main.stored) / main.seconds / peer);
    std::size_t first = static_cast<std::size_t>(kiosks);
    std::optional<int> passed;
    for (int k : steps) {
        RunFigures step = run(f, server, first, k, stepSeconds);
        first += static_cast<std::size_t>(k);
        print(step);
        if (!passed && percentile(step.uploadMs, 0.99) > 1000.0) passed = k;
    }
    if (passed) {
        std::printf("  upload p99 passes 1 s at %d kiosks\n", *passed);
    } else {
        std::printf("  upload p99 stayed under 1 s up to %d kiosks\n", steps.back());
    }
    server.stop();
    std::filesystem::remove_all(dir);
    return 0;
}
