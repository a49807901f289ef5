// What a kiosk's first sync costs on a 100,000-attendee event, against the offline path it
// replaces: exportReplica copying the same event into an empty encrypted replica, in the same
// run, alternately. Reported: the roster's size on the wire, the server's time to write it
// (rosterJson) and the kiosk's time to store it (applyRosterJson), and their ratio to the copy;
// then one revocation reaching the kiosk two ways in the same round: as the changes since the
// kiosk's version (bytes on the wire, kiosk wall and CPU time to apply) and, the peer, as the
// whole roster again (the kiosk's diff writes one row). Server memory: the whole roster as one
// body gzipped in memory (as the server did before it streamed) against the streamed answer
// (writeFullRoster into a file, gzipped piece by piece into another, as admit-server does),
// alternately, each the growth of this process's peak RSS while it runs; and the same for the
// kiosk's apply of the whole roster. End to end as it runs now: writeFullRoster feeding the
// kiosk's RosterDownload::receive (parsed and written as it arrives), against the copy and
// against the whole body (rosterJson, then applyRosterJson), each with its peak RSS growth.
//
// Usage: admit_sync_bench [attendees=100000] [rounds=3]

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <SQLiteCpp/Transaction.h>

#include "admit/organiser/event_admin.hpp"
#include "admit/replica/replica.hpp"
#include "admit/replica/replica_key.hpp"
#include "admit/store/attendees.hpp"
#include "admit/store/schema.hpp"
#include "admit/store/store.hpp"
#include "admit/sync/protocol/roster.hpp"
#include "bench_arguments.hpp"
#include "bench_event.hpp"
#include "body_file.hpp"
#include "gzip.hpp"
#include "process_usage.hpp"

namespace {

using Clock = std::chrono::steady_clock;

template <class F>
double timeMs(F&& f) {
    auto start = Clock::now();
    f();
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// CPU time of this process (all threads), in ms.
double cpuMs() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

// How far this process's RSS peaks above where it stood while `f` runs, in MiB: sampled every
// 5 ms by another thread (the kernel's peak cannot be reset in every container).
template <class F>
double peakGrowthMib(F&& f) {
    const long before = admit::bench::processStatusKib(getpid(), "VmRSS");
    std::atomic<long> peak = before;
    std::atomic<bool> done = false;
    std::thread sampler([&] {
        while (!done) {
            peak = std::max(peak.load(), admit::bench::processStatusKib(getpid(), "VmRSS"));
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
    });
    f();
    done = true;
    sampler.join();
    peak = std::max(peak.load(), admit::bench::processStatusKib(getpid(), "VmRSS"));
    return static_cast<double>(peak - before) / 1024.0;
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    using namespace admit;
    constexpr const char* kUsage = "admit_sync_bench [attendees=100000] [rounds=3]";
    const auto attendeeCount =
        static_cast<int>(bench::countArgument(argc, argv, 1, 100'000, "attendees", kUsage));
    const auto rounds = static_cast<int>(bench::countArgument(argc, argv, 2, 3, "rounds", kUsage));
    auto dir = std::filesystem::temp_directory_path() / "admit-sync-bench";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);

    auto made = bench::makeBenchEvent(dir, attendeeCount);
    SQLite::Database& org = made.org;
    const std::string& eventId = made.eventId;
    std::printf("database: %d attendees with signed tickets, %d rounds\n", attendeeCount, rounds);

    auto key = replica::ReplicaKey::generate();
    auto freshReplica = [&](const std::string& name) {
        std::filesystem::remove(dir / name);
        std::filesystem::remove(dir / (name + "-wal"));
        auto db = replica::openReplica(dir / name, key, replica::OpenMode::kCreate);
        if (!db) {
            std::fprintf(stderr, "%s\n", db.error().message.c_str());
            std::exit(1);
        }
        store::applyConnectionSettings(*db);
        (void)store::migrate(*db);
        return std::move(*db);
    };

    std::vector<double> copyMs, writeMs, applyMs, changeMs, changeCpuMs;
    std::vector<double> deltaWriteMs, deltaMs, deltaCpuMs;
    std::vector<double> wholeServerMs, wholeServerMib, streamServerMs, streamServerMib, applyMib;
    std::uint64_t gzipBytes = 0;
    std::vector<double> streamedMs, streamedMib, beforeMib;
    std::int64_t changeRows = 0;
    std::size_t bytes = 0;
    std::size_t deltaBytes = 0;
    std::size_t changedBytes = 0;
    for (int round = 0; round < rounds; ++round) {
        {
            auto replica = freshReplica("copy.db");
            copyMs.push_back(timeMs([&] {
                if (!organiser::exportReplica(org, eventId, replica)) std::exit(1);
            }));
        }
        {
            // Server: the whole body in memory, gzipped (before), then streamed to files.
            wholeServerMib.push_back(peakGrowthMib([&] {
                wholeServerMs.push_back(timeMs([&] {
                    auto whole = sync::rosterJson(org, eventId, 0);
                    if (!whole) std::exit(1);
                    auto gz = sync::gzipCompress(*whole);
                    if (gz.empty()) std::exit(1);
                }));
            }));
            streamServerMib.push_back(peakGrowthMib([&] {
                streamServerMs.push_back(timeMs([&] {
                    auto plain = sync::BodyFile::create(dir.string());
                    auto gz = sync::BodyFile::create(dir.string());
                    if (!plain || !gz) std::exit(1);
                    auto written = sync::writeFullRoster(org, eventId, [&](std::string_view p) {
                        if (!(*plain)->append(p)) std::exit(1);
                    });
                    if (!written || !(*plain)->finish()) std::exit(1);
                    sync::GzipStream gzip([&](std::string_view p) {
                        if (!(*gz)->append(p)) std::exit(1);
                    });
                    std::string piece(64 * 1024, '\0');
                    for (std::uint64_t at = 0; at < (*plain)->size();) {
                        auto n = (*plain)->readAt(at, piece.data(), piece.size());
                        if (!n || *n == 0) std::exit(1);
                        gzip.write(std::string_view(piece.data(), *n));
                        at += *n;
                    }
                    gzip.finish();
                    if (!(*gz)->finish()) std::exit(1);
                    gzipBytes = (*gz)->size();
                }));
            }));
        }
        {
            // End to end as it runs now: the server's writer hands each piece to the kiosk's
            // receiver, which parses it and writes the rows (on its own thread); no body whole.
            auto replica = freshReplica("streamed.db");
            streamedMib.push_back(peakGrowthMib([&] {
                streamedMs.push_back(timeMs([&] {
                    sync::RosterDownload download(eventId, 0);
                    auto receiver = download.receive(replica);
                    auto written = sync::writeFullRoster(
                        org, eventId, [&](std::string_view p) { (void)receiver->feed(p); });
                    auto next = receiver->finish();
                    receiver.reset();
                    auto applied = download.apply(replica);
                    if (!written || !next || *next || !applied) {
                        std::fprintf(stderr, "the streamed roster failed: %s\n",
                                     !next      ? next.error().message.c_str()
                                     : !applied ? applied.error().message.c_str()
                                                : "");
                        std::exit(1);
                    }
                }));
            }));
        }
        {
            auto replica = freshReplica("synced.db");
            Result<std::string> body = fail("not run");
            const long beforeKib = bench::processStatusKib(getpid(), "VmRSS");
            std::atomic<long> peakKib = beforeKib;
            std::atomic<bool> measured = false;
            std::thread sampler([&] {
                while (!measured) {
                    peakKib = std::max(peakKib.load(), bench::processStatusKib(getpid(), "VmRSS"));
                    std::this_thread::sleep_for(std::chrono::milliseconds(5));
                }
            });
            writeMs.push_back(timeMs([&] { body = sync::rosterJson(org, eventId, 0); }));
            if (!body) return std::fprintf(stderr, "%s\n", body.error().message.c_str()), 1;
            bytes = body->size();
            applyMib.push_back(peakGrowthMib([&] {
                applyMs.push_back(timeMs([&] {
                    auto applied = sync::applyRosterJson(replica, eventId, *body);
                    if (!applied) {
                        std::fprintf(stderr, "%s\n", applied.error().message.c_str());
                        std::exit(1);
                    }
                }));
            }));
            measured = true;
            sampler.join();
            beforeMib.push_back(static_cast<double>(peakKib - beforeKib) / 1024.0);
            // The organiser revokes one code; the kiosk asks with its version and gets only
            // that change.
            const std::int64_t have = sync::rosterVersion(org, eventId);
            store::CodeLists(org).add(store::CodeList::kRevoked, eventId,
                                      "revoked-" + std::to_string(round), "refund", round);
            Result<std::string> delta = fail("not run");
            deltaWriteMs.push_back(timeMs([&] { delta = sync::rosterJson(org, eventId, have); }));
            if (!delta) return 1;
            deltaBytes = delta->size();
            const double deltaCpuStart = cpuMs();
            deltaMs.push_back(timeMs([&] {
                auto applied = sync::applyRosterJson(replica, eventId, *delta);
                if (!applied || !applied->delta || applied->rowsWritten != 1) {
                    std::fprintf(stderr, "the change did not apply as one row\n");
                    std::exit(1);
                }
            }));
            deltaCpuMs.push_back(cpuMs() - deltaCpuStart);
            // The peer: another revocation, sent as the whole roster (as before the change
            // log); the kiosk diffs it and writes one row.
            store::CodeLists(org).add(store::CodeList::kRevoked, eventId,
                                      "revoked-again-" + std::to_string(round), "refund", round);
            auto changed = sync::rosterJson(org, eventId, 0);
            if (!changed) return 1;
            changedBytes = changed->size();
            const double changeCpuStart = cpuMs();
            changeMs.push_back(timeMs([&] {
                auto applied = sync::applyRosterJson(replica, eventId, *changed);
                if (!applied) std::exit(1);
                changeRows = applied->rowsWritten;
            }));
            changeCpuMs.push_back(cpuMs() - changeCpuStart);
        }
    }
    double copy = median(copyMs), write = median(writeMs), apply = median(applyMs);
    std::printf("roster on the wire: %.1f MB of JSON (%.0f bytes per attendee)\n",
                static_cast<double>(bytes) / 1e6, static_cast<double>(bytes) / attendeeCount);
    std::printf("exportReplica (peer, offline copy):  median %8.1f ms\n", copy);
    std::printf("server rosterJson:                   median %8.1f ms   %.2fx of the copy\n", write,
                write / copy);
    std::printf("kiosk applyRosterJson:               median %8.1f ms   %.2fx of the copy\n", apply,
                apply / copy);
    std::printf(
        "kiosk applies a one-code change whole: median %6.1f ms   %.2fx of the copy "
        "(%lld rows written)\n",
        median(changeMs), median(changeMs) / copy, static_cast<long long>(changeRows));
    std::printf("both:                                median %8.1f ms   %.2fx of the copy\n",
                write + apply, (write + apply) / copy);
    std::printf(
        "one revoked code, as changes:        %zu bytes of JSON; server %.2f ms; kiosk "
        "applies in median %.2f ms (%.2f ms CPU)\n",
        deltaBytes, median(deltaWriteMs), median(deltaMs), median(deltaCpuMs));
    std::printf(
        "one revoked code, as the whole roster (peer): %zu bytes; kiosk applies in median "
        "%.1f ms (%.1f ms CPU)\n",
        changedBytes, median(changeMs), median(changeCpuMs));
    std::printf("ratio whole/changes: %.0fx the bytes, %.0fx the kiosk CPU\n",
                static_cast<double>(changedBytes) / static_cast<double>(deltaBytes),
                median(changeCpuMs) / median(deltaCpuMs));
    std::printf(
        "server, whole body in memory + gzip (before): median %8.1f ms, peak RSS +%.1f MiB\n",
        median(wholeServerMs), median(wholeServerMib));
    std::printf(
        "server, streamed to a file + gzip file:       median %8.1f ms, peak RSS +%.1f MiB "
        "(%.1f MB gzipped)\n",
        median(streamServerMs), median(streamServerMib), static_cast<double>(gzipBytes) / 1e6);
    std::printf("kiosk applyRosterJson of the whole roster: peak RSS +%.1f MiB (body held apart)\n",
                median(applyMib));
    std::printf(
        "before, end to end (rosterJson body, then applyRosterJson): median %8.1f ms   %.2fx "
        "of the copy, peak RSS +%.1f MiB\n",
        write + apply, (write + apply) / copy, median(beforeMib));
    std::printf(
        "streamed, end to end (writeFullRoster -> receive -> apply): median %8.1f ms   %.2fx "
        "of the copy, peak RSS +%.1f MiB\n",
        median(streamedMs), median(streamedMs) / copy, median(streamedMib));
    std::filesystem::remove_all(dir);
    return 0;
}
