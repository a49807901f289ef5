// The admit-server program as systemd (or a test) runs it: its ready line, clean stops on
// SIGTERM and SIGINT, a restart that keeps everything, a key from a file or a credential, clear
// refusals (arguments, key, damage) and a log on standard error that never holds a token.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
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
#include "temp_dir.hpp"

namespace {

using json = nlohmann::json;

struct Finished {
    int exitCode = -1;
    std::string err;
};

// admit-server with `args`, standard error into `errFile`; stdout read for the ready line.
class Server {
  public:
    Server(const std::vector<std::string>& args, std::string errFile,
           const std::string& credentialsDir = "")
        : errFile_(std::move(errFile)) {
        std::vector<std::string> words{ADMIT_SERVER_PATH};
        words.insert(words.end(), args.begin(), args.end());
        std::vector<char*> argv;
        for (auto& w : words) argv.push_back(w.data());
        argv.push_back(nullptr);
        int out[2];
        if (pipe2(out, O_CLOEXEC) != 0) return;
        int errFd = open(errFile_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        pid_ = fork();
        if (pid_ == 0) {
            dup2(out[1], STDOUT_FILENO);
            dup2(errFd, STDERR_FILENO);
            if (credentialsDir.empty()) {
                unsetenv("CREDENTIALS_DIRECTORY");
            } else {
                setenv("CREDENTIALS_DIRECTORY", credentialsDir.c_str(), 1);
            }
            execv(argv[0], argv.data());
            _exit(127);
        }
        close(out[1]);
        close(errFd);
        out_ = out[0];
    }
    ~Server() {
        if (pid_ > 0) stop(SIGKILL);
        if (out_ >= 0) close(out_);
    }

    // The first line on standard output (empty if it exits or says nothing in 20 s).
    std::string readyLine() {
        std::string line;
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (std::chrono::steady_clock::now() < deadline) {
            pollfd p{out_, POLLIN, 0};
            if (poll(&p, 1, 100) <= 0) continue;
            char ch = 0;
            if (read(out_, &ch, 1) != 1) break;
            if (ch == '\n') return line;
            line.push_back(ch);
        }
        return line;
    }

    // The port of its {"listening": "127.0.0.1:PORT"} line, 0 if there was none.
    int port() {
        std::string line = readyLine();
        auto ready = json::parse(line, nullptr, false);
        if (!ready.is_object() || !ready["listening"].is_string()) return 0;
        std::string address = ready["listening"];
        EXPECT_EQ(address.rfind("127.0.0.1:", 0), 0u) << address;
        return std::stoi(address.substr(address.rfind(':') + 1));
    }

    Finished stop(int signal = SIGTERM) {
        Finished finished;
        if (pid_ > 0) {
            kill(pid_, signal);
            finished = wait();
        }
        return finished;
    }

    Finished wait() {
        int status = 0;
        waitpid(pid_, &status, 0);
        pid_ = -1;
        std::ifstream in(errFile_);
        std::stringstream text;
        text << in.rdbuf();
        return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, text.str()};
    }

  private:
    std::string errFile_;
    pid_t pid_ = -1;
    int out_ = -1;
};

class AdmitServer : public ::testing::Test {
  protected:
    void SetUp() override {
        auto key = admit::replica::ReplicaKey::generate();
        ASSERT_TRUE(admit::replica::writeKeyFile(dir / "server.key", key).ok());
        auto db =
            admit::replica::openReplica(dir / "server.db", key, admit::replica::OpenMode::kCreate);
        ASSERT_TRUE(db.ok()) << db.error().message;
        admit::store::applyConnectionSettings(*db);
        ASSERT_TRUE(admit::store::migrate(*db).ok());
        auto event = admit::organiser::createEvent(*db, {"Process Fest"}, 1000);
        ASSERT_TRUE(event.ok());
        eventId = event->id;
        auto token = admit::sync::EnrolmentTokens(*db).issue(eventId, admit::store::systemTimeMs());
        ASSERT_TRUE(token.ok());
        enrolmentToken = *token;

        auto kioskDb =
            admit::store::openPlainDatabase(dir.file("kiosk.db"), admit::store::OpenMode::kCreate);
        ASSERT_TRUE(kioskDb.ok());
        kiosk = std::make_unique<SQLite::Database>(std::move(*kioskDb));
        ASSERT_TRUE(admit::organiser::exportReplica(*db, eventId, *kiosk).ok());
    }

    std::vector<std::string> args(const std::string& listen = "127.0.0.1:0") {
        return {"--db", dir.file("server.db"), "--key-file", dir.file("server.key"), "--listen",
                listen};
    }

    // Runs admit-server to completion (it is expected to refuse to start).
    Finished refused(const std::vector<std::string>& arguments) {
        Server server(arguments, dir.file("refused.log"));
        EXPECT_EQ(server.readyLine(), "");
        return server.wait();
    }

    admit::testing::TempDir dir;
    std::string eventId;
    std::string enrolmentToken;
    std::unique_ptr<SQLite::Database> kiosk;
};

TEST_F(AdmitServer, ServesUntilSigtermAndKeepsEverythingAcrossARestart) {
    std::string deviceToken;
    std::string checkInId;
    {
        Server server(args(), dir.file("first.log"));
        int port = server.port();
        ASSERT_GT(port, 0);
        httplib::Client client("127.0.0.1", port);
        auto enrolled =
            client.Post("/v1/enrol",
                        admit::sync::toJson(admit::sync::EnrolRequest{
                            eventId, enrolmentToken, admit::store::deviceId(*kiosk), "Gate A"}),
                        "application/json");
        ASSERT_TRUE(enrolled);
        ASSERT_EQ(enrolled->status, 200) << enrolled->body;
        deviceToken = admit::sync::parseEnrolResponse(enrolled->body)->deviceToken;

        {
            SQLite::Transaction transaction(*kiosk);
            admit::store::HybridLogicalClock clock(*kiosk);
            checkInId = admit::store::CheckInLog(*kiosk, clock)
                            .append({eventId, "ref-1", std::nullopt, "A",
                                     admit::store::Direction::kEntry, ""},
                                    admit::store::systemTimeMs())
                            .id;
            transaction.commit();
        }
        admit::sync::UploadRequest upload{admit::store::deviceId(*kiosk), "A", {}};
        for (const auto& item : admit::store::Outbox(*kiosk).pending(10)) {
            upload.entries.push_back({item.seq, item.kind, item.recordId, item.hlc, item.payload});
        }
        auto uploaded = client.Post(admit::sync::checkinsPath(eventId),
                                    {{"Authorization", "Bearer " + deviceToken}},
                                    admit::sync::toJson(upload), "application/json");
        ASSERT_TRUE(uploaded);
        ASSERT_EQ(uploaded->status, 200) << uploaded->body;
        EXPECT_EQ(admit::sync::parseUploadResponse(uploaded->body)->stored, 1);
        auto refusedToken = client.Get(admit::sync::devicesPath(eventId),
                                       {{"Authorization", "Bearer " + deviceToken + "x"}});
        ASSERT_TRUE(refusedToken);
        EXPECT_EQ(refusedToken->status, 401);

        Finished finished = server.stop(SIGTERM);
        EXPECT_EQ(finished.exitCode, 0) << finished.err;
        EXPECT_NE(finished.err.find("POST /v1/enrol 200"), std::string::npos) << finished.err;
        EXPECT_NE(finished.err.find("401"), std::string::npos) << finished.err;
        EXPECT_EQ(finished.err.find(enrolmentToken), std::string::npos) << "enrolment token logged";
        EXPECT_EQ(finished.err.find(deviceToken), std::string::npos) << "device token logged";
    }

    Server again(args(), dir.file("second.log"));
    int port = again.port();
    ASSERT_GT(port, 0);
    httplib::Client client("127.0.0.1", port);
    auto devices =
        client.Get(admit::sync::devicesPath(eventId), {{"Authorization", "Bearer " + deviceToken}});
    ASSERT_TRUE(devices);
    ASSERT_EQ(devices->status, 200) << "the device token survives the restart";
    auto list = admit::sync::parseDevicesResponse(devices->body);
    ASSERT_TRUE(list.ok());
    ASSERT_EQ(list->devices.size(), 1u);
    EXPECT_EQ(list->devices[0].checkins, 1);
    EXPECT_EQ(list->devices[0].gate, "A");
    auto reused =
        client.Post("/v1/enrol",
                    admit::sync::toJson(admit::sync::EnrolRequest{
                        eventId, enrolmentToken, admit::store::deviceId(*kiosk), "Gate A"}),
                    "application/json");
    ASSERT_TRUE(reused);
    EXPECT_EQ(reused->status, 410) << "the spent enrolment token stays spent";
    Finished finished = again.stop(SIGINT);
    EXPECT_EQ(finished.exitCode, 0) << finished.err;

    // What the server stored is in the encrypted file.
    auto key = admit::replica::loadKeyFile(dir / "server.key");
    ASSERT_TRUE(key.ok());
    auto db =
        admit::replica::openReplica(dir / "server.db", *key, admit::replica::OpenMode::kReadOnly);
    ASSERT_TRUE(db.ok());
    EXPECT_EQ(
        db->execAndGet("SELECT count(*) FROM checkins WHERE id = '" + checkInId + "'").getInt(), 1);
}

TEST_F(AdmitServer, KeyFromASystemdCredential) {
    std::filesystem::create_directory(dir / "credentials");
    std::filesystem::copy_file(dir / "server.key", dir / "credentials" / "admit-replica-key");
    Server server({"--db", dir.file("server.db"), "--key-credential", "admit-replica-key",
                   "--listen", "127.0.0.1:0"},
                  dir.file("credential.log"), dir.file("credentials"));
    EXPECT_GT(server.port(), 0);
    EXPECT_EQ(server.stop().exitCode, 0);
}

TEST_F(AdmitServer, RefusesBadArgumentsKeysAndFilesClearly) {
    auto usage = refused({"--db", dir.file("server.db")});
    EXPECT_EQ(usage.exitCode, 2);
    EXPECT_NE(usage.err.find("give exactly one of --key-file and --key-credential"),
              std::string::npos)
        << usage.err;
    EXPECT_EQ(refused({"--db", dir.file("server.db"), "--key-file", dir.file("server.key"),
                       "--listen", "127.0.0.1:99999"})
                  .exitCode,
              2);
    EXPECT_EQ(refused({"--bogus"}).exitCode, 2);
    for (const char* bad : {"-1", "10001", "soon", ""}) {
        auto wake = refused({"--db", dir.file("server.db"), "--key-file", dir.file("server.key"),
                             "--wake-every", bad});
        EXPECT_EQ(wake.exitCode, 2) << bad;
        EXPECT_NE(wake.err.find("--wake-every needs a whole number from 0 to 10000"),
                  std::string::npos)
            << wake.err;
    }

    auto noKey = refused({"--db", dir.file("server.db"), "--key-file", dir.file("none.key")});
    EXPECT_EQ(noKey.exitCode, 1);
    EXPECT_NE(noKey.err.find(dir.file("none.key")), std::string::npos) << noKey.err;

    ASSERT_TRUE(
        admit::replica::writeKeyFile(dir / "other.key", admit::replica::ReplicaKey::generate())
            .ok());
    auto wrongKey = refused({"--db", dir.file("server.db"), "--key-file", dir.file("other.key")});
    EXPECT_EQ(wrongKey.exitCode, 1);
    EXPECT_NE(wrongKey.err.find("the replica key does not match"), std::string::npos)
        << wrongKey.err;

    auto missing = refused({"--db", dir.file("nothing.db"), "--key-file", dir.file("server.key")});
    EXPECT_EQ(missing.exitCode, 1);
    EXPECT_FALSE(std::filesystem::exists(dir / "nothing.db")) << "never creates a database";

    {
        // Damage inside page 1's encrypted part.
        std::fstream file(dir.file("server.db"), std::ios::in | std::ios::out | std::ios::binary);
        file.seekp(100);
        file.put('\x5a');
        file.put('\xa5');
    }
    auto damaged = refused(args());
    EXPECT_EQ(damaged.exitCode, 1);
    EXPECT_NE(damaged.err.find("damaged"), std::string::npos) << damaged.err;
}

TEST_F(AdmitServer, RefusesAPortInUse) {
    Server first(args(), dir.file("first.log"));
    int port = first.port();
    ASSERT_GT(port, 0);
    auto second = refused(args("127.0.0.1:" + std::to_string(port)));
    EXPECT_EQ(second.exitCode, 1);
    EXPECT_NE(second.err.find("cannot listen on 127.0.0.1:" + std::to_string(port)),
              std::string::npos)
        << second.err;
    EXPECT_EQ(first.stop().exitCode, 0);
}

}  // namespace
