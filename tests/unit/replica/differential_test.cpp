// Differential: the same random workload gives identical results on an encrypted replica and
// on a plain SQLite database.

#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "admit/replica/replica.hpp"
#include "test_support.hpp"

namespace admit::replica {
namespace {

using testing::TempDir;

using Rows = std::vector<std::string>;

Rows query(SQLite::Database& db, const std::string& sql) {
    Rows rows;
    SQLite::Statement statement(db, sql);
    const int columns = statement.getColumnCount();
    while (statement.executeStep()) {
        std::string row;
        for (int c = 0; c < columns; ++c) {
            const SQLite::Column column = statement.getColumn(c);
            row += column.isNull() ? std::string("NULL") : column.getString();
            row += '|';
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

class Workload {
  public:
    explicit Workload(unsigned seed) : rng_(seed) {}

    // The next statement; both databases run exactly the same text.
    std::string next() {
        const int kind = pick(0, 99);
        const int id = pick(1, 3000);
        if (kind < 40) {
            return "INSERT OR REPLACE INTO attendee(id, name, email, checked_in, note) VALUES(" +
                   std::to_string(id) + ", 'Name " + std::to_string(pick(0, 1 << 20)) + "', 'user" +
                   std::to_string(id) + "@example.org', " + std::to_string(pick(0, 1)) +
                   ", zeroblob(" + std::to_string(pick(0, 6000)) + ") || x'" + hexByte() + "')";
        }
        if (kind < 60) {
            return "UPDATE attendee SET checked_in = 1 - checked_in, name = name || '" +
                   std::to_string(pick(0, 9)) + "' WHERE id BETWEEN " + std::to_string(id) +
                   " AND " + std::to_string(id + pick(0, 40));
        }
        if (kind < 70) {
            return "DELETE FROM attendee WHERE id BETWEEN " + std::to_string(id) + " AND " +
                   std::to_string(id + pick(0, 60));
        }
        return "";  // a query
    }

    std::string nextQuery() {
        switch (pick(0, 3)) {
            case 0:
                return "SELECT count(*), sum(checked_in), sum(length(note)), max(id) FROM attendee";
            case 1: {
                const int id = pick(1, 3000);
                return "SELECT id, name, email, checked_in, hex(substr(note, -4)) FROM attendee "
                       "WHERE id BETWEEN " +
                       std::to_string(id) + " AND " + std::to_string(id + 50) + " ORDER BY id";
            }
            case 2:
                return "SELECT checked_in, count(*) FROM attendee GROUP BY checked_in ORDER BY 1";
            default:
                return "SELECT id FROM attendee WHERE email = 'user" +
                       std::to_string(pick(1, 3000)) + "@example.org'";
        }
    }

    int pick(int low, int high) { return std::uniform_int_distribution<int>(low, high)(rng_); }

  private:
    std::string hexByte() {
        static constexpr char kDigits[] = "0123456789abcdef";
        const int b = pick(0, 255);
        return {kDigits[b >> 4], kDigits[b & 15]};
    }
    std::mt19937 rng_;
};

TEST(Differential, RandomWorkloadMatchesPlainSqlite) {
    TempDir dir;
    const ReplicaKey key = ReplicaKey::generate();
    const char* schema =
        "CREATE TABLE attendee(id INTEGER PRIMARY KEY, name TEXT, email TEXT, checked_in INTEGER,"
        " note BLOB); CREATE INDEX attendee_email ON attendee(email)";
    auto openEncrypted = [&] {
        auto db = openReplica(dir / "encrypted.db", key, OpenMode::kCreate);
        EXPECT_TRUE(db.ok()) << db.error().message;
        db->exec("PRAGMA synchronous=OFF");  // durability is the crash test's business
        db->exec("PRAGMA cache_size=20");    // small cache: spills, frame rewrites, re-reads
        return std::move(db).value();
    };
    auto openPlain = [&] {
        SQLite::Database db((dir / "plain.db").string(),
                            SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; PRAGMA cache_size=20");
        return db;
    };
    auto encrypted = openEncrypted();
    auto plain = openPlain();
    encrypted.exec(schema);
    plain.exec(schema);
    encrypted.exec("PRAGMA wal_autocheckpoint=50");
    Workload workload(99);
    int queries = 0;
    for (int step = 0; step < 4000; ++step) {
        if (step % 25 == 0) {
            const std::string end = workload.pick(0, 4) == 0 ? "ROLLBACK" : "COMMIT";
            if (step > 0) {
                encrypted.exec(end);
                plain.exec(end);
            }
            encrypted.exec("BEGIN");
            plain.exec("BEGIN");
        }
        if (step == 2000) {  // reopen both mid-run
            encrypted.exec("COMMIT");
            plain.exec("COMMIT");
            encrypted = openEncrypted();
            plain = openPlain();
            encrypted.exec("VACUUM");
            encrypted.exec("BEGIN");
            plain.exec("BEGIN");
        }
        const std::string sql = workload.next();
        if (!sql.empty()) {
            encrypted.exec(sql);
            plain.exec(sql);
            continue;
        }
        const std::string q = workload.nextQuery();
        ASSERT_EQ(query(encrypted, q), query(plain, q)) << "step " << step << ": " << q;
        ++queries;
    }
    encrypted.exec("COMMIT");
    plain.exec("COMMIT");
    const std::string all =
        "SELECT id, name, email, checked_in, hex(note) FROM attendee ORDER BY id";
    const Rows expected = query(plain, all);
    EXPECT_GT(expected.size(), 200u);
    EXPECT_EQ(query(encrypted, all), expected);
    EXPECT_GT(queries, 500);
    EXPECT_EQ(encrypted.execAndGet("PRAGMA integrity_check").getString(), "ok");
}

}  // namespace
}  // namespace admit::replica
