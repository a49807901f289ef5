// `admit backup` while admit-server takes uploads: every copy holds every check-in the server
// acknowledged before the copy began; --keep leaves the newest copies; a server started on a
// copy serves it (the device's token, its check-ins) and takes the rest of the uploads again.

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <SQLiteCpp/Transaction.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "admit/organiser/event_admin.hpp"
#include "admit/replica/replica.hpp"
#include "admit/replica/replica_key.hpp"
#include "admit/store/checkin_log.hpp"
#include "admit/store/clock.hpp"
#include "admit/store/outbox.hpp"
#include "admit/store/schema.hpp"
#include "admit/store/store.hpp"
#include "admit/sync/protocol/messages.hpp"
#include "admit/sync/store/enrolment_tokens.hpp"
#include "admit/sync/store/server_store.hpp"
#include "server_process.hpp"
#include "temp_dir.hpp"

namespace {

using admit::testing::ServerProcess;
using json = nlohmann::json;

// Runs `admit` with `args`; its exit code and standard output.
std::pair<int, std::string> runCli(const std::vector<std::string>& args) {
    std::string command = ADMIT_CLI_PATH;
    for (const auto& a : args) command += " '" + a + "'";
    command += " 2>&1";
    std::string out;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) return {-1, ""};
    char buffer[4096];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
    const int status = ::pclose(pipe);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

class BackupRestore : public ::testing::Test {
  protected:
    void SetUp() override {
        key_ = admit::replica::ReplicaKey::generate();
        ASSERT_TRUE(admit::replica::writeKeyFile(dir_ / "server.key", key_).ok());
        auto db = admit::replica::openReplica(dir_ / "organiser.db", key_,
                                              admit::replica::OpenMode::kCreate);
        ASSERT_TRUE(db.ok()) << db.error().message;
        admit::store::applyConnectionSettings(*db);
        ASSERT_TRUE(admit::store::migrate(*db).ok());
        auto event = admit::organiser::createEvent(*db, {"Backup Fest"}, 1000);
        ASSERT_TRUE(event.ok());
        eventId_ = event->id;
        auto token =
            admit::sync::EnrolmentTokens(*db).issue(eventId_, admit::store::systemTimeMs());
        ASSERT_TRUE(token.ok());
        enrolmentToken_ = *token;
        auto kioskDb =
            admit::store::openPlainDatabase(dir_.file("kiosk.db"), admit::store::OpenMode::kCreate);
        ASSERT_TRUE(kioskDb.ok());
        kiosk_ = std::make_unique<SQLite::Database>(std::move(*kioskDb));
        ASSERT_TRUE(admit::organiser::exportReplica(*db, eventId_, *kiosk_).ok());
        std::filesystem::create_directory(dir_ / "backups");
    }

    std::unique_ptr<ServerProcess> startServer(const std::string& db, const std::string& log) {
        auto server = std::make_unique<ServerProcess>(db, dir_.file("server.key"), dir_.file(log));
        server->start();
        return server;
    }

    std::string enrol(ServerProcess& server) {
        httplib::Client client("127.0.0.1", server.port());
        auto enrolled =
            client.Post("/v1/enrol",
                        admit::sync::toJson(admit::sync::EnrolRequest{
                            eventId_, enrolmentToken_, admit::store::deviceId(*kiosk_), "Gate A"}),
                        "application/json");
        if (!enrolled || enrolled->status != 200) return "";
        return admit::sync::parseEnrolResponse(enrolled->body)->deviceToken;
    }

    // Records `count` check-ins on the kiosk; their ids.
    std::vector<std::string> checkIn(int count) {
        std::vector<std::string> ids;
        SQLite::Transaction transaction(*kiosk_);
        admit::store::HybridLogicalClock clock(*kiosk_);
        admit::store::CheckInLog log(*kiosk_, clock);
        for (int i = 0; i < count; ++i) {
            ids.push_back(log.append({eventId_, "ref-" + std::to_string(next_++), std::nullopt, "A",
                                      admit::store::Direction::kEntry, ""},
                                     admit::store::systemTimeMs())
                              .id);
        }
        transaction.commit();
        return ids;
    }

    // Uploads what follows the last acknowledged entry (500 at most); the server's answer.
    std::optional<admit::sync::UploadResponse> uploadAll(ServerProcess& server,
                                                         const std::string& deviceToken) {
        admit::sync::UploadRequest upload{admit::store::deviceId(*kiosk_), "A", {}};
        for (const auto& item : admit::store::Outbox(*kiosk_).pending(100000)) {
            if (item.seq <= uploadedThrough_) continue;
            if (upload.entries.size() == 500) break;  // the server's cap per request
            upload.entries.push_back({item.seq, item.kind, item.recordId, item.hlc, item.payload});
        }
        httplib::Client client("127.0.0.1", server.port());
        auto uploaded = client.Post(admit::sync::checkinsPath(eventId_),
                                    {{"Authorization", "Bearer " + deviceToken}},
                                    admit::sync::toJson(upload), "application/json");
        if (!uploaded || uploaded->status != 200) return std::nullopt;
        auto answer = admit::sync::parseUploadResponse(uploaded->body);
        if (!answer) return std::nullopt;
        uploadedThrough_ = answer->acknowledgedThrough;
        return *answer;
    }

    std::set<std::string> checkInIdsIn(const std::filesystem::path& db) {
        std::set<std::string> ids;
        auto opened = admit::replica::openReplica(db, key_, admit::replica::OpenMode::kReadOnly);
        EXPECT_TRUE(opened.ok()) << opened.error().message;
        if (!opened.ok()) return ids;
        SQLite::Statement all(*opened, "SELECT id FROM checkins");
        while (all.executeStep()) ids.insert(all.getColumn(0).getString());
        return ids;
    }

    admit::testing::TempDir dir_;
    admit::replica::ReplicaKey key_ = admit::replica::ReplicaKey::generate();
    std::string eventId_;
    std::string enrolmentToken_;
    std::unique_ptr<SQLite::Database> kiosk_;
    int next_ = 1;
    std::int64_t uploadedThrough_ = 0;
};

TEST_F(BackupRestore, CopiesTakenDuringUploadsHoldEveryAcknowledgedCheckInAndServeAgain) {
    auto server = startServer(dir_.file("organiser.db"), "server.log");
    const std::string deviceToken = enrol(*server);
    ASSERT_FALSE(deviceToken.empty()) << server->log();

    // Uploads go on in their own thread; `acknowledged` holds what the server confirmed.
    std::mutex mutex;
    std::set<std::string> acknowledged;
    std::atomic<bool> stop{false};
    std::atomic<int> failedUploads{0};
    std::thread uploader([&] {
        while (!stop) {
            const auto ids = checkIn(10);
            if (!uploadAll(*server, deviceToken)) {
                ++failedUploads;
                continue;
            }
            std::lock_guard lock(mutex);
            acknowledged.insert(ids.begin(), ids.end());
        }
    });

    const std::string backups = dir_.file("backups");
    std::vector<std::string> made;
    for (int i = 0; i < 5; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(150));
        std::set<std::string> before;
        {
            std::lock_guard lock(mutex);
            before = acknowledged;
        }
        auto [code, out] =
            runCli({"--db", dir_.file("organiser.db"), "--key-file", dir_.file("server.key"),
                    "--json", "backup", "--out-dir", backups, "--keep", "3"});
        ASSERT_EQ(code, 0) << out;
        auto answer = json::parse(out, nullptr, false);
        ASSERT_TRUE(answer.is_object()) << out;
        made.push_back(answer["backup"]);
        const auto copied = checkInIdsIn(made.back());
        for (const auto& id : before) {
            ASSERT_TRUE(copied.count(id))
                << "acknowledged check-in " << id << " missing from copy " << i;
        }
        EXPECT_GE(copied.size(), before.size());
    }
    stop = true;
    uploader.join();
    EXPECT_EQ(failedUploads, 0) << server->log();
    EXPECT_EQ(server->stop(), 0) << server->log();

    // --keep 3: the three newest copies are left, and nothing else was made there.
    std::vector<std::string> left;
    for (const auto& entry : std::filesystem::directory_iterator(backups)) {
        // The test's own reads leave a WAL index beside the copies it read; the pruned ones'
        // went with them.
        const std::string name = entry.path().string();
        const std::string base = name.substr(0, name.rfind(".db") + 3);
        EXPECT_TRUE(std::find(made.end() - 3, made.end(), base) != made.end()) << name;
        if (entry.path().extension() == ".db") left.push_back(name);
    }
    std::sort(left.begin(), left.end());
    EXPECT_EQ(left, std::vector<std::string>(made.end() - 3, made.end()));

    // The organiser's database is lost; the server starts on the newest copy.
    const std::set<std::string> inNewest = checkInIdsIn(made.back());
    std::filesystem::copy_file(made.back(), dir_ / "restored.db");
    auto restored = startServer(dir_.file("restored.db"), "restored.log");
    httplib::Client client("127.0.0.1", restored->port());
    auto devices = client.Get(admit::sync::devicesPath(eventId_),
                              {{"Authorization", "Bearer " + deviceToken}});
    ASSERT_TRUE(devices);
    ASSERT_EQ(devices->status, 200) << "the device token is in the copy";
    auto list = admit::sync::parseDevicesResponse(devices->body);
    ASSERT_TRUE(list.ok());
    ASSERT_EQ(list->devices.size(), 1u);
    EXPECT_EQ(list->devices[0].checkins, static_cast<std::int64_t>(inNewest.size()));

    // The kiosk sends everything again: what the copy has is already had, the rest is stored,
    // and in the end the restored server holds every check-in the kiosk made.
    uploadedThrough_ = 0;
    std::int64_t stored = 0;
    std::int64_t alreadyHad = 0;
    while (admit::store::Outbox(*kiosk_).pendingCount() > 0 &&
           uploadedThrough_ < admit::store::Outbox(*kiosk_).pending(100000).back().seq) {
        auto again = uploadAll(*restored, deviceToken);
        ASSERT_TRUE(again.has_value()) << restored->log();
        stored += again->stored;
        alreadyHad += again->alreadyHad;
    }
    EXPECT_EQ(alreadyHad, static_cast<std::int64_t>(inNewest.size()));
    EXPECT_EQ(stored + alreadyHad, next_ - 1);
    EXPECT_EQ(restored->stop(), 0) << restored->log();
    EXPECT_EQ(checkInIdsIn(dir_ / "restored.db").size(), static_cast<std::size_t>(next_ - 1));
}

TEST_F(BackupRestore, RefusalsAreClearAndTheKeyNeverAppears) {
    auto [noKey, noKeyOut] =
        runCli({"--db", dir_.file("organiser.db"), "backup", "--out", dir_.file("copy.db")});
    EXPECT_EQ(noKey, 2) << noKeyOut;
    EXPECT_NE(noKeyOut.find("--key-file or --key-credential"), std::string::npos) << noKeyOut;

    auto [both, bothOut] =
        runCli({"--db", dir_.file("organiser.db"), "--key-file", dir_.file("server.key"), "backup",
                "--out", dir_.file("copy.db"), "--out-dir", dir_.file("backups")});
    EXPECT_EQ(both, 2) << bothOut;

    auto [badKeep, badKeepOut] =
        runCli({"--db", dir_.file("organiser.db"), "--key-file", dir_.file("server.key"), "backup",
                "--out-dir", dir_.file("backups"), "--keep", "0"});
    EXPECT_EQ(badKeep, 2) << badKeepOut;
    EXPECT_NE(badKeepOut.find("--keep"), std::string::npos) << badKeepOut;

    auto [made, madeOut] =
        runCli({"--db", dir_.file("organiser.db"), "--key-file", dir_.file("server.key"), "backup",
                "--out", dir_.file("copy.db")});
    EXPECT_EQ(made, 0) << madeOut;
    auto [again, againOut] =
        runCli({"--db", dir_.file("organiser.db"), "--key-file", dir_.file("server.key"), "backup",
                "--out", dir_.file("copy.db")});
    EXPECT_EQ(again, 1) << againOut;
    EXPECT_NE(againOut.find("refusing to overwrite"), std::string::npos) << againOut;

    auto [missingDir, missingDirOut] =
        runCli({"--db", dir_.file("organiser.db"), "--key-file", dir_.file("server.key"), "backup",
                "--out-dir", dir_.file("nowhere")});
    EXPECT_EQ(missingDir, 1) << missingDirOut;
    EXPECT_NE(missingDirOut.find("nowhere"), std::string::npos) << missingDirOut;

    // A key credential works as the unit uses it; no output names the key's bytes.
    std::filesystem::create_directory(dir_ / "creds");
    std::filesystem::copy_file(dir_ / "server.key", dir_ / "creds" / "admit-replica-key");
    ::setenv("CREDENTIALS_DIRECTORY", dir_.file("creds").c_str(), 1);
    auto [credential, credentialOut] =
        runCli({"--db", dir_.file("organiser.db"), "--key-credential", "admit-replica-key",
                "backup", "--out", dir_.file("copy2.db")});
    ::unsetenv("CREDENTIALS_DIRECTORY");
    EXPECT_EQ(credential, 0) << credentialOut;
    EXPECT_EQ(checkInIdsIn(dir_ / "copy2.db").size(), 0u);
}

}  // namespace
