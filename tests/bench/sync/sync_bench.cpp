// What a kiosk's first sync costs on a 100,000-attendee event, against the offline path it
// replaces: exportReplica copying the same event into an empty encrypted replica, in the same
// run, alternately. Reported: the roster's size on the wire, the server's time to write it
// (rosterJson) and the kiosk's time to store it (applyRosterJson), and their ratio to the copy;
// then the kiosk's time to apply the roster again after one revocation (a diff: one row).
//
// Usage: admit_sync_bench [attendees=100000] [rounds=3]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <SQLiteCpp/Transaction.h>

#include "admit/organiser/event_admin.hpp"
#include "admit/replica/replica.hpp"
#include "admit/replica/replica_key.hpp"
#include "admit/store/attendees.hpp"
#include "admit/store/schema.hpp"
#include "admit/store/store.hpp"
#include "admit/sync/protocol/roster.hpp"
#include "bench_event.hpp"

namespace {

using Clock = std::chrono::steady_clock;

template <class F>
double timeMs(F&& f) {
    auto start = Clock::now();
    f();
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    using namespace admit;
    int attendeeCount = argc > 1 ? std::stoi(argv[1]) : 100'000;
    int rounds = argc > 2 ? std::stoi(argv[2]) : 3;
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

    std::vector<double> copyMs, writeMs, applyMs, changeMs;
    std::int64_t changeRows = 0;
    std::size_t bytes = 0;
    for (int round = 0; round < rounds; ++round) {
        {
            auto replica = freshReplica("copy.db");
            copyMs.push_back(timeMs([&] {
                if (!organiser::exportReplica(org, eventId, replica)) std::exit(1);
            }));
        }
        {
            auto replica = freshReplica("synced.db");
            Result<std::string> body = fail("not run");
            writeMs.push_back(timeMs([&] { body = sync::rosterJson(org, eventId, 0); }));
            if (!body) return std::fprintf(stderr, "%s\n", body.error().message.c_str()), 1;
            bytes = body->size();
            applyMs.push_back(timeMs([&] {
                auto applied = sync::applyRosterJson(replica, eventId, *body);
                if (!applied) {
                    std::fprintf(stderr, "%s\n", applied.error().message.c_str());
                    std::exit(1);
                }
            }));
            // The organiser revokes one code: the kiosk downloads the roster again and writes
            // only the difference.
            store::CodeLists(org).add(store::CodeList::kRevoked, eventId,
                                      "revoked-" + std::to_string(round), "refund", round);
            auto changed = sync::rosterJson(org, eventId, 0);
            if (!changed) return 1;
            changeMs.push_back(timeMs([&] {
                auto applied = sync::applyRosterJson(replica, eventId, *changed);
                if (!applied) std::exit(1);
                changeRows = applied->rowsWritten;
            }));
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
        "kiosk applies a one-code change:     median %8.1f ms   %.2fx of the copy "
        "(%lld rows written)\n",
        median(changeMs), median(changeMs) / copy, static_cast<long long>(changeRows));
    std::printf("both:                                median %8.1f ms   %.2fx of the copy\n",
                write + apply, (write + apply) / copy);
    std::filesystem::remove_all(dir);
    return 0;
}
