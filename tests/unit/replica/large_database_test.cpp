// A replica over 100 MB: written, checkpointed, reopened and read back intact.

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "admit/replica/replica.hpp"
#include "test_support.hpp"

namespace admit::replica {
namespace {

using testing::TempDir;

std::vector<std::uint8_t> payloadFor(int id) {
    std::mt19937 rng(static_cast<unsigned>(id));
    std::vector<std::uint8_t> bytes(4000);
    for (auto& b : bytes) b = static_cast<std::uint8_t>(rng());
    return bytes;
}

TEST(LargeDatabase, OverOneHundredMegabytes) {
    TempDir dir;
    const auto path = dir / "big.db";
    const ReplicaKey key = ReplicaKey::generate();
    constexpr int kRows = 26500;  // 4000-byte payloads: ~106 MB of pages
    {
        auto db = openReplica(path, key, OpenMode::kCreate);
        ASSERT_TRUE(db.ok()) << db.error().message;
        db->exec("CREATE TABLE blob(id INTEGER PRIMARY KEY, payload BLOB)");
        SQLite::Statement insert(*db, "INSERT INTO blob(id, payload) VALUES(?, ?)");
        for (int batch = 0; batch < 10; ++batch) {
            SQLite::Transaction transaction(*db);
            for (int id = batch * kRows / 10; id < (batch + 1) * kRows / 10; ++id) {
                const auto payload = payloadFor(id);
                insert.bind(1, id);
                insert.bind(2, payload.data(), static_cast<int>(payload.size()));
                insert.exec();
                insert.reset();
            }
            transaction.commit();
        }
        db->exec("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    EXPECT_GT(std::filesystem::file_size(path), 100u * 1024 * 1024);
    auto db = openReplica(path, key, OpenMode::kReadWrite);
    ASSERT_TRUE(db.ok()) << db.error().message;
    EXPECT_EQ(db->execAndGet("SELECT count(*), sum(length(payload)) FROM blob").getInt64(), kRows);
    EXPECT_EQ(db->execAndGet("PRAGMA quick_check").getString(), "ok");
    SQLite::Statement get(*db, "SELECT payload FROM blob WHERE id = ?");
    for (int id : {0, 1, 4096, 13000, kRows - 1}) {
        get.bind(1, id);
        ASSERT_TRUE(get.executeStep());
        const SQLite::Column column = get.getColumn(0);
        const auto* data = static_cast<const std::uint8_t*>(column.getBlob());
        const std::vector<std::uint8_t> stored(data, data + column.getBytes());
        EXPECT_EQ(stored, payloadFor(id)) << "row " << id;
        get.reset();
    }
    // Pages far into the file are still rewritten correctly.
    db->exec("UPDATE blob SET payload = zeroblob(10) WHERE id % 1000 = 999");
    EXPECT_EQ(db->execAndGet("SELECT count(*) FROM blob WHERE length(payload) = 10").getInt(),
              kRows / 1000);
}

}  // namespace
}  // namespace admit::replica
