// `admit replica check` and `admit replica salvage` on a kiosk replica damaged on purpose: the
// check always reports which pages failed and how many outbox entries are still readable, and
// the salvage keeps them in a new replica. A wrong key or a missing file stays an error.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "admit/replica/replica.hpp"
#include "admit/replica/replica_key.hpp"
#include "cli_run.hpp"
#include "kiosk_replica.hpp"
#include "temp_dir.hpp"

namespace {

using admit::testing::admit;
using admit::testing::CliRun;
using admit::testing::PageInfo;
using admit::testing::pageOffset;
using admit::testing::pagesOfType;
namespace replica = admit::replica;

void flipByte(const std::filesystem::path& path, std::size_t offset) {
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    file.seekg(static_cast<std::streamoff>(offset));
    char byte = 0;
    file.read(&byte, 1);
    byte = static_cast<char>(byte ^ 0x10);
    file.seekp(static_cast<std::streamoff>(offset));
    file.write(&byte, 1);
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

class ReplicaDamageCli : public ::testing::Test {
  protected:
    static constexpr int kCheckIns = 300;

    void SetUp() override {
        const replica::ReplicaKey key = replica::ReplicaKey::generate();
        ASSERT_TRUE(replica::writeKeyFile(dir / "kiosk.key", key).ok());
        auto db = admit::testing::createKioskReplica(dir / "kiosk.db", key);
        admit::testing::addAttendees(db, 1, 400);
        admit::testing::addCheckIns(db, 1, kCheckIns);
        outboxLeaves = pagesOfType(db, "outbox", "leaf");
        attendeeLeaves = pagesOfType(db, "attendees", "leaf");
        ASSERT_GT(outboxLeaves.size(), 5u);
        ASSERT_GT(attendeeLeaves.size(), 5u);
    }

    std::string replicaArgs() const {
        return "--db " + dir.file("kiosk.db") + " --key-file " + dir.file("kiosk.key") + " ";
    }
    void damagePage(std::uint32_t pgno, std::size_t within = 1500) {
        flipByte(dir / "kiosk.db", pageOffset(pgno) + within);
    }

    admit::testing::TempDir dir;
    std::vector<PageInfo> outboxLeaves;
    std::vector<PageInfo> attendeeLeaves;
};

TEST_F(ReplicaDamageCli, CheckOfAReplicaDamagedAtPage1IsAReportNotOneSentence) {
    damagePage(1, 2000);
    CliRun check = admit(replicaArgs() + "replica check");
    EXPECT_EQ(check.exitCode, 1) << check.out;
    EXPECT_TRUE(contains(check.out, "replica " + dir.file("kiosk.db") + " is damaged:"))
        << check.out;
    EXPECT_TRUE(contains(
        check.out, "page 1 of " + dir.file("kiosk.db") + " failed authentication (sqlite_schema)"))
        << check.out;
    EXPECT_TRUE(contains(check.out, "outbox (check-ins for the server): 300 entries readable"))
        << check.out;
    EXPECT_TRUE(contains(check.out, "replica salvage --out")) << check.out;

    CliRun json = admit(replicaArgs() + "--json replica check");
    EXPECT_EQ(json.exitCode, 1) << json.out;
    auto report = nlohmann::json::parse(json.out);
    EXPECT_EQ(report["ok"], false);
    EXPECT_EQ(report["outbox_readable"], kCheckIns);
    EXPECT_EQ(report["outbox_complete"], true);
    ASSERT_EQ(report["damaged_pages"].size(), 1u);
    EXPECT_EQ(report["damaged_pages"][0]["page"], 1);
    EXPECT_EQ(report["damaged_pages"][0]["file"], dir.file("kiosk.db"));
}

TEST_F(ReplicaDamageCli, CheckNamesEachFailingPageItsTableAndTheReadableOutbox) {
    const PageInfo outboxLeaf = outboxLeaves[2];
    const PageInfo attendeeLeaf = attendeeLeaves[1];
    damagePage(outboxLeaf.pgno);
    damagePage(attendeeLeaf.pgno);
    CliRun check = admit(replicaArgs() + "replica check");
    EXPECT_EQ(check.exitCode, 1) << check.out;
    const std::string db = dir.file("kiosk.db");
    EXPECT_TRUE(contains(check.out, "page " + std::to_string(outboxLeaf.pgno) + " of " + db +
                                        " failed authentication (outbox)"))
        << check.out;
    EXPECT_TRUE(contains(check.out, "page " + std::to_string(attendeeLeaf.pgno) + " of " + db +
                                        " failed authentication (attendees)"))
        << check.out;
    const int readable = kCheckIns - outboxLeaf.cells;
    EXPECT_TRUE(
        contains(check.out, "outbox (check-ins for the server): " + std::to_string(readable) +
                                " entries readable (seq up to " + std::to_string(kCheckIns) + ", " +
                                std::to_string(outboxLeaf.cells) + " of them missing)"))
        << check.out;
    auto report = nlohmann::json::parse(admit(replicaArgs() + "--json replica check").out);
    EXPECT_EQ(report["outbox_readable"], readable);
    EXPECT_EQ(report["outbox_complete"], false);
}

TEST_F(ReplicaDamageCli, CheckNamesAFailingWalFrame) {
    {
        auto key = replica::loadKeyFile(dir.file("kiosk.key"));
        auto db = replica::openReplica(dir / "kiosk.db", *key, replica::OpenMode::kReadWrite);
        ASSERT_TRUE(db.ok()) << db.error().message;
        admit::testing::keepWalOnClose(*db);
        admit::testing::addCheckIns(*db, 301, 50);
    }
    const auto frames = admit::testing::walFramePages(dir.file("kiosk.db") + "-wal");
    ASSERT_GT(frames.size(), 3u);
    flipByte(dir.file("kiosk.db") + "-wal", admit::testing::frameBodyOffset(2) + 1000);
    CliRun check = admit(replicaArgs() + "replica check");
    EXPECT_EQ(check.exitCode, 1) << check.out;
    EXPECT_TRUE(contains(check.out, "page " + std::to_string(frames[1]) + " in " +
                                        dir.file("kiosk.db") + "-wal (frame 2) failed"))
        << check.out;
    auto report = nlohmann::json::parse(admit(replicaArgs() + "--json replica check").out);
    bool named = false;
    for (const auto& page : report["damaged_pages"]) {
        named = named || (page["wal_frame"] == 2 && page["page"] == frames[1]);
    }
    EXPECT_TRUE(named) << report.dump();
}

TEST_F(ReplicaDamageCli, WrongKeyAndMissingFileAreErrorsNotReports) {
    damagePage(outboxLeaves[0].pgno);
    ASSERT_EQ(admit("--db " + dir.file("other.db") + " --key-file " + dir.file("other.key") +
                    " replica create")
                  .exitCode,
              0);
    CliRun wrongKey = admit("--db " + dir.file("kiosk.db") + " --key-file " +
                            dir.file("other.key") + " replica check");
    EXPECT_EQ(wrongKey.exitCode, 1);
    EXPECT_EQ(wrongKey.out,
              "admit: the replica key does not match: " + dir.file("kiosk.db") + "\n");
    CliRun missing = admit("--db " + dir.file("none.db") + " --key-file " + dir.file("kiosk.key") +
                           " replica check");
    EXPECT_EQ(missing.exitCode, 1);
    EXPECT_EQ(missing.out, "admit: replica not found: " + dir.file("none.db") + "\n");
    CliRun salvage = admit("--db " + dir.file("kiosk.db") + " --key-file " + dir.file("other.key") +
                           " replica salvage --out " + dir.file("new.db"));
    EXPECT_EQ(salvage.exitCode, 1);
    EXPECT_TRUE(contains(salvage.out, "key does not match")) << salvage.out;
    EXPECT_FALSE(std::filesystem::exists(dir.file("new.db")));
}

TEST_F(ReplicaDamageCli, SalvageKeepsTheReadableOutboxInANewReplicaThatChecksClean) {
    const PageInfo outboxLeaf = outboxLeaves[1];
    damagePage(outboxLeaf.pgno);
    CliRun salvage = admit(replicaArgs() + "replica salvage --out " + dir.file("new.db") +
                           " --out-key-file " + dir.file("new.key"));
    EXPECT_EQ(salvage.exitCode, 4) << salvage.out;
    const int copied = kCheckIns - outboxLeaf.cells;
    EXPECT_TRUE(contains(salvage.out, "salvaged " + dir.file("kiosk.db") + " into " +
                                          dir.file("new.db") +
                                          ":\n  outbox: " + std::to_string(copied) +
                                          " rows copied, incomplete: page " +
                                          std::to_string(outboxLeaf.pgno) + " failed"))
        << salvage.out;
    EXPECT_TRUE(contains(salvage.out, "rows were lost")) << salvage.out;
    std::string salvaged = "--db " + dir.file("new.db") + " --key-file " + dir.file("new.key");
    CliRun check = admit(salvaged + " replica check");
    EXPECT_EQ(check.exitCode, 0) << check.out;
    CliRun open = admit(salvaged + " --json replica open");
    EXPECT_EQ(open.exitCode, 0) << open.out;
    EXPECT_EQ(nlohmann::json::parse(open.out)["events"][0]["attendees"], 400);
    // The kiosk's device id and its check-ins' outbox entries came along.
    auto key = replica::loadKeyFile(dir.file("new.key"));
    auto db = replica::openReplica(dir / "new.db", *key, replica::OpenMode::kReadOnly);
    ASSERT_TRUE(db.ok()) << db.error().message;
    EXPECT_EQ(db->execAndGet("SELECT count(*) FROM outbox").getInt(), copied);
    EXPECT_EQ(db->execAndGet("SELECT count(*) FROM checkins").getInt(), kCheckIns);
    EXPECT_EQ(db->execAndGet("SELECT count(DISTINCT device_id) FROM checkins WHERE device_id = "
                             "(SELECT value FROM meta WHERE key = 'device_id')")
                  .getInt(),
              1);
}

TEST_F(ReplicaDamageCli, SalvageOfAnIntactReplicaLosesNothingAndNeverOverwrites) {
    CliRun salvage = admit(replicaArgs() + "--json replica salvage --out " + dir.file("new.db"));
    EXPECT_EQ(salvage.exitCode, 0) << salvage.out;
    auto report = nlohmann::json::parse(salvage.out);
    EXPECT_EQ(report["nothing_lost"], true);
    EXPECT_EQ(report["tables"][0]["name"], "outbox");
    EXPECT_EQ(report["tables"][0]["rows_copied"], kCheckIns);
    // Without --out-key-file the new replica has the same key.
    EXPECT_EQ(admit("--db " + dir.file("new.db") + " --key-file " + dir.file("kiosk.key") +
                    " replica check")
                  .exitCode,
              0);
    CliRun again = admit(replicaArgs() + "replica salvage --out " + dir.file("new.db"));
    EXPECT_EQ(again.exitCode, 1);
    EXPECT_EQ(again.out, "admit: refusing to overwrite " + dir.file("new.db") + "\n");
}

TEST(AdmitHelp, ListsReplicaSalvage) {
    CliRun help = admit("--help");
    EXPECT_EQ(help.exitCode, 0);
    EXPECT_TRUE(contains(help.out, "replica salvage --out NEW [--out-key-file KEY]")) << help.out;
}

}  // namespace
