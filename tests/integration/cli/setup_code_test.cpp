// `admit setup-code --server URL`: the real binary prints an online set-up code whose one-time
// enrolment token is registered (only as its hash) in the database the sync server serves.

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <variant>

#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "admit/store/clock.hpp"
#include "admit/store/schema.hpp"
#include "admit/store/store.hpp"
#include "admit/sync/store/enrolment_tokens.hpp"
#include "admit/sync/store/server_store.hpp"
#include "admit/ticket/event_setup.hpp"
#include "cli_run.hpp"
#include "self_signed_certificate.hpp"
#include "temp_dir.hpp"

namespace {

using admit::testing::admit;
using admit::testing::CliRun;

class SetupCodeCli : public ::testing::Test {
  protected:
    void SetUp() override {
        db = "--db " + dir.file("org.db") + " ";
        CliRun created = admit(db + "--json event create --name 'Online Fest'");
        ASSERT_EQ(created.exitCode, 0) << created.out;
        eventId = nlohmann::json::parse(created.out)["event_id"];
    }

    // The enrolment token inside a printed code.
    std::string tokenOf(const std::string& code) {
        auto decoded = admit::ticket::decodeEventSetup(code);
        EXPECT_TRUE(decoded.ok()) << code;
        if (!decoded.ok()) return "";
        auto* online = std::get_if<admit::ticket::OnlineEnrolment>(&*decoded);
        EXPECT_NE(online, nullptr);
        if (!online) return "";
        EXPECT_EQ(online->serverUrl, "http://127.0.0.1:8470");
        EXPECT_EQ(admit::ticket::eventIdToString(online->eventId), eventId);
        return online->enrolmentToken;
    }

    SQLite::Database openDb() {
        auto opened =
            admit::store::openPlainDatabase(dir.file("org.db"), admit::store::OpenMode::kExisting);
        EXPECT_TRUE(opened.ok());
        return std::move(*opened);
    }

    // expires_at - created_at of the token's row, or -1 if no row has its hash.
    std::int64_t lifetimeOf(const std::string& token) {
        auto org = openDb();
        SQLite::Statement q(org,
                            "SELECT expires_at - created_at FROM enrolment_tokens WHERE "
                            "token_hash = ? AND event_id = ? AND used_at IS NULL");
        auto hash = admit::sync::tokenHash(token);
        q.bind(1, hash.data(), static_cast<int>(hash.size()));
        q.bind(2, eventId);
        return q.executeStep() ? q.getColumn(0).getInt64() : -1;
    }

    admit::testing::TempDir dir;
    std::string db;
    std::string eventId;
};

TEST_F(SetupCodeCli, OnlineCodeCarriesAFreshOneTimeTokenKnownToTheServer) {
    std::string command = db + "setup-code --event " + eventId +
                          " --server http://127.0.0.1:8470 --png " + dir.file("code.png");
    CliRun first = admit(command);
    ASSERT_EQ(first.exitCode, 0) << first.out;
    ASSERT_FALSE(first.out.empty());
    std::string code = first.out.substr(0, first.out.size() - 1);
    EXPECT_EQ(first.out, code + "\n") << "the code and nothing else";
    std::string token = tokenOf(code);
    EXPECT_EQ(token.size(), 43u);
    EXPECT_EQ(first.out.find(token), std::string::npos) << "the token only inside the code";
    EXPECT_EQ(lifetimeOf(token), admit::sync::kEnrolmentTokenLifetimeMs);
    EXPECT_TRUE(std::filesystem::exists(dir.file("code.png")));

    CliRun second =
        admit(db + "--json setup-code --event " + eventId + " --server http://127.0.0.1:8470");
    ASSERT_EQ(second.exitCode, 0) << second.out;
    std::string secondToken = tokenOf(nlohmann::json::parse(second.out)["setup_code"]);
    EXPECT_NE(secondToken, token) << "every code has its own token";

    // The server redeems it once.
    auto org = openDb();
    admit::sync::ServerStore server(org);
    auto enrolled = server.enrol({eventId, token, "0190a8c4-5e3b-7c2d-9f00-1a2b3c4d5e6f", "k"},
                                 admit::store::systemTimeMs());
    EXPECT_TRUE(enrolled.ok()) << enrolled.error().message;
    auto again = server.enrol({eventId, token, "0190a8c4-5e3b-7c2d-9f00-1a2b3c4d5e6f", "k"},
                              admit::store::systemTimeMs());
    EXPECT_FALSE(again.ok());
}

TEST_F(SetupCodeCli, TokenFromAFileIsRegisteredToo) {
    std::ofstream(dir.file("token.txt")) << "organiser-made-token-0123456789\n";
    CliRun run = admit(db + "setup-code --event " + eventId +
                       " --server http://127.0.0.1:8470 --token-file " + dir.file("token.txt"));
    ASSERT_EQ(run.exitCode, 0) << run.out;
    EXPECT_EQ(tokenOf(run.out.substr(0, run.out.size() - 1)), "organiser-made-token-0123456789");
    EXPECT_EQ(lifetimeOf("organiser-made-token-0123456789"),
              admit::sync::kEnrolmentTokenLifetimeMs);
    CliRun reused = admit(db + "setup-code --event " + eventId +
                          " --server http://127.0.0.1:8470 --token-file " + dir.file("token.txt"));
    EXPECT_EQ(reused.exitCode, 1) << reused.out;
    EXPECT_EQ(reused.out.find("organiser-made-token"), std::string::npos) << reused.out;
}

// --relay: the code enrols a venue relay, which the server records with its role; a relay needs
// an online code.
TEST_F(SetupCodeCli, RelayCodeEnrolsADeviceWithTheRelayRole) {
    CliRun run =
        admit(db + "setup-code --event " + eventId + " --server http://127.0.0.1:8470 --relay");
    ASSERT_EQ(run.exitCode, 0) << run.out;
    std::string token = tokenOf(run.out.substr(0, run.out.size() - 1));
    auto org = openDb();
    admit::sync::ServerStore server(org);
    const std::string relayId = "0190a8c4-5e3b-7c2d-9f00-1a2b3c4d5e6f";
    auto enrolled =
        server.enrol({eventId, token, relayId, "Hall relay"}, admit::store::systemTimeMs());
    ASSERT_TRUE(enrolled.ok()) << enrolled.error().message;
    auto device = server.authenticate(enrolled->deviceToken, eventId, admit::store::systemTimeMs());
    ASSERT_TRUE(device.ok());
    EXPECT_EQ(device->role, admit::sync::DeviceRole::kRelay);

    CliRun offline = admit(db + "setup-code --event " + eventId + " --relay");
    EXPECT_EQ(offline.exitCode, 2) << offline.out;
    EXPECT_NE(offline.out.find("--relay needs --server"), std::string::npos) << offline.out;
}

TEST_F(SetupCodeCli, RefusedServerUrlRegistersNoToken) {
    CliRun run = admit(db + "setup-code --event " + eventId + " --server ftp://example.org");
    EXPECT_EQ(run.exitCode, 1) << run.out;
    auto org = openDb();
    EXPECT_EQ(org.execAndGet("SELECT count(*) FROM enrolment_tokens").getInt(), 0);
}

}  // namespace

namespace {

// --tls-cert: the code pins the SHA-256 of the certificate's public key (made here by OpenSSL).
TEST_F(SetupCodeCli, TlsCertificatePinsTheServersKey) {
    auto certificate = admit::testing::SelfSignedCertificate::make();
    std::ofstream(dir.file("server.crt")) << certificate.certificatePem;
    CliRun run = admit(db + "setup-code --event " + eventId +
                       " --server https://127.0.0.1:8470 --tls-cert " + dir.file("server.crt"));
    ASSERT_EQ(run.exitCode, 0) << run.out;
    auto decoded = admit::ticket::decodeEventSetup(run.out.substr(0, run.out.size() - 1));
    ASSERT_TRUE(decoded.ok()) << run.out;
    const auto& online = std::get<admit::ticket::OnlineEnrolment>(*decoded);
    EXPECT_EQ(online.serverUrl, "https://127.0.0.1:8470");
    ASSERT_TRUE(online.serverKeySha256);
    EXPECT_EQ(*online.serverKeySha256, certificate.publicKeySha256);

    CliRun plain = admit(db + "setup-code --event " + eventId +
                         " --server http://127.0.0.1:8470 --tls-cert " + dir.file("server.crt"));
    EXPECT_EQ(plain.exitCode, 2) << plain.out;
    EXPECT_NE(plain.out.find("--tls-cert needs an https:// --server"), std::string::npos)
        << plain.out;

    CliRun missing = admit(db + "setup-code --event " + eventId +
                           " --server https://127.0.0.1:8470 --tls-cert " + dir.file("none.crt"));
    EXPECT_EQ(missing.exitCode, 1) << missing.out;
    EXPECT_NE(
        missing.out.find("the TLS certificate file " + dir.file("none.crt") + " does not exist"),
        std::string::npos)
        << missing.out;
}

}  // namespace
