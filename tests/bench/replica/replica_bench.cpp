// Encrypted replica vs plain SQLite, same machine, same run, same settings: bulk load of 100,000
// attendees, 10,000 single-row durable check-in transactions, 100,000 point lookups. Reports
// ratios (encrypted / plain); machines are noisy, so only ratios are compared with the goals.
// Check-ins are interleaved transaction by transaction; each side's total, p50 and p99 are
// reported.

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "admit/replica/replica.hpp"
#include "bench_timing.hpp"

using admit::bench::percentile;

namespace {

namespace fs = std::filesystem;
using admit::replica::OpenMode;
using admit::replica::ReplicaKey;
using Clock = std::chrono::steady_clock;

constexpr int kAttendees = 100000;
constexpr int kCheckins = 10000;
constexpr int kLookups = 100000;
// A checkpoint after this many check-ins copies about 1,000 WAL frames (2 per check-in): the
// size of the checkpoints SQLite (autocheckpoint) and the kiosk (DeferredCheckpoints) run.
constexpr int kCheckpointCheckins = 500;
constexpr int kCheckpoints = 5;

std::string ticketOf(int i) { return "TKT-" + std::to_string(1000003 * i % 9999991) + "-A"; }

double seconds(const std::function<void()>& work) {
    const auto start = Clock::now();
    work();
    return std::chrono::duration<double>(Clock::now() - start).count();
}

struct Times {
    double load = 0;
    double checkins = 0;
    double lookups = 0;
    std::vector<double> checkinMs;     // each check-in transaction
    std::vector<double> checkpointMs;  // each checkpoint of kCheckpointCheckins check-ins
};

const char* kSchema =
    "CREATE TABLE attendee(id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL,"
    " ticket TEXT NOT NULL UNIQUE, checked_in_at INTEGER);"
    "CREATE TABLE checkin(id INTEGER PRIMARY KEY, attendee INTEGER NOT NULL, at INTEGER);";

void bulkLoad(SQLite::Database& db) {
    SQLite::Transaction transaction(db);
    SQLite::Statement insert(db, "INSERT INTO attendee(id, name, email, ticket) VALUES(?,?,?,?)");
    for (int i = 1; i <= kAttendees; ++i) {
        insert.bind(1, i);
        insert.bind(2, "Attendee Surname-" + std::to_string(i));
        insert.bind(3, "attendee." + std::to_string(i) + "@example.org");
        insert.bind(4, ticketOf(i));
        insert.exec();
        insert.reset();
    }
    transaction.commit();
}

// One side of the comparison: a database and its prepared check-in statements.
struct Side {
    explicit Side(SQLite::Database& database)
        : db(database),
          mark(db, "UPDATE attendee SET checked_in_at = ? WHERE ticket = ?"),
          record(db, "INSERT INTO checkin(attendee, at) VALUES(?, ?)") {}

    void checkIn(int who, int at) {
        db.exec("BEGIN IMMEDIATE");
        mark.bind(1, at);
        mark.bind(2, ticketOf(who));
        mark.exec();
        mark.reset();
        record.bind(1, who);
        record.bind(2, at);
        record.exec();
        record.reset();
        db.exec("COMMIT");  // synchronous=FULL: durable
    }

    SQLite::Database& db;
    SQLite::Statement mark;
    SQLite::Statement record;
};

// Runs the three workloads on both databases (fresh, empty). Bulk loads and lookups run one
// database after the other, in an order that alternates by round; check-ins are interleaved
// transaction by transaction, so machine noise (this VM's fsync time drifts) hits both alike.
std::pair<Times, Times> runWorkloads(SQLite::Database& plainDb, SQLite::Database& encDb,
                                     int round) {
    Times plain, enc;
    const bool plainFirst = round % 2 == 0;
    plainDb.exec(kSchema);
    encDb.exec(kSchema);
    for (bool plainTurn : {plainFirst, !plainFirst}) {
        (plainTurn ? plain : enc).load = seconds([&] { bulkLoad(plainTurn ? plainDb : encDb); });
    }
    Side plainSide(plainDb), encSide(encDb);
    std::mt19937 rng(1);
    std::uniform_int_distribution<int> pick(1, kAttendees);
    for (int i = 0; i < kCheckins; ++i) {
        const int who = pick(rng);
        const bool plainNow = (i % 2 == 0) == plainFirst;
        for (bool plainTurn : {plainNow, !plainNow}) {
            Times& times = plainTurn ? plain : enc;
            const double s = seconds([&] { (plainTurn ? plainSide : encSide).checkIn(who, i); });
            times.checkins += s;
            times.checkinMs.push_back(s * 1000);
        }
    }
    // Checkpoints alone: the log of kCheckpointCheckins check-ins, copied into the database.
    for (SQLite::Database* db : {&plainDb, &encDb}) db->exec("PRAGMA wal_checkpoint(TRUNCATE)");
    for (SQLite::Database* db : {&plainDb, &encDb}) db->exec("PRAGMA wal_autocheckpoint=0");
    for (int c = 0; c < kCheckpoints; ++c) {
        for (int i = 0; i < kCheckpointCheckins; ++i) {
            const int who = pick(rng);
            plainSide.checkIn(who, i);
            encSide.checkIn(who, i);
        }
        const bool plainNow = (c % 2 == 0) == plainFirst;
        for (bool plainTurn : {plainNow, !plainNow}) {
            SQLite::Database& db = plainTurn ? plainDb : encDb;
            (plainTurn ? plain : enc)
                .checkpointMs.push_back(
                    1000 * seconds([&] { db.exec("PRAGMA wal_checkpoint(PASSIVE)"); }));
        }
    }
    for (SQLite::Database* db : {&plainDb, &encDb}) db->exec("PRAGMA wal_autocheckpoint=1000");
    long long found = 0;
    for (bool plainTurn : {plainFirst, !plainFirst}) {
        std::mt19937 lookupRng(2);
        SQLite::Statement lookup(plainTurn ? plainDb : encDb,
                                 "SELECT name, email FROM attendee WHERE ticket = ?");
        (plainTurn ? plain : enc).lookups = seconds([&] {
            for (int i = 0; i < kLookups; ++i) {
                lookup.bind(1, ticketOf(pick(lookupRng)));
                if (lookup.executeStep()) found += lookup.getColumn(0).getBytes();
                lookup.reset();
            }
        });
    }
    if (found == 0) std::printf("lookups found nothing\n");
    return {plain, enc};
}

void applySettings(SQLite::Database& db, int cacheKiB) {
    db.exec("PRAGMA synchronous=FULL; PRAGMA temp_store=MEMORY; PRAGMA mmap_size=0");
    db.exec("PRAGMA cache_size=-" + std::to_string(cacheKiB));
}

SQLite::Database openPlain(const fs::path& dir, int cacheKiB) {
    SQLite::Database db((dir / "plain.db").string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("PRAGMA journal_mode=WAL");
    applySettings(db, cacheKiB);
    return db;
}

SQLite::Database openEncrypted(const fs::path& dir, const ReplicaKey& key, int cacheKiB) {
    auto db = admit::replica::openReplica(dir / "encrypted.db", key, OpenMode::kCreate);
    if (!db.ok()) throw std::runtime_error(db.error().message);
    applySettings(*db, cacheKiB);
    return std::move(*db);
}

void cleanup(const fs::path& dir) {
    for (const char* name : {"plain.db", "encrypted.db"}) {
        for (const char* suffix : {"", "-wal", "-shm"}) {
            fs::remove(dir / (std::string(name) + suffix));
        }
    }
}

double median(std::vector<double> v) { return percentile(std::move(v), 0.5); }

}  // namespace

int main(int argc, char** argv) {
    const int rounds = argc > 1 ? std::max(1, std::atoi(argv[1])) : 3;
    const fs::path dir = fs::temp_directory_path() / "admit-replica-bench";
    fs::create_directories(dir);
    const ReplicaKey key = ReplicaKey::generate();
    // Two page-cache sizes: SQLite's default (2 MB: most lookups decrypt a page) and 64 MB
    // (the whole replica stays decrypted in memory, as on the kiosk).
    for (int cacheKiB : {2000, 65536}) {
        std::vector<double> load, checkins, checkinP50, checkinP99, checkpoints, lookups;
        for (int round = 0; round < rounds; ++round) {
            cleanup(dir);
            SQLite::Database plainDb = openPlain(dir, cacheKiB);
            SQLite::Database encDb = openEncrypted(dir, key, cacheKiB);
            const auto [plain, enc] = runWorkloads(plainDb, encDb, round);
            load.push_back(enc.load / plain.load);
            checkins.push_back(enc.checkins / plain.checkins);
            const double plainP50 = percentile(plain.checkinMs, 0.5);
            const double encP50 = percentile(enc.checkinMs, 0.5);
            const double plainP99 = percentile(plain.checkinMs, 0.99);
            const double encP99 = percentile(enc.checkinMs, 0.99);
            checkinP50.push_back(encP50 / plainP50);
            checkinP99.push_back(encP99 / plainP99);
            lookups.push_back(enc.lookups / plain.lookups);
            const double plainCheckpoint = median(plain.checkpointMs);
            const double encCheckpoint = median(enc.checkpointMs);
            checkpoints.push_back(encCheckpoint / plainCheckpoint);
            std::printf(
                "cache %5d KiB round %d: load %.3fs/%.3fs  check-ins %.3fs/%.3fs (p50 "
                "%.3f/%.3f ms, p99 %.3f/%.3f ms)  checkpoint %.1f/%.1f ms  lookups %.3fs/%.3fs "
                "(encrypted/plain)\n",
                cacheKiB, round + 1, enc.load, plain.load, enc.checkins, plain.checkins, encP50,
                plainP50, encP99, plainP99, encCheckpoint, plainCheckpoint, enc.lookups,
                plain.lookups);
            std::fflush(stdout);
        }
        std::printf(
            "cache %5d KiB median ratio (goal): bulk load %.2fx (<=1.50)  check-ins %.2fx "
            "(<=1.25; p50 %.2fx, p99 %.2fx)  checkpoint %.2fx  lookups %.2fx (<=1.25)\n",
            cacheKiB, median(load), median(checkins), median(checkinP50), median(checkinP99),
            median(checkpoints), median(lookups));
    }
    cleanup(dir);
    fs::remove(dir);
    return 0;
}
