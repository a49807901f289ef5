// Encrypted replica vs plain SQLite, same machine, same run, same settings: bulk load of 100,000
// attendees, 10,000 single-row durable check-in transactions, 100,000 point lookups. Reports
// ratios (encrypted / plain); machines are noisy, so only ratios are compared with the goals.

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
#include <vector>

#include "admit/replica/replica.hpp"

namespace {

namespace fs = std::filesystem;
using admit::replica::OpenMode;
using admit::replica::ReplicaKey;
using Clock = std::chrono::steady_clock;

constexpr int kAttendees = 100000;
constexpr int kCheckins = 10000;
constexpr int kLookups = 100000;

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
};

// Runs the three workloads on `db` (fresh, empty).
Times runWorkloads(SQLite::Database& db) {
    Times t;
    db.exec(
        "CREATE TABLE attendee(id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL,"
        " ticket TEXT NOT NULL UNIQUE, checked_in_at INTEGER);"
        "CREATE TABLE checkin(id INTEGER PRIMARY KEY, attendee INTEGER NOT NULL, at INTEGER);");
    t.load = seconds([&] {
        SQLite::Transaction transaction(db);
        SQLite::Statement insert(db,
                                 "INSERT INTO attendee(id, name, email, ticket) VALUES(?,?,?,?)");
        for (int i = 1; i <= kAttendees; ++i) {
            insert.bind(1, i);
            insert.bind(2, "Attendee Surname-" + std::to_string(i));
            insert.bind(3, "attendee." + std::to_string(i) + "@example.org");
            insert.bind(4, ticketOf(i));
            insert.exec();
            insert.reset();
        }
        transaction.commit();
    });
    std::mt19937 rng(1);
    std::uniform_int_distribution<int> pick(1, kAttendees);
    t.checkins = seconds([&] {
        SQLite::Statement mark(db, "UPDATE attendee SET checked_in_at = ? WHERE ticket = ?");
        SQLite::Statement record(db, "INSERT INTO checkin(attendee, at) VALUES(?, ?)");
        for (int i = 0; i < kCheckins; ++i) {
            const int who = pick(rng);
            db.exec("BEGIN IMMEDIATE");
            mark.bind(1, i);
            mark.bind(2, ticketOf(who));
            mark.exec();
            mark.reset();
            record.bind(1, who);
            record.bind(2, i);
            record.exec();
            record.reset();
            db.exec("COMMIT");  // synchronous=FULL: durable
        }
    });
    long long found = 0;
    t.lookups = seconds([&] {
        SQLite::Statement lookup(db, "SELECT name, email FROM attendee WHERE ticket = ?");
        for (int i = 0; i < kLookups; ++i) {
            lookup.bind(1, ticketOf(pick(rng)));
            if (lookup.executeStep()) found += lookup.getColumn(0).getBytes();
            lookup.reset();
        }
    });
    if (found == 0) std::printf("lookups found nothing\n");
    return t;
}

void applySettings(SQLite::Database& db, int cacheKiB) {
    db.exec("PRAGMA synchronous=FULL; PRAGMA temp_store=MEMORY; PRAGMA mmap_size=0");
    db.exec("PRAGMA cache_size=-" + std::to_string(cacheKiB));
}

Times runPlain(const fs::path& dir, int cacheKiB) {
    const fs::path path = dir / "plain.db";
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("PRAGMA journal_mode=WAL");
    applySettings(db, cacheKiB);
    return runWorkloads(db);
}

Times runEncrypted(const fs::path& dir, const ReplicaKey& key, int cacheKiB) {
    auto db = admit::replica::openReplica(dir / "encrypted.db", key, OpenMode::Create);
    if (!db.ok()) throw std::runtime_error(db.error().message);
    applySettings(*db, cacheKiB);
    return runWorkloads(*db);
}

void cleanup(const fs::path& dir) {
    for (const char* name : {"plain.db", "encrypted.db"}) {
        for (const char* suffix : {"", "-wal", "-shm"}) {
            fs::remove(dir / (std::string(name) + suffix));
        }
    }
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    const int rounds = argc > 1 ? std::max(1, std::atoi(argv[1])) : 3;
    const fs::path dir = fs::temp_directory_path() / "admit-replica-bench";
    fs::create_directories(dir);
    const ReplicaKey key = ReplicaKey::generate();
    // Two page-cache sizes: SQLite's default (2 MB: most lookups decrypt a page) and 64 MB
    // (the whole replica stays decrypted in memory, as on the kiosk).
    for (int cacheKiB : {2000, 65536}) {
        std::vector<double> load, checkins, lookups;
        for (int round = 0; round < rounds; ++round) {
            cleanup(dir);
            // Alternate the order so neither side always runs on a warmer machine.
            Times plain, enc;
            if (round % 2 == 0) {
                plain = runPlain(dir, cacheKiB);
                enc = runEncrypted(dir, key, cacheKiB);
            } else {
                enc = runEncrypted(dir, key, cacheKiB);
                plain = runPlain(dir, cacheKiB);
            }
            load.push_back(enc.load / plain.load);
            checkins.push_back(enc.checkins / plain.checkins);
            lookups.push_back(enc.lookups / plain.lookups);
            std::printf(
                "cache %5d KiB round %d: load %.3fs/%.3fs  check-ins %.3fs/%.3fs  lookups "
                "%.3fs/%.3fs (encrypted/plain)\n",
                cacheKiB, round + 1, enc.load, plain.load, enc.checkins, plain.checkins,
                enc.lookups, plain.lookups);
            std::fflush(stdout);
        }
        std::printf(
            "cache %5d KiB median ratio (goal): bulk load %.2fx (<=1.50)  check-ins %.2fx "
            "(<=1.25)  lookups %.2fx (<=1.25)\n",
            cacheKiB, median(load), median(checkins), median(lookups));
    }
    cleanup(dir);
    fs::remove(dir);
    return 0;
}
