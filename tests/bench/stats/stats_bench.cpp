// Statistics and search at festival scale, on the kiosk's encrypted replica of a
// 100,000-attendee event (docs/performance.md, "Statistics and search"). Every figure has its
// peer in the same run:
//
//  1. Dashboard refresh: store::AttendanceTally (incremental: re-derives the tickets changed
//     since the last refresh, here a busy second's 20 check-ins) against CheckInLog::stats
//     (recomputed from the whole log), at 10,000 and 100,000 check-ins.
//  2. The check-in path: a scan on the replica as migrated (no trigger on check-ins: the change
//     list is written on downloads only) against the same replica with migration 6's trigger
//     put back (the design before), interleaved, p50 and p99.
//  3. Scan latency while the dashboard refreshes every second: scans arrive every 20 ms; with
//     no dashboard, with the tally on its own connection and thread (the kiosk now), and with
//     the recompute on the scanning thread (the kiosk before: its database worker).
//  4. Search per keystroke: store::AttendeeSearch against the LIKE scan (Attendees::search);
//     and the kiosk's whole keystroke, the search plus the engine's preview of each shown
//     person (CheckInEngine::evaluateAttendee, for the button).
//
// Usage: admit_stats_bench [attendees=100000] [checkins=100000] [scans=500] [parts=1234]
// (parts: which of the four to run, e.g. "4" for the search alone; the check-ins are stored
// either way)

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include "admit/organiser/event_admin.hpp"
#include "admit/replica/replica.hpp"
#include "admit/replica/replica_key.hpp"
#include "admit/rules/checkin_engine.hpp"
#include "admit/store/attendance_tally.hpp"
#include "admit/store/attendee_search.hpp"
#include "admit/store/attendees.hpp"
#include "admit/store/checkin_log.hpp"
#include "admit/store/schema.hpp"
#include "admit/store/store.hpp"
#include "admit/store/uuid.hpp"
#include "bench_arguments.hpp"
#include "bench_event.hpp"
#include "bench_timing.hpp"

namespace {

using namespace admit;
using Clock = std::chrono::steady_clock;

using admit::bench::percentile;
using admit::bench::timeMs;

SQLite::Database openCopy(const std::filesystem::path& path, const replica::ReplicaKey& key,
                          replica::OpenMode mode) {
    auto db = replica::openReplica(path, key, mode);
    if (!db) {
        std::fprintf(stderr, "%s\n", db.error().message.c_str());
        std::exit(1);
    }
    store::applyConnectionSettings(*db);
    return std::move(db).value();
}

struct Ticket {
    std::string ref;
    std::int64_t attendee = 0;
};

// Check-ins as other kiosks make them (downloaded): 8 devices at 4 gates, 3% exits, 1.5%
// re-entries after an exit, 0.5% duplicates (a second entry on another device, no exit
// between), 0.5% undone; the rest first arrivals (the mix of the festival).
class Filler {
  public:
    Filler(SQLite::Database& db, std::string eventId, std::vector<Ticket> tickets)
        : db_(db),
          clock_(db),
          log_(db, clock_),
          eventId_(std::move(eventId)),
          tickets_(std::move(tickets)) {}

    void fillTo(std::int64_t total) {
        SQLite::Transaction t(db_);
        while (made_ < total) {
            std::int64_t n = made_++;
            now_ += 37;
            int kind = static_cast<int>(random_() % 1000);
            CheckIn c;
            if (kind < 30 && !inside_.empty()) {  // an exit
                std::size_t k = random_() % inside_.size();
                c = record(inside_[k], store::Direction::kExit);
                outside_.push_back(inside_[k]);
                inside_[k] = inside_.back();
                inside_.pop_back();
            } else if (kind < 45 && !outside_.empty()) {  // back in after an exit
                std::size_t k = random_() % outside_.size();
                c = record(outside_[k], store::Direction::kEntry);
                inside_.push_back(outside_[k]);
                outside_[k] = outside_.back();
                outside_.pop_back();
            } else if (kind < 50 && !inside_.empty()) {  // a duplicate, on another device
                c = record(inside_[random_() % inside_.size()], store::Direction::kEntry);
                c.deviceId = "device-" + std::to_string((n + 3) % 8);
            } else if (kind < 55 && !stored_.empty()) {  // an undo from another kiosk
                store::CheckIn target = stored_[random_() % stored_.size()];
                std::string annuls = target.id;
                target.id = store::newUuidV7(now_);
                target.hlc = now_ << 16;
                log_.storeReceived(target, true, annuls, now_);
                continue;
            } else {  // a first arrival
                const Ticket& first = tickets_[next_++ % tickets_.size()];
                inside_.push_back(first);
                c = record(first, store::Direction::kEntry);
            }
            log_.storeReceived(c, false, "", now_);
            if (stored_.size() < 5000) stored_.push_back(c);
        }
        t.commit();
    }

    std::int64_t made() const { return made_; }

  private:
    using CheckIn = store::CheckIn;

    CheckIn record(const Ticket& ticket, store::Direction direction) {
        CheckIn c;
        c.id = store::newUuidV7(now_);
        c.eventId = eventId_;
        c.ticketRef = ticket.ref;
        c.attendeeId = ticket.attendee;
        c.deviceId = "device-" + std::to_string(made_ % 8);
        c.gate = "Gate " + std::to_string(made_ % 4 + 1);
        c.direction = direction;
        c.hlc = now_ << 16;
        c.wallTimeMs = now_;
        c.operatorName = "bench";
        return c;
    }

    SQLite::Database& db_;
    store::HybridLogicalClock clock_;
    store::CheckInLog log_;
    std::string eventId_;
    std::vector<Ticket> tickets_;
    std::vector<Ticket> inside_;
    std::vector<Ticket> outside_;
    std::vector<CheckIn> stored_;
    std::mt19937_64 random_{18};
    std::int64_t made_ = 0;
    std::size_t next_ = 0;
    std::int64_t now_ = 1'780'000'000'000;
};

void refreshFigures(SQLite::Database& writer, SQLite::Database& reader, Filler& filler,
                    const std::string& eventId) {
    store::HybridLogicalClock clock(reader);
    store::CheckInLog log(reader, clock);
    std::vector<double> recompute;
    // Three recomputes at the smaller size, one at the larger (each takes seconds there).
    int rounds = filler.made() > 20'000 ? 1 : 3;
    for (int i = 0; i < rounds; ++i) {
        recompute.push_back(timeMs([&] { (void)log.stats(eventId); }));
    }
    store::AttendanceTally tally(reader, eventId);
    double first = timeMs([&] { (void)tally.refresh(); });
    std::vector<double> incremental;
    for (int i = 0; i < 30; ++i) {
        filler.fillTo(filler.made() + 20);  // a busy second at the gates
        incremental.push_back(timeMs([&] { (void)tally.refresh(); }));
    }
    bool same = tally.refresh() == log.stats(eventId);
    (void)writer;
    std::printf(
        "%7lld check-ins: recompute p50 %8.1f ms | tally: first refresh (whole log) %7.1f ms, "
        "refresh after 20 new p50 %6.2f ms  p99 %6.2f ms | recompute / refresh %6.0fx %s\n",
        static_cast<long long>(filler.made()), percentile(recompute, 0.5), first,
        percentile(incremental, 0.5), percentile(incremental, 0.99),
        percentile(recompute, 0.5) / percentile(incremental, 0.5),
        same ? "(figures equal)" : "(FIGURES DIFFER)");
}

enum class Dashboard { kNone, kOwnThread, kOnScanThread };

// Scans arriving every `gapMs` at a worker; latency = done - arrived (queueing included).
std::vector<double> scanLatencies(rules::CheckInEngine& engine, SQLite::Database& writer,
                                  const std::filesystem::path& path, const replica::ReplicaKey& key,
                                  const std::string& eventId, const std::vector<std::string>& texts,
                                  Dashboard dashboard, int& refused, int& refreshes) {
    const auto gap = std::chrono::milliseconds(20);
    const auto every = std::chrono::seconds(1);
    std::atomic<bool> done{false};
    std::atomic<int> ran{0};
    std::thread reader;
    if (dashboard == Dashboard::kOwnThread) {
        reader = std::thread([&] {
            SQLite::Database db = openCopy(path, key, replica::OpenMode::kReadWrite);
            store::AttendanceTally tally(db, eventId);
            auto next = Clock::now();
            while (!done) {
                (void)tally.refresh();
                ++ran;
                next += every;
                while (!done && Clock::now() < next) {
                    std::this_thread::sleep_for(std::chrono::milliseconds(5));
                }
            }
        });
    }
    store::HybridLogicalClock clock(writer);
    store::CheckInLog log(writer, clock);
    std::vector<double> out;
    auto start = Clock::now() + std::chrono::milliseconds(50);
    auto nextRecompute = start;
    for (std::size_t i = 0; i < texts.size(); ++i) {
        auto arrived = start + gap * static_cast<int>(i);
        if (dashboard == Dashboard::kOnScanThread && Clock::now() >= nextRecompute) {
            (void)log.stats(eventId);
            ++ran;
            nextRecompute = Clock::now() + every;
        }
        std::this_thread::sleep_until(arrived);
        rules::ScanContext context{eventId, "Gate 1", store::Direction::kEntry, "",
                                   1'790'000'000'000 + static_cast<std::int64_t>(i)};
        auto v = engine.scan(texts[i], context);
        refused += !(v && v->accepted);
        out.push_back(std::chrono::duration<double, std::milli>(Clock::now() - arrived).count());
    }
    done = true;
    if (reader.joinable()) reader.join();
    refreshes = ran;
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    constexpr const char* kUsage =
        "admit_stats_bench [attendees=100000] [checkins=100000] [scans=500] [parts=1234]";
    const auto attendeeCount =
        static_cast<int>(bench::countArgument(argc, argv, 1, 100'000, "attendees", kUsage));
    const std::int64_t checkIns = bench::countArgument(argc, argv, 2, 100'000, "checkins", kUsage);
    const auto scans = static_cast<int>(bench::countArgument(argc, argv, 3, 500, "scans", kUsage));
    std::string parts = argc > 4 ? argv[4] : "1234";
    auto runs = [&](char part) { return parts.find(part) != std::string::npos; };
    std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress shows when piped
    auto dir = std::filesystem::temp_directory_path() / "admit-stats-bench";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);

    // Tickets kept for scanning: 2 x scans for the trigger comparison, 3 x scans for latency.
    const int keep = scans * 5;
    auto made = bench::makeBenchEvent(dir, attendeeCount, keep);
    const std::string& eventId = made.eventId;
    auto key = replica::ReplicaKey::generate();
    const auto replicaPath = dir / "kiosk.db";
    const auto peerPath = dir / "kiosk-with-trigger.db";
    for (const auto& path : {replicaPath, peerPath}) {
        SQLite::Database db = openCopy(path, key, replica::OpenMode::kCreate);
        (void)store::migrate(db);
        (void)organiser::exportReplica(made.org, eventId, db);
    }
    std::printf(
        "replica: %d attendees (encrypted); check-ins downloaded from 8 devices at 4 gates\n",
        attendeeCount);

    // Tickets the filler checks in: everyone's but the first `keep` (scanned below).
    std::vector<Ticket> tickets;
    {
        SQLite::Database db = openCopy(replicaPath, key, replica::OpenMode::kReadWrite);
        SQLite::Statement q(db,
                            "SELECT t.ref, t.attendee_id FROM tickets t JOIN attendees a ON "
                            "a.id = t.attendee_id WHERE t.event_id = ? AND CAST(a.import_key "
                            "AS INTEGER) >= ? ORDER BY t.attendee_id");
        q.bind(1, eventId);
        q.bind(2, keep);
        while (q.executeStep())
            tickets.push_back({q.getColumn(0).getString(), q.getColumn(1).getInt64()});
    }

    SQLite::Database writer = openCopy(replicaPath, key, replica::OpenMode::kReadWrite);
    SQLite::Database reader = openCopy(replicaPath, key, replica::OpenMode::kReadWrite);
    SQLite::Database peer = openCopy(peerPath, key, replica::OpenMode::kReadWrite);
    // Migration 6's trigger, as it was before migration 10 dropped it.
    peer.exec(
        "CREATE TRIGGER checkins_changed AFTER INSERT ON checkins WHEN NEW.id IS NOT (SELECT "
        "record_id FROM outbox ORDER BY seq DESC LIMIT 1) BEGIN INSERT INTO checkin_changes "
        "(event_id, ticket_ref) VALUES (NEW.event_id, NEW.ticket_ref); INSERT INTO "
        "checkin_changes (event_id, ticket_ref) SELECT event_id, ticket_ref FROM checkins WHERE "
        "NEW.annuls IS NOT NULL AND id = NEW.annuls AND NOT (event_id = NEW.event_id AND "
        "ticket_ref = NEW.ticket_ref); END");
    Filler filler(writer, eventId, tickets);
    Filler peerFiller(peer, eventId, tickets);

    if (runs('1')) {
        std::printf(
            "\n1. dashboard refresh (recompute: median of 3, 1 at the larger size; 30 "
            "refreshes of the tally)\n");
    }
    for (std::int64_t target : {checkIns / 10, checkIns}) {
        filler.fillTo(target);
        if (runs('1')) refreshFigures(writer, reader, filler, eventId);
    }
    if (runs('2')) peerFiller.fillTo(filler.made());
    writer.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    peer.exec("PRAGMA wal_checkpoint(TRUNCATE)");

    int refused = 0;
    if (runs('2')) {
        std::printf("\n2. check-in path (verify + record, fsync), %d scans each, interleaved\n",
                    scans);
        rules::CheckInEngine asMigrated(writer);
        rules::CheckInEngine withTrigger(peer);
        std::vector<double> a, b;
        for (int i = 0; i < scans; ++i) {
            const std::string& text = made.tickets[static_cast<std::size_t>(i)];
            rules::ScanContext context{eventId, "Gate 1", store::Direction::kEntry, "",
                                       1'790'000'000'000 + i};
            a.push_back(timeMs([&] {
                auto v = asMigrated.scan(text, context);
                refused += !(v && v->accepted);
            }));
            b.push_back(timeMs([&] {
                auto v = withTrigger.scan(text, context);
                refused += !(v && v->accepted);
            }));
        }
        std::printf("as migrated (no trigger)       p50 %7.3f ms  p99 %7.3f ms\n",
                    percentile(a, 0.5), percentile(a, 0.99));
        std::printf("with migration 6's trigger     p50 %7.3f ms  p99 %7.3f ms\n",
                    percentile(b, 0.5), percentile(b, 0.99));
        std::printf("ratio                          p50 %.3fx    p99 %.3fx\n",
                    percentile(a, 0.5) / percentile(b, 0.5),
                    percentile(a, 0.99) / percentile(b, 0.99));
    }

    if (runs('3')) {
        std::printf(
            "\n3. scan latency, a scan every 20 ms, %lld check-ins stored, dashboard every 1 s\n",
            static_cast<long long>(filler.made()));
        rules::CheckInEngine engine(writer);
        auto texts = [&](int part) {
            auto from = made.tickets.begin() + scans * (2 + part);
            return std::vector<std::string>(from, from + scans);
        };
        int refreshes = 0;
        auto none = scanLatencies(engine, writer, replicaPath, key, eventId, texts(0),
                                  Dashboard::kNone, refused, refreshes);
        auto own = scanLatencies(engine, writer, replicaPath, key, eventId, texts(1),
                                 Dashboard::kOwnThread, refused, refreshes);
        int ownRefreshes = refreshes;
        // Fewer: each recompute takes minutes at 100,000 check-ins.
        std::vector<std::string> third = texts(2);
        third.resize(static_cast<std::size_t>(std::max(1, scans / 25)));
        auto inline_ = scanLatencies(engine, writer, replicaPath, key, eventId, third,
                                     Dashboard::kOnScanThread, refused, refreshes);
        auto line = [&](const char* name, const std::vector<double>& ms, int n) {
            std::printf(
                "%-44s p50 %8.3f ms  p99 %8.3f ms  (%zu scans, %d refreshes) p99 ratio "
                "to none %.2fx\n",
                name, percentile(ms, 0.5), percentile(ms, 0.99), ms.size(), n,
                percentile(ms, 0.99) / percentile(none, 0.99));
        };
        line("no dashboard", none, 0);
        line("tally on its own connection and thread", own, ownRefreshes);
        line("recompute on the scanning thread (before)", inline_, refreshes);
    }

    if (runs('4')) {
        std::printf("\n4. search per keystroke, %d attendees, 20 results\n", attendeeCount);
        // The search before: a LIKE scan of every row, prefix matches first.
        SQLite::Statement likeScan(
            reader,
            "SELECT id, name, email FROM attendees WHERE event_id = ?1 AND (name LIKE '%' || ?2 "
            "|| '%' OR email LIKE '%' || ?2 || '%') ORDER BY (name LIKE ?2 || '%') DESC, name, "
            "id LIMIT 20");
        auto like = [&](const std::string& query) {
            likeScan.reset();
            likeScan.bind(1, eventId);
            likeScan.bind(2, query);
            std::size_t n = 0;
            while (likeScan.executeStep()) ++n;
            return n;
        };
        store::AttendeeSearch search(reader, eventId);
        rules::CheckInEngine previews(reader);
        int failedPreviews = 0;
        const rules::ScanContext context{eventId, "Gate 1", store::Direction::kEntry, "vic",
                                         1'780'000'000'000};
        double build = timeMs([&] { (void)search.find("x", 20); });
        std::string someone = std::to_string(attendeeCount * 3 / 4 + 17);
        for (const std::string& typed : {std::string("attendee ") + someone,
                                         "a" + someone + "@example", std::string("jose")}) {
            std::vector<double> likeMs, index, withPreviews;
            std::size_t likeHits = 0, indexHits = 0;
            // Typed 10 times over: every prefix is a keystroke.
            for (int round = 0; round < 10; ++round) {
                for (std::size_t n = 1; n <= typed.size(); ++n) {
                    std::string query = typed.substr(0, n);
                    likeMs.push_back(timeMs([&] { likeHits = like(query); }));
                    index.push_back(timeMs([&] { indexHits = search.find(query, 20).size(); }));
                    // The kiosk's keystroke: the search, then the engine's preview of each
                    // shown person for their button, in one read transaction.
                    withPreviews.push_back(timeMs([&] {
                        auto hits = search.find(query, 20);
                        SQLite::Transaction snapshot(reader, SQLite::TransactionBehavior::DEFERRED);
                        for (const auto& hit : hits) {
                            if (!previews.evaluateAttendee(hit.attendee.id, context))
                                ++failedPreviews;
                        }
                        snapshot.commit();
                    }));
                }
            }
            std::printf(
                "typing %-18s LIKE scan p50 %6.2f p99 %6.2f ms | AttendeeSearch p50 %5.2f p99 "
                "%5.2f ms | LIKE / search p50 %5.1fx p99 %5.1fx (%zu keystrokes; last: %zu and "
                "%zu hits)\n  with each shown person's preview (the kiosk's keystroke) p50 %5.2f "
                "p99 %5.2f ms\n",
                ("\"" + typed + "\"").c_str(), percentile(likeMs, 0.5), percentile(likeMs, 0.99),
                percentile(index, 0.5), percentile(index, 0.99),
                percentile(likeMs, 0.5) / percentile(index, 0.5),
                percentile(likeMs, 0.99) / percentile(index, 0.99), index.size(), likeHits,
                indexHits, percentile(withPreviews, 0.5), percentile(withPreviews, 0.99));
        }
        std::printf(
            "(the index is built on the first keystroke and after a roster change: %.1f ms)\n",
            build);
        if (failedPreviews) std::printf("WARNING: %d previews failed\n", failedPreviews);
        refused += failedPreviews;
    }
    if (refused) std::printf("WARNING: %d scans were not accepted\n", refused);
    std::filesystem::remove_all(dir);
    return refused ? 1 : 0;
}
