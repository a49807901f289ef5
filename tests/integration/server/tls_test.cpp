// admit-server with --tls-cert and --tls-key (issue 12): a kiosk that pins the server's key is
// served over TLS, a different key is refused before the token leaves the kiosk, and a slow or
// idle TLS attacker is held to the same deadlines, cap and memory as a plain HTTP one. The
// certificates are made at test time (self_signed_certificate.hpp).

#include <sys/stat.h>

#include <fstream>
#include <thread>

#include <openssl/pem.h>

#include "admit/sync/client/http_client.hpp"
#include "admit/sync/client/sync_client.hpp"
#include "admit/sync/client/sync_state.hpp"
#include "admit_server_fixture.hpp"
#include "child_process.hpp"
#include "self_signed_certificate.hpp"
#include "tls_client_hello.hpp"

namespace admit::sync {
namespace {

using testing::SelfSignedCertificate;

void writeFile(const std::filesystem::path& path, const std::string& text, mode_t mode) {
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out << text;
    }
    ::chmod(path.c_str(), mode);
}

class TlsServer : public AdmitServerFixture {
  protected:
    void SetUp() override {
        AdmitServerFixture::SetUp();
        certificate = SelfSignedCertificate::make();
        writeFile(dir / "tls.crt", certificate.certificatePem, 0644);
        writeFile(dir / "tls.key", certificate.keyPem, 0600);
    }

    void TearDown() override {
        AdmitServerFixture::TearDown();
        if (server) expectNoKeyIn(server->log());
    }

    // No line of the key's PEM body is in `text`.
    void expectNoKeyIn(const std::string& text) {
        std::istringstream lines(certificate.keyPem);
        for (std::string line; std::getline(lines, line);) {
            if (line.starts_with("-----")) continue;
            EXPECT_EQ(text.find(line), std::string::npos) << "a line of the TLS key in the output";
        }
    }

    std::vector<std::string> tlsArgs() {
        return {"--tls-cert", dir.file("tls.crt"), "--tls-key", dir.file("tls.key")};
    }

    // admit-server with TLS; the kiosk enrols over HTTPS, pinning the certificate's key.
    void startTlsServer(std::vector<std::string> extraArgs = {}, std::size_t token = 0) {
        auto args = tlsArgs();
        args.insert(args.end(), extraArgs.begin(), extraArgs.end());
        server = std::make_unique<testing::ServerProcess>(
            dir.file("server.db"), dir.file("server.key"), dir.file("server.log"), args);
        server->start();
        port = server->port();
        ASSERT_EQ(server->url(), "https://127.0.0.1:" + std::to_string(port));
        HttpRequest enrol;
        enrol.method = HttpRequest::Method::kPost;
        enrol.url = server->url() + std::string(kEnrolPath);
        enrol.body = toJson(EnrolRequest{eventId, enrolmentTokens[token], deviceId, "Gate A"});
        enrol.serverKeySha256 = certificate.publicKeySha256;
        auto answer = HttpClient().perform(enrol);
        ASSERT_TRUE(answer) << answer.error().message;
        ASSERT_EQ(answer->status, 200) << answer->body;
        deviceToken = parseEnrolResponse(answer->body)->deviceToken;
        baselineKib = server->memoryKib("VmHWM");
    }

    // The kiosk's devices request over HTTPS on a new connection (TLS handshake included), with
    // this pin; the time to its answer.
    Result<HttpResponse, HttpError> devicesOverTls(std::optional<std::array<std::uint8_t, 32>> pin,
                                                   std::chrono::milliseconds timeout = 2000ms) {
        HttpRequest get;
        get.url = server->url() + devicesPath(eventId);
        get.bearerToken = deviceToken;
        get.serverKeySha256 = pin;
        get.connectTimeout = timeout;
        get.timeout = timeout;
        return HttpClient().perform(get);
    }

    // Answered 200 over TLS within `timeout`: the time it took.
    std::optional<double> tlsKioskRequest(std::chrono::milliseconds timeout = 2000ms) {
        auto start = Clock::now();
        auto answer = devicesOverTls(certificate.publicKeySha256, timeout);
        if (!answer || answer->status != 200) return std::nullopt;
        return msSince(start);
    }

    SelfSignedCertificate certificate;
};

TEST_F(TlsServer, APinnedKioskIsServedOverTls) {
    startTlsServer();
    auto answer = devicesOverTls(certificate.publicKeySha256);
    ASSERT_TRUE(answer) << answer.error().message;
    EXPECT_EQ(answer->status, 200) << answer->body;
    EXPECT_NE(answer->body.find(deviceId), std::string::npos);
}

// Another server's key (a look-alike on the venue network): refused before any byte of the
// request, so the device token never reaches it.
TEST_F(TlsServer, AnotherKeyIsRefusedWithItsOwnKindBeforeTheTokenIsSent) {
    startTlsServer();
    auto other = SelfSignedCertificate::make();
    auto answer = devicesOverTls(other.publicKeySha256);
    ASSERT_FALSE(answer);
    EXPECT_EQ(answer.error().kind, HttpError::Kind::kWrongServerKey) << answer.error().message;
    EXPECT_EQ(answer.error().message.find(deviceToken), std::string::npos);
    std::this_thread::sleep_for(200ms);
    EXPECT_EQ(server->log().find(" GET "), std::string::npos)
        << "the server got a request it should never get:\n"
        << server->log();
}

// Without a pin the certificate must chain to a system CA: a self-signed one is refused.
TEST_F(TlsServer, AnUnpinnedClientRefusesASelfSignedCertificate) {
    startTlsServer();
    auto answer = devicesOverTls(std::nullopt);
    ASSERT_FALSE(answer);
    EXPECT_EQ(answer.error().kind, HttpError::Kind::kCertificateRefused) << answer.error().message;
}

// Plain HTTP stays the default; and a TLS server does not answer plain HTTP.
TEST_F(TlsServer, PlainHttpIsTheDefaultAndATlsPortSpeaksOnlyTls) {
    startServer();
    EXPECT_EQ(server->url(), "http://127.0.0.1:" + std::to_string(port));
    expectServing();
    server->stop();
    server.reset();

    startTlsServer({}, 1);
    RawConnection plain(port);
    ASSERT_TRUE(plain.send(rawRequest("GET", devicesPath(eventId), {authorization()})));
    EXPECT_FALSE(plain.readResponse(1000ms)) << "an HTTP answer on the TLS port";
    EXPECT_TRUE(tlsKioskRequest());
}

// 100 clients sending a ClientHello a byte at a time, and 400 that connect and send nothing:
// a kiosk's request, handshake included, is answered within 1 s; the server's memory stays
// small.
TEST_F(TlsServer, SlowAndIdleHandshakesDoNotStallKiosks) {
    startTlsServer();
    const std::string hello = testing::tlsClientHello();
    ASSERT_GT(hello.size(), 100u);
    SlowClients slow(port, 100, 250ms, hello);
    std::vector<std::unique_ptr<RawConnection>> idle;
    for (int i = 0; i < 400; ++i) idle.push_back(std::make_unique<RawConnection>(port));
    ASSERT_TRUE(slow.waitUntilSending(100, 5000ms));
    std::this_thread::sleep_for(1000ms);
    std::vector<double> latencies;
    for (int i = 0; i < 10; ++i) {
        auto answered = tlsKioskRequest(2000ms);
        ASSERT_TRUE(answered) << "request " << i << " not answered within 2 s";
        latencies.push_back(*answered);
        std::this_thread::sleep_for(100ms);
    }
    std::sort(latencies.begin(), latencies.end());
    EXPECT_LT(latencies.back(), 1000.0);
    EXPECT_EQ(slow.closedByServer(), 0) << "no connection is shed below the cap";
    EXPECT_LT(peakGrowthMib(), 48.0 * kMemoryFactor);
}

// A handshake that does not finish is cut off at the request deadline, however steadily the
// client sends.
TEST_F(TlsServer, ASlowHandshakeIsCutOffAtTheRequestDeadline) {
    startTlsServer({"--request-timeout", "1"});
    SlowClients slow(port, 4, 100ms, testing::tlsClientHello());
    ASSERT_TRUE(slow.waitUntilSending(4, 5000ms));
    std::this_thread::sleep_for(2500ms);
    EXPECT_EQ(slow.closedByServer(), 4);
    EXPECT_TRUE(tlsKioskRequest());
}

// Over the cap, handshakes that have waited longest make room for a kiosk.
TEST_F(TlsServer, HandshakesOverTheCapShedTheOldestFirst) {
    startTlsServer({"--max-connections", "50"});
    SlowClients early(port, 100, 250ms, testing::tlsClientHello());
    ASSERT_TRUE(early.waitUntilSending(50, 5000ms));
    std::this_thread::sleep_for(300ms);
    for (int i = 0; i < 3; ++i) {
        auto answered = tlsKioskRequest(2000ms);
        ASSERT_TRUE(answered) << "request " << i << " not answered within 2 s";
        EXPECT_LT(*answered, 1000.0);
    }
    EXPECT_GE(early.closedByServer(), 50);
}

// The kiosk's sync client, as the kiosk runs it: the address (URL and pin) stored at enrolment.
Result<RoundReport, SyncError> kioskRound(SQLite::Database& replica, const std::string& eventId) {
    return SyncClient(serverAddress(readSyncState(replica)))
        .runRound(replica, eventId, "A", store::systemTimeMs());
}

TEST_F(TlsServer, AKioskPinningTheServersKeySyncsOverTls) {
    startTlsServer();
    saveEnrolment(*kiosk, ServerAddress(server->url(), certificate.publicKeySha256), deviceToken);
    checkInBatches(3, 500);
    auto round = kioskRound(*kiosk, eventId);
    ASSERT_TRUE(round) << round.error().message;
    EXPECT_EQ(round->uploaded, 3);
}

TEST_F(TlsServer, AKioskPinningAnotherKeyIsRefusedWithItsKindAndSendsNothing) {
    startTlsServer();
    auto other = SelfSignedCertificate::make();
    saveEnrolment(*kiosk, ServerAddress(server->url(), other.publicKeySha256), deviceToken);
    checkInBatches(3, 500);
    auto round = kioskRound(*kiosk, eventId);
    ASSERT_FALSE(round);
    EXPECT_EQ(round.error().kind, SyncError::Kind::kWrongServerKey) << round.error().message;
    EXPECT_EQ(
        readSyncState(*kiosk).lastError.find("not the one in the event code") != std::string::npos,
        true)
        << readSyncState(*kiosk).lastError;
    EXPECT_EQ(store::Outbox(*kiosk).pendingCount(), 3) << "nothing was uploaded";
    EXPECT_EQ(server->log().find("/upload"), std::string::npos) << server->log();
}

TEST_F(TlsServer, AKioskOnPlainHttpStillSyncs) {
    startServer();
    saveEnrolment(*kiosk, server->url(), deviceToken);
    EXPECT_FALSE(readSyncState(*kiosk).serverKeySha256);
    checkInBatches(2, 500);
    auto round = kioskRound(*kiosk, eventId);
    ASSERT_TRUE(round) << round.error().message;
    EXPECT_EQ(round->uploaded, 2);
}

class TlsKeyFiles : public TlsServer {
  protected:
    // admit-server with these TLS files: its exit code and standard error.
    std::pair<int, std::string> run(const std::string& certificateFile,
                                    const std::string& keyFile) {
        const auto errFile = dir / "stderr.txt";
        testing::Child child(
            {ADMIT_SERVER_PATH, "--db", dir.file("server.db"), "--key-file", dir.file("server.key"),
             "--listen", "127.0.0.1:0", "--tls-cert", certificateFile, "--tls-key", keyFile},
            errFile);
        EXPECT_TRUE(child.started());
        auto line = child.readLine(10'000ms);
        EXPECT_FALSE(line) << "admit-server started: " << line.value_or("");
        int code = child.wait();
        std::ifstream in(errFile);
        std::string err((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        expectNoKeyIn(err);
        return {code, err};
    }
};

TEST_F(TlsKeyFiles, AKeyOthersCanReadIsRefusedByName) {
    ::chmod((dir / "tls.key").c_str(), 0644);
    auto [code, err] = run(dir.file("tls.crt"), dir.file("tls.key"));
    EXPECT_EQ(code, 1);
    EXPECT_NE(err.find("the TLS key file " + dir.file("tls.key")), std::string::npos) << err;
    EXPECT_NE(err.find("mode 0644"), std::string::npos) << err;
}

TEST_F(TlsKeyFiles, AMissingKeyIsNamed) {
    auto [code, err] = run(dir.file("tls.crt"), dir.file("nowhere.key"));
    EXPECT_EQ(code, 1);
    EXPECT_NE(err.find("the TLS key file " + dir.file("nowhere.key") + " does not exist"),
              std::string::npos)
        << err;
}

TEST_F(TlsKeyFiles, AKeyFileWithoutAKeyIsNamedWithoutItsContents) {
    writeFile(dir / "junk.key", "not a key: MARKER-5f1e9c\n", 0600);
    auto [code, err] = run(dir.file("tls.crt"), dir.file("junk.key"));
    EXPECT_EQ(code, 1);
    EXPECT_NE(err.find("the TLS key file " + dir.file("junk.key") + " holds no PEM private key"),
              std::string::npos)
        << err;
    EXPECT_EQ(err.find("MARKER-5f1e9c"), std::string::npos) << err;
}

TEST_F(TlsKeyFiles, AnotherCertificatesKeyIsRefused) {
    auto other = SelfSignedCertificate::make();
    writeFile(dir / "other.key", other.keyPem, 0600);
    auto [code, err] = run(dir.file("tls.crt"), dir.file("other.key"));
    EXPECT_EQ(code, 1);
    EXPECT_NE(
        err.find("does not hold the private key of the certificate in " + dir.file("tls.crt")),
        std::string::npos)
        << err;
}

TEST_F(TlsKeyFiles, APassphraseProtectedKeyIsRefusedWithoutAsking) {
    // The same key, encrypted with a passphrase by OpenSSL.
    std::unique_ptr<BIO, decltype(&BIO_free)> in(
        BIO_new_mem_buf(certificate.keyPem.data(), static_cast<int>(certificate.keyPem.size())),
        BIO_free);
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
        PEM_read_bio_PrivateKey(in.get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
    ASSERT_TRUE(key);
    std::unique_ptr<BIO, decltype(&BIO_free)> out(BIO_new(BIO_s_mem()), BIO_free);
    static char passphrase[] = "correct horse";
    ASSERT_EQ(
        PEM_write_bio_PKCS8PrivateKey(out.get(), key.get(), EVP_aes_256_cbc(), passphrase,
                                      static_cast<int>(sizeof passphrase - 1), nullptr, nullptr),
        1);
    char* data = nullptr;
    long size = BIO_get_mem_data(out.get(), &data);
    writeFile(dir / "locked.key", std::string(data, static_cast<std::size_t>(size)), 0600);
    auto [code, err] = run(dir.file("tls.crt"), dir.file("locked.key"));
    EXPECT_EQ(code, 1);
    EXPECT_NE(err.find("is protected by a passphrase"), std::string::npos) << err;
}

TEST_F(TlsKeyFiles, ACertificateFileWithoutACertificateIsNamed) {
    writeFile(dir / "junk.crt", "hello\n", 0644);
    auto [code, err] = run(dir.file("junk.crt"), dir.file("tls.key"));
    EXPECT_EQ(code, 1);
    EXPECT_NE(
        err.find("the TLS certificate file " + dir.file("junk.crt") + " holds no PEM certificate"),
        std::string::npos)
        << err;
}

}  // namespace
}  // namespace admit::sync
