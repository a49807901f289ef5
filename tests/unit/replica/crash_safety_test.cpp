// Crash safety: a child process commits transactions and is killed with SIGKILL at random
// moments; afterwards the replica passes integrity_check and holds every transaction the child
// reported committed.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <set>
#include <string>
#include <thread>

#include "admit/replica/replica.hpp"
#include "test_support.hpp"

namespace admit::replica {
namespace {

using testing::TempDir;

constexpr int kRounds = 200;

// Runs in the child until killed: each transaction adds a ledger row, bumps the counter and
// churns another table; its id is reported on `reportFd` only after COMMIT returned.
[[noreturn]] void runChild(const std::filesystem::path& path, const ReplicaKey& key, int reportFd,
                           unsigned seed) {
    try {
        auto db = openReplica(path, key, OpenMode::kReadWrite);
        if (!db.ok()) ::_exit(3);
        db->exec("PRAGMA wal_autocheckpoint=16");  // checkpoints and WAL restarts get killed too
        db->exec("PRAGMA cache_size=8");           // and transactions that spill and rewrite
        std::mt19937 rng(seed);
        long long id = db->execAndGet("SELECT coalesce(max(id), 0) FROM ledger").getInt64();
        SQLite::Statement ledger(*db, "INSERT INTO ledger(id, payload) VALUES(?, randomblob(?))");
        SQLite::Statement churn(*db, "INSERT INTO churn(v) VALUES(randomblob(?))");
        for (;;) {
            ++id;
            db->exec("BEGIN IMMEDIATE");
            ledger.bind(1, static_cast<std::int64_t>(id));
            ledger.bind(2, std::uniform_int_distribution<int>(10, 5000)(rng));
            ledger.exec();
            ledger.reset();
            db->exec("UPDATE counter SET n = n + 1");
            const int extra = std::uniform_int_distribution<int>(0, 6)(rng);
            for (int i = 0; i < extra; ++i) {
                churn.bind(1, std::uniform_int_distribution<int>(10, 3000)(rng));
                churn.exec();
                churn.reset();
            }
            db->exec(
                "DELETE FROM churn WHERE rowid IN (SELECT rowid FROM churn ORDER BY random() "
                "LIMIT 3)");
            db->exec("COMMIT");
            if (::write(reportFd, &id, sizeof id) != static_cast<ssize_t>(sizeof id)) ::_exit(4);
        }
    } catch (...) {
        ::_exit(5);
    }
}

TEST(CrashSafety, SurvivesSigkillAtRandomMoments) {
    TempDir dir;
    const auto path = dir / "r.db";
    const ReplicaKey key = ReplicaKey::generate();
    {
        auto db = openReplica(path, key, OpenMode::kCreate);
        ASSERT_TRUE(db.ok()) << db.error().message;
        db->exec("CREATE TABLE ledger(id INTEGER PRIMARY KEY, payload BLOB)");
        db->exec("CREATE TABLE counter(n INTEGER)");
        db->exec("INSERT INTO counter VALUES(0)");
        db->exec("CREATE TABLE churn(v BLOB)");
    }
    std::mt19937 rng(4242);
    std::set<long long> committed;
    int killedMidWork = 0;
    for (int round = 0; round < kRounds; ++round) {
        SCOPED_TRACE("round " + std::to_string(round));
        int fds[2];
        ASSERT_EQ(::pipe(fds), 0);
        const unsigned seed = static_cast<unsigned>(rng());
        const pid_t child = ::fork();
        ASSERT_GE(child, 0);
        if (child == 0) {
            ::close(fds[0]);
            runChild(path, key, fds[1], seed);
        }
        ::close(fds[1]);
        std::this_thread::sleep_for(
            std::chrono::microseconds(std::uniform_int_distribution<int>(0, 40000)(rng)));
        ASSERT_EQ(::kill(child, SIGKILL), 0);
        int status = 0;
        ASSERT_EQ(::waitpid(child, &status, 0), child);
        if (WIFSIGNALED(status)) ++killedMidWork;
        ASSERT_TRUE(WIFSIGNALED(status) || WEXITSTATUS(status) == 0)
            << "child failed with exit code " << WEXITSTATUS(status);
        long long id = 0;
        while (::read(fds[0], &id, sizeof id) == static_cast<ssize_t>(sizeof id)) {
            committed.insert(id);
        }
        ::close(fds[0]);

        auto db = openReplica(path, key, OpenMode::kReadWrite);
        ASSERT_TRUE(db.ok()) << db.error().message;
        ASSERT_EQ(db->execAndGet("PRAGMA integrity_check").getString(), "ok");
        std::set<long long> present;
        SQLite::Statement ids(*db, "SELECT id FROM ledger");
        while (ids.executeStep()) present.insert(ids.getColumn(0).getInt64());
        for (long long reported : committed) {
            ASSERT_TRUE(present.count(reported) == 1) << "lost committed transaction " << reported;
        }
        // Transactions are atomic: the counter moved with every ledger row, no more, no less.
        ASSERT_EQ(db->execAndGet("SELECT n FROM counter").getInt64(),
                  static_cast<long long>(present.size()));
    }
    EXPECT_GT(killedMidWork, kRounds / 2);
    EXPECT_GT(committed.size(), static_cast<std::size_t>(kRounds));  // the children did work
}

}  // namespace
}  // namespace admit::replica
