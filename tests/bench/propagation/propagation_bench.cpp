// Propagation (issue 14, item 2): how long a check-in uploaded by one kiosk takes to reach every
// other kiosk of the event, with waiting downloads (what an online kiosk does) and, as the peer
// in the same run on the same check-ins, with polling at the kiosk's interval (what it did
// before, and still does when the server does not wait). Then the idle cost of waiting
// connections: the server's RSS and CPU per second with none, 20 and 200 waiting.
//
// Protocol-level kiosks (kiosk_simulator.hpp) against the real admit-server on 127.0.0.1.
// Usage: admit_propagation_bench [--kiosks 20] [--seconds 60] [--every-ms 500]
//                                [--poll-seconds 15] [--idle-seconds 10]

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "bench_timing.hpp"
#include "kiosk_simulator.hpp"
#include "process_usage.hpp"
#include "raw_http.hpp"
#include "server_process.hpp"

using namespace admit;
using namespace admit::bench;
using namespace std::chrono_literals;

namespace {

struct Window {
    std::vector<double> each;  // per check-in and reader
    std::vector<double> all;   // per check-in: until the last reader had it
    long missing = 0;          // (check-in, reader) pairs that never arrived
};

Window windowOf(const std::map<std::string, double>& sentAt, const ArrivalLog& log,
                std::size_t firstReader, std::size_t readers) {
    Window w;
    auto arrivals = log.snapshot();
    for (const auto& [id, sent] : sentAt) {
        double last = 0;
        bool complete = true;
        for (std::size_t r = firstReader; r < firstReader + readers; ++r) {
            auto found = arrivals.find(id);
            if (found == arrivals.end() || !found->second.count(r)) {
                ++w.missing;
                complete = false;
                continue;
            }
            double ms = found->second.at(r) - sent;
            w.each.push_back(ms);
            last = std::max(last, ms);
        }
        if (complete) w.all.push_back(last);
    }
    return w;
}

void printWindow(const char* name, const Window& w) {
    std::printf(
        "  %-34s p50 %8.1f ms  p99 %8.1f ms  max %8.1f ms | all others: p50 %8.1f ms  "
        "p99 %8.1f ms | missing %ld\n",
        name, percentile(w.each, 0.50), percentile(w.each, 0.99),
        w.each.empty() ? 0.0 : *std::max_element(w.each.begin(), w.each.end()),
        percentile(w.all, 0.50), percentile(w.all, 0.99), w.missing);
}

struct IdleFigures {
    double rssMib = 0;
    double cpuMsPerSecond = 0;
};

IdleFigures idleFor(testing::ServerProcess& server, std::chrono::seconds seconds) {
    const double before = bench::processCpuMs(server.pid());
    std::this_thread::sleep_for(seconds);
    const double after = bench::processCpuMs(server.pid());
    return {static_cast<double>(server.memoryKib("VmRSS")) / 1024.0,
            (after - before) / static_cast<double>(seconds.count())};
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    int kiosks = 20;
    int seconds = 60;
    int everyMs = 500;
    int pollSeconds = 15;
    int idleSeconds = 10;
    for (std::size_t i = 0; i + 1 < args.size(); i += 2) {
        const int value = std::stoi(args[i + 1]);
        if (args[i] == "--kiosks") {
            kiosks = value;
        } else if (args[i] == "--seconds") {
            seconds = value;
        } else if (args[i] == "--every-ms") {
            everyMs = value;
        } else if (args[i] == "--poll-seconds") {
            pollSeconds = value;
        } else if (args[i] == "--idle-seconds") {
            idleSeconds = value;
        } else {
            simDie(
                "usage: admit_propagation_bench [--kiosks N] [--seconds S] [--every-ms MS] "
                "[--poll-seconds S] [--idle-seconds S]");
        }
    }
    if (args.size() % 2 != 0 || kiosks < 2) simDie("bad arguments");
    const std::size_t readers = static_cast<std::size_t>(kiosks - 1);
    constexpr std::size_t kIdleDevices = 100;  // 200 waiters at 2 per device

    auto dir = std::filesystem::temp_directory_path() /
               ("admit-propagation-bench-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    // Device 0 writes; 1..readers wait; then as many poll; then the idle waiters' devices.
    SimFixture f = makeSimFixture(dir, static_cast<int>(1 + 2 * readers + kIdleDevices));
    testing::ServerProcess server(f.dbFile(), f.keyFile(), (dir / "server.log").string(), {},
                                  ADMIT_SERVER_PATH);
    server.start();
    const std::string url = server.url();
    std::printf(
        "propagation: %d kiosks (1 uploading a check-in every %d ms for %d s), %zu "
        "waiting and %zu polling every %d s, admit-server on loopback\n",
        kiosks, everyMs, seconds, readers, readers, pollSeconds);

    std::atomic<bool> stop = false;
    std::atomic<long> failures = 0;
    ArrivalLog log;
    const auto origin = SimClock::now();
    std::vector<std::thread> threads;
    for (std::size_t r = 0; r < readers; ++r) {
        threads.emplace_back([&, r] {
            runReader(url, f, f.devices[1 + r], r, 25s, 0ms, 0ms, origin, stop, log, failures);
        });
    }
    const auto poll = std::chrono::milliseconds(pollSeconds * 1000);
    for (std::size_t r = 0; r < readers; ++r) {
        // Phases spread over the interval, as kiosks started at different times would be.
        auto phase = poll * static_cast<long>(r) / static_cast<long>(readers);
        threads.emplace_back([&, r, phase] {
            runReader(url, f, f.devices[1 + readers + r], readers + r, 0s, poll, phase, origin,
                      stop, log, failures);
        });
    }
    std::this_thread::sleep_for(2s);  // the waiting downloads are in place

    std::map<std::string, double> sentAt;
    sync::HttpClient writer;
    std::vector<double> uploadMs;
    const auto end = SimClock::now() + std::chrono::seconds(seconds);
    for (int n = 0; SimClock::now() < end; ++n) {
        const auto next = SimClock::now() + std::chrono::milliseconds(everyMs);
        SimCheckIn c = makeCheckIn(f, n);
        auto request = simRequest(url + sync::checkinsPath(f.eventId), f.devices[0].token);
        request.method = sync::HttpRequest::Method::kPost;
        request.body = sync::toJson(c.upload);
        const auto sent = SimClock::now();
        auto answer = writer.perform(request);
        if (!answer || answer->status != 200) {
            ++failures;
            continue;
        }
        uploadMs.push_back(
            std::chrono::duration<double, std::milli>(SimClock::now() - sent).count());
        sentAt[c.id] = std::chrono::duration<double, std::milli>(sent - origin).count();
        std::this_thread::sleep_until(next);
    }
    // The pollers' last round comes within an interval.
    std::this_thread::sleep_for(poll + 2s);
    stop = true;
    for (auto& t : threads) t.join();

    std::printf("  %zu check-ins uploaded (upload p50 %.1f ms, p99 %.1f ms), %ld failed requests\n",
                sentAt.size(), percentile(uploadMs, 0.5), percentile(uploadMs, 0.99),
                failures.load());
    Window waiting = windowOf(sentAt, log, 0, readers);
    Window polling = windowOf(sentAt, log, readers, readers);
    printWindow("waiting downloads (long poll)", waiting);
    char name[64];
    std::snprintf(name, sizeof name, "polling every %d s (peer)", pollSeconds);
    printWindow(name, polling);
    const double ratio50 =
        percentile(polling.each, 0.5) / std::max(percentile(waiting.each, 0.5), 0.001);
    const double ratio99 =
        percentile(polling.each, 0.99) / std::max(percentile(waiting.each, 0.99), 0.001);
    std::printf("  polling / waiting: p50 %.0fx, p99 %.0fx\n", ratio50, ratio99);

    // Idle cost of waiting connections (nothing is uploaded meanwhile).
    std::printf("idle cost (%d s each, nothing uploaded):\n", idleSeconds);
    const auto idle = std::chrono::seconds(idleSeconds);
    IdleFigures none = idleFor(server, idle);
    std::printf("  %4d waiting: RSS %6.1f MiB, CPU %6.2f ms/s\n", 0, none.rssMib,
                none.cpuMsPerSecond);
    for (std::size_t count : {std::size_t{20}, std::size_t{200}}) {
        std::vector<std::unique_ptr<testing::RawConnection>> waiters;
        for (std::size_t i = 0; i < count; ++i) {
            const auto& device = f.devices[1 + 2 * readers + i / 2];
            auto connection = std::make_unique<testing::RawConnection>(server.port());
            if (!connection->send(testing::rawRequest(
                    "GET",
                    sync::checkinsPath(f.eventId) + "?after=" + std::to_string(1'000'000) +
                        "&wait=25&roster=" + std::to_string(f.rosterVersion),
                    {"Authorization: Bearer " + device.token}))) {
                simDie("cannot open a waiter");
            }
            waiters.push_back(std::move(connection));
        }
        std::this_thread::sleep_for(1s);  // all parked
        IdleFigures figures = idleFor(server, idle);
        long answered = 0;
        for (auto& w : waiters) answered += w->readResponse(1ms) ? 1 : 0;
        std::printf(
            "  %4zu waiting: RSS %6.1f MiB (+%.2f MiB, %.1f KiB each), CPU %6.2f ms/s "
            "(%ld answered early)\n",
            count, figures.rssMib, figures.rssMib - none.rssMib,
            (figures.rssMib - none.rssMib) * 1024.0 / static_cast<double>(count),
            figures.cpuMsPerSecond, answered);
        waiters.clear();
        std::this_thread::sleep_for(1s);  // their places are given back
    }
    server.stop();
    std::filesystem::remove_all(dir);
    return 0;
}
