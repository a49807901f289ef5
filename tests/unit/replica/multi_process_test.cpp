// Several processes, each with two connections, share one replica as SQLite promises for WAL
// databases: random check-ins, consistent reads, checkpoints of every mode, reopenings, and
// SIGKILL of random processes mid-work. The same workload runs on a plain SQLite copy with the
// same seed. Afterwards both hold exactly what a single process replaying each worker's
// committed transactions writes into a plain database, and the replica passes checkReplica.

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "admit/replica/replica.hpp"
#include "test_support.hpp"

namespace admit::replica {
namespace {

using testing::TempDir;

enum class Backend { Encrypted, Plain };

constexpr int kWorkers = 4;

// SQLite's unix VFS takes a SHARED lock as a read lock on these bytes of the database file.
constexpr off_t kSharedFirstByte = 0x40000000 + 2;
constexpr off_t kSharedBytes = 510;

// Exit codes of a worker that stopped by itself.
constexpr int kExitDone = 0;
constexpr int kExitOpenFailed = 3;
constexpr int kExitInconsistent = 4;
constexpr int kExitSqliteError = 5;
constexpr int kExitReportFailed = 6;

const char* const kSchema =
    "CREATE TABLE ledger(worker INTEGER, seq INTEGER, payload BLOB, PRIMARY KEY(worker, seq));"
    "CREATE TABLE tally(worker INTEGER PRIMARY KEY, n INTEGER, bytes INTEGER);"
    "CREATE TABLE churn(worker INTEGER, k INTEGER, v BLOB, PRIMARY KEY(worker, k));"
    "CREATE INDEX churn_by_size ON churn(length(v));";

std::optional<SQLite::Database> openBackend(Backend backend, const std::filesystem::path& path,
                                            const ReplicaKey& key) {
    if (backend == Backend::Encrypted) {
        auto db = openReplica(path, key, OpenMode::kCreate);
        if (!db.ok()) return std::nullopt;
        return std::move(db).value();
    }
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, 5000);
    db.exec("PRAGMA journal_mode=WAL");
    db.exec("PRAGMA synchronous=FULL");
    return db;
}

// Deterministic bytes for (worker, seq, slot): the same on every backend and in the replay.
std::vector<std::uint8_t> blobFor(unsigned seed, int worker, long long seq, int slot, int size) {
    std::seed_seq s{seed, static_cast<unsigned>(worker), static_cast<unsigned>(seq),
                    static_cast<unsigned>(slot)};
    std::mt19937 rng(s);
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
    for (auto& b : bytes) b = static_cast<std::uint8_t>(rng());
    return bytes;
}

// Transaction `seq` of `worker`: a ledger row, the worker's tally, churn rows in and out. A pure
// function of (seed, worker, seq), so a replay reproduces the state after any prefix.
void applyTransaction(SQLite::Database& db, unsigned seed, int worker, long long seq) {
    std::seed_seq s{seed, static_cast<unsigned>(worker), static_cast<unsigned>(seq), 99u};
    std::mt19937 rng(s);
    const int size = std::uniform_int_distribution<int>(10, 3000)(rng);
    const auto payload = blobFor(seed, worker, seq, 0, size);
    SQLite::Statement ledger(db, "INSERT INTO ledger(worker, seq, payload) VALUES(?, ?, ?)");
    ledger.bind(1, worker);
    ledger.bind(2, static_cast<std::int64_t>(seq));
    ledger.bind(3, payload.data(), static_cast<int>(payload.size()));
    ledger.exec();
    SQLite::Statement tally(db,
                            "INSERT INTO tally(worker, n, bytes) VALUES(?, 1, ?) "
                            "ON CONFLICT(worker) DO UPDATE SET n = n + 1, bytes = bytes + ?");
    tally.bind(1, worker);
    tally.bind(2, size);
    tally.bind(3, size);
    tally.exec();
    const int extra = std::uniform_int_distribution<int>(0, 5)(rng);
    for (int i = 0; i < extra; ++i) {
        const auto v =
            blobFor(seed, worker, seq, i + 1, std::uniform_int_distribution<int>(10, 2500)(rng));
        SQLite::Statement churn(db, "INSERT OR REPLACE INTO churn(worker, k, v) VALUES(?, ?, ?)");
        churn.bind(1, worker);
        churn.bind(2, std::uniform_int_distribution<int>(0, 200)(rng));
        churn.bind(3, v.data(), static_cast<int>(v.size()));
        churn.exec();
    }
    SQLite::Statement drop(db, "DELETE FROM churn WHERE worker = ? AND k BETWEEN ? AND ?");
    const int from = std::uniform_int_distribution<int>(0, 200)(rng);
    drop.bind(1, worker);
    drop.bind(2, from);
    drop.bind(3, from + 4);
    drop.exec();
}

// In any snapshot every tally matches its ledger rows: a stale or torn page shows here.
bool snapshotConsistent(SQLite::Database& db) {
    SQLite::Statement check(db,
                            "SELECT count(*) FROM tally t WHERE n != (SELECT count(*) FROM ledger "
                            "l WHERE l.worker = t.worker) OR bytes != (SELECT coalesce(sum("
                            "length(payload)), 0) FROM ledger l WHERE l.worker = t.worker)");
    check.executeStep();
    return check.getColumn(0).getInt() == 0;
}

long long lastSeq(SQLite::Database& db, int worker) {
    SQLite::Statement q(db, "SELECT coalesce(max(seq), 0) FROM ledger WHERE worker = ?");
    q.bind(1, worker);
    q.executeStep();
    return q.getColumn(0).getInt64();
}

// A worker process: two connections (like the kiosk's verdict worker and sync thread), one
// that never checkpoints by itself and one with a tiny automatic checkpoint, random operations
// on either, until it has committed `target` transactions or is killed.
[[noreturn]] void runWorker(Backend backend, const std::filesystem::path& path,
                            const ReplicaKey& key, unsigned seed, int worker, long long target,
                            int reportFd) {
    try {
        std::optional<SQLite::Database> conns[2];
        auto open = [&](int i) {
            conns[i].reset();
            conns[i] = openBackend(backend, path, key);
            if (!conns[i]) ::_exit(kExitOpenFailed);
            conns[i]->exec("PRAGMA cache_size=8");  // transactions spill and rewrite frames
            if (i == 0) {
                sqlite3_wal_autocheckpoint(conns[i]->getHandle(), 0);
            } else {
                conns[i]->exec("PRAGMA wal_autocheckpoint=16");
            }
        };
        open(0);
        open(1);
        // Like the kiosk's sync thread beside its verdict worker: a thread of this process with
        // its own connection reads snapshots and checkpoints while the main thread writes.
        std::atomic<bool> stop{false};
        std::thread reader([&] {
            try {
                std::mt19937 readerRng(seed ^ static_cast<unsigned>(worker));
                auto db = openBackend(backend, path, key);
                if (!db) ::_exit(kExitOpenFailed);
                while (!stop.load()) {
                    db->exec("BEGIN");
                    const bool ok = snapshotConsistent(*db);
                    db->exec("COMMIT");
                    if (!ok) ::_exit(kExitInconsistent);
                    const int pick = std::uniform_int_distribution<int>(0, 9)(readerRng);
                    if (pick == 0) {
                        const int rc = sqlite3_wal_checkpoint_v2(
                            db->getHandle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
                        if (rc != SQLITE_OK && rc != SQLITE_BUSY) ::_exit(kExitSqliteError);
                    } else if (pick == 1) {
                        db.reset();
                        db = openBackend(backend, path, key);
                        if (!db) ::_exit(kExitOpenFailed);
                    }
                    std::this_thread::sleep_for(std::chrono::milliseconds(20));
                }
            } catch (const SQLite::Exception& e) {
                std::fprintf(stderr, "worker %d reader: %s (%d)\n", worker, e.what(),
                             e.getExtendedErrorCode());
                ::_exit(kExitSqliteError);
            }
        });
        std::mt19937 rng(seed ^ static_cast<unsigned>(worker * 7919) ^
                         static_cast<unsigned>(::getpid()));
        // Exits here, not by unwinding past the running reader thread.
        try {
            long long seq = lastSeq(*conns[0], worker);
            while (seq < target) {
                SQLite::Database& db = *conns[std::uniform_int_distribution<int>(0, 1)(rng)];
                const int op = std::uniform_int_distribution<int>(0, 99)(rng);
                if (op < 60) {
                    db.exec("BEGIN IMMEDIATE");
                    applyTransaction(db, seed, worker, seq + 1);
                    db.exec("COMMIT");
                    ++seq;
                    if (::write(reportFd, &seq, sizeof seq) != static_cast<ssize_t>(sizeof seq)) {
                        ::_exit(kExitReportFailed);
                    }
                } else if (op < 80) {
                    db.exec("BEGIN");
                    const bool ok = snapshotConsistent(db);
                    db.exec("COMMIT");
                    if (!ok) ::_exit(kExitInconsistent);
                } else if (op < 92) {
                    static constexpr int kModes[] = {
                        SQLITE_CHECKPOINT_PASSIVE, SQLITE_CHECKPOINT_FULL,
                        SQLITE_CHECKPOINT_RESTART, SQLITE_CHECKPOINT_TRUNCATE};
                    const int mode = kModes[std::uniform_int_distribution<int>(0, 3)(rng)];
                    const int rc =
                        sqlite3_wal_checkpoint_v2(db.getHandle(), nullptr, mode, nullptr, nullptr);
                    if (rc != SQLITE_OK && rc != SQLITE_BUSY && rc != SQLITE_LOCKED) {
                        ::_exit(kExitSqliteError);
                    }
                } else if (op < 97) {
                    open(std::uniform_int_distribution<int>(0, 1)(rng));
                } else {
                    // Both closed: this process's last connection goes, as when `admit` exits
                    // (SQLite then checkpoints and deletes the WAL if no other process holds it).
                    conns[0].reset();
                    conns[1].reset();
                    open(0);
                    open(1);
                }
            }
        } catch (const SQLite::Exception& e) {
            std::fprintf(stderr, "worker %d: %s (%d)\n", worker, e.what(),
                         e.getExtendedErrorCode());
            ::_exit(kExitSqliteError);
        } catch (...) {
            ::_exit(kExitSqliteError);
        }
        stop = true;
        reader.join();
        conns[0].reset();
        conns[1].reset();
        ::_exit(kExitDone);
    } catch (const SQLite::Exception& e) {
        std::fprintf(stderr, "worker %d: %s (%d)\n", worker, e.what(), e.getExtendedErrorCode());
        ::_exit(kExitSqliteError);
    } catch (...) {
        ::_exit(kExitSqliteError);
    }
}

struct Worker {
    pid_t pid = -1;
    int reportFd = -1;
};

struct RunResult {
    std::vector<long long> reported = std::vector<long long>(kWorkers, 0);
    int killed = 0;
};

// Runs the workload: kWorkers processes until each committed `target` transactions; with
// `kills`, SIGKILLs a random running worker that many times and starts it again, then kills
// them all.
void runWorkload(Backend backend, const std::filesystem::path& path, const ReplicaKey& key,
                 unsigned seed, long long target, int kills, RunResult& result) {
    std::vector<Worker> workers(kWorkers);
    auto start = [&](int w) {
        int fds[2];
        ASSERT_EQ(::pipe(fds), 0);
        const pid_t pid = ::fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            ::close(fds[0]);
            runWorker(backend, path, key, seed, w, target, fds[1]);
        }
        ::close(fds[1]);
        workers[static_cast<std::size_t>(w)] = {pid, fds[0]};
    };
    auto collect = [&](int w, bool expectKilled) {
        Worker& worker = workers[static_cast<std::size_t>(w)];
        int status = 0;
        ASSERT_EQ(::waitpid(worker.pid, &status, 0), worker.pid);
        if (WIFSIGNALED(status)) {
            ASSERT_TRUE(expectKilled) << "worker " << w << " died of signal " << WTERMSIG(status);
            ++result.killed;
        } else {
            ASSERT_EQ(WEXITSTATUS(status), kExitDone)
                << "worker " << w << " failed with exit code " << WEXITSTATUS(status)
                << " (4: inconsistent snapshot, 5: SQLite error)";
        }
        long long seq = 0;
        while (::read(worker.reportFd, &seq, sizeof seq) == static_cast<ssize_t>(sizeof seq)) {
            result.reported[static_cast<std::size_t>(w)] =
                std::max(result.reported[static_cast<std::size_t>(w)], seq);
        }
        ::close(worker.reportFd);
        worker = {};
    };
    for (int w = 0; w < kWorkers; ++w) start(w);
    std::mt19937 rng(seed);
    for (int k = 0; k < kills; ++k) {
        std::this_thread::sleep_for(
            std::chrono::microseconds(std::uniform_int_distribution<int>(1000, 60000)(rng)));
        const int w = std::uniform_int_distribution<int>(0, kWorkers - 1)(rng);
        if (::kill(workers[static_cast<std::size_t>(w)].pid, SIGKILL) != 0) continue;
        collect(w, true);
        if (::testing::Test::HasFatalFailure()) return;
        start(w);
    }
    for (int w = 0; w < kWorkers; ++w) {
        // After kill rounds the workers are still at work: the last kill takes them all.
        if (kills > 0) ::kill(workers[static_cast<std::size_t>(w)].pid, SIGKILL);
        collect(w, kills > 0);
        if (::testing::Test::HasFatalFailure()) return;
    }
}

// The whole logical content, in a stable order.
std::string dump(SQLite::Database& db) {
    std::string out;
    for (const char* query : {"SELECT worker, seq, hex(payload) FROM ledger ORDER BY worker, seq",
                              "SELECT worker, n, bytes FROM tally ORDER BY worker",
                              "SELECT worker, k, hex(v) FROM churn ORDER BY worker, k"}) {
        SQLite::Statement q(db, query);
        while (q.executeStep()) {
            for (int i = 0; i < q.getColumnCount(); ++i) {
                out += q.getColumn(i).getString();
                out += i + 1 < q.getColumnCount() ? "," : "\n";
            }
        }
        out += "--\n";
    }
    return out;
}

// A single process replays each worker's first `upTo[w]` transactions into a plain database.
std::string replayed(const std::filesystem::path& path, unsigned seed,
                     const std::vector<long long>& upTo) {
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec(kSchema);
    for (int w = 0; w < kWorkers; ++w) {
        for (long long seq = 1; seq <= upTo[static_cast<std::size_t>(w)]; ++seq) {
            SQLite::Transaction tx(db);
            applyTransaction(db, seed, w, seq);
            tx.commit();
        }
    }
    return dump(db);
}

void createSchema(Backend backend, const std::filesystem::path& path, const ReplicaKey& key) {
    auto db = openBackend(backend, path, key);
    ASSERT_TRUE(db.has_value());
    db->exec(kSchema);
}

// Checks one backend after a run: integrity, every reported commit present, contents equal to
// the replay of what the workers committed.
void verifyAfterRun(Backend backend, const std::filesystem::path& path, const ReplicaKey& key,
                    unsigned seed, const RunResult& result, const std::filesystem::path& scratch,
                    std::string& contents) {
    auto db = openBackend(backend, path, key);
    ASSERT_TRUE(db.has_value()) << "cannot open " << path;
    ASSERT_EQ(db->execAndGet("PRAGMA integrity_check").getString(), "ok");
    std::vector<long long> present(kWorkers, 0);
    for (int w = 0; w < kWorkers; ++w) {
        present[static_cast<std::size_t>(w)] = lastSeq(*db, w);
        ASSERT_GE(present[static_cast<std::size_t>(w)],
                  result.reported[static_cast<std::size_t>(w)])
            << "worker " << w << " lost committed transactions";
        // A killed worker may have committed one transaction it could not report.
        ASSERT_LE(present[static_cast<std::size_t>(w)],
                  result.reported[static_cast<std::size_t>(w)] + 1);
    }
    contents = dump(*db);
    ASSERT_EQ(contents, replayed(scratch, seed, present));
}

// True if another process holds SQLite's SHARED lock on `path` (asked from a child process:
// POSIX locks never conflict with the asking process's own).
bool sharedLockHeldByAnotherProcess(const std::filesystem::path& path) {
    const pid_t child = ::fork();
    if (child == 0) {
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) ::_exit(2);
        struct flock probe {};
        probe.l_type = F_WRLCK;
        probe.l_whence = SEEK_SET;
        probe.l_start = kSharedFirstByte;
        probe.l_len = kSharedBytes;
        if (::fcntl(fd, F_GETLK, &probe) != 0) ::_exit(2);
        ::_exit(probe.l_type == F_UNLCK ? 0 : 1);
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 1;
}

// Closing any descriptor of a file drops every POSIX lock the process holds on it. Opening or
// checking a replica must not do that to the process's other connections: another process
// would then take them for gone, checkpoint and delete the WAL under them.
TEST(ProcessLocks, OpeningOrCheckingAgainKeepsTheLocksOfOpenConnections) {
    TempDir dir;
    const auto path = dir / "r.db";
    const ReplicaKey key = ReplicaKey::generate();
    auto first = openReplica(path, key, OpenMode::kCreate);
    ASSERT_TRUE(first.ok()) << first.error().message;
    first->exec("CREATE TABLE t(x)");
    first->exec("INSERT INTO t VALUES(1)");
    ASSERT_TRUE(sharedLockHeldByAnotherProcess(path)) << "a WAL connection keeps SHARED";
    {
        auto second = openReplica(path, key, OpenMode::kReadWrite);
        ASSERT_TRUE(second.ok()) << second.error().message;
    }
    EXPECT_TRUE(sharedLockHeldByAnotherProcess(path)) << "lost by opening a second connection";
    auto report = checkReplica(path, key);
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_TRUE(report->ok);
    EXPECT_TRUE(sharedLockHeldByAnotherProcess(path)) << "lost by checkReplica";
}

struct Scenario {
    int kills;
    long long target;  // transactions per worker
};

class MultiProcess : public ::testing::TestWithParam<Scenario> {};

TEST_P(MultiProcess, ProcessesShareOneReplicaLikeAPlainDatabase) {
    const int kills = GetParam().kills;
    const long long target = GetParam().target;
    TempDir dir;
    const ReplicaKey key = ReplicaKey::generate();
    // ADMIT_STRESS_SEED=N runs the same scenario with other random choices.
    const char* seedEnv = std::getenv("ADMIT_STRESS_SEED");
    const unsigned seed = (seedEnv ? static_cast<unsigned>(std::stoul(seedEnv)) : 20261130u) +
                          static_cast<unsigned>(kills);
    std::string encryptedContents;
    std::string plainContents;
    RunResult encrypted;
    RunResult plain;
    for (Backend backend : {Backend::Plain, Backend::Encrypted}) {
        const bool isEncrypted = backend == Backend::Encrypted;
        const auto path = dir / (isEncrypted ? "replica.db" : "plain.db");
        RunResult& result = isEncrypted ? encrypted : plain;
        createSchema(backend, path, key);
        ASSERT_NO_FATAL_FAILURE(runWorkload(backend, path, key, seed, target, kills, result));
        ASSERT_NO_FATAL_FAILURE(verifyAfterRun(backend, path, key, seed, result,
                                               dir / (isEncrypted ? "replay-e.db" : "replay-p.db"),
                                               isEncrypted ? encryptedContents : plainContents));
    }
    if (kills == 0) {
        // Same seed, every worker ran to the end: the same logical contents.
        EXPECT_EQ(encryptedContents, plainContents);
    } else {
        EXPECT_GT(encrypted.killed, 0);
    }
    auto report = checkReplica(dir / "replica.db", key);
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_TRUE(report->ok) << (report->problems.empty() ? "" : report->problems.front());
}

// Every worker to its end (the contents equal plain SQLite's exactly); and 200 rounds of
// SIGKILL to a random worker and a restart, the workers never done, all killed at the end.
INSTANTIATE_TEST_SUITE_P(Workload, MultiProcess,
                         ::testing::Values(Scenario{0, 120}, Scenario{200, 1'000'000}),
                         [](const ::testing::TestParamInfo<Scenario>& param) {
                             return param.param.kills == 0
                                        ? std::string("RunToTheEnd")
                                        : std::to_string(param.param.kills) + "Sigkills";
                         });

}  // namespace
}  // namespace admit::replica
