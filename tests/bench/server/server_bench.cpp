// The sync server on a hostile network (issue 12), measured against peers in the same run:
// admit-server as built, a cpp-httplib 0.11 peer made as robust as its interface allows
// (httplib_peer.cpp, 64 workers), and any other admit-server given with --server (an older
// build, for before/after). Every server serves its own copy of one database.
//
// Reported, as Markdown tables:
// 1. requests/s of a plain authenticated download (200 check-ins, keep-alive, 2 client threads),
//    rounds alternating between the servers, with the ratio to the first;
// 2. a kiosk's request (devices list, new connection, 2 s timeout) p50/p99 with 0, 100, 500 and
//    1,500 slow attacking connections (a request-head byte every 0.2 s each: a per-receive
//    timeout of any length is beaten by sending faster than it);
// 3. each attack of issue 12 on a fresh server process: its answer, how long it took, the
//    server's peak memory growth (VmHWM), and whether the server lived and answered a kiosk
//    after;
// 4. TLS against plain HTTP, both admit-server as built (--tls-cert with a self-signed ECDSA
//    P-256 certificate made here), both through libcurl as the kiosk uses it: a request on a new
//    connection (the handshake's cost is the difference), downloads/s on keep-alive, and a
//    kiosk's request over TLS under 100 clients dribbling a ClientHello.
//
// Usage: admit_server_bench [--server NAME=PATH]... [--rounds N]
//                           [--only throughput|slow|attacks|tls]

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <SQLiteCpp/Transaction.h>
#include <httplib.h>

#include "admit/organiser/event_admin.hpp"
#include "admit/replica/replica.hpp"
#include "admit/replica/replica_key.hpp"
#include "admit/store/checkin_log.hpp"
#include "admit/store/clock.hpp"
#include "admit/store/hybrid_logical_clock.hpp"
#include "admit/store/outbox.hpp"
#include "admit/store/schema.hpp"
#include "admit/store/store.hpp"
#include "admit/sync/client/http_client.hpp"
#include "admit/sync/protocol/messages.hpp"
#include "admit/sync/store/enrolment_tokens.hpp"
#include "admit/sync/store/server_store.hpp"
#include "bench_timing.hpp"
#include "gzip_bomb.hpp"
#include "raw_http.hpp"
#include "self_signed_certificate.hpp"
#include "server_process.hpp"
#include "tls_client_hello.hpp"

using admit::bench::percentile;

namespace {

using namespace admit;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using testing::RawConnection;
using testing::rawRequest;

double msSince(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

[[noreturn]] void die(const std::string& message) {
    std::fprintf(stderr, "%s\n", message.c_str());
    std::exit(1);
}

// The database every server gets a copy of: one event, the bench kiosk (device A, whose token
// the requests carry) and device B, which uploaded 200 check-ins for A to download.
struct Fixture {
    std::filesystem::path dir;
    std::string eventId;
    std::string deviceId;
    std::string deviceToken;
};

Fixture makeFixture(const std::filesystem::path& dir) {
    Fixture f{dir, "", "", ""};
    auto key = replica::ReplicaKey::generate();
    if (!replica::writeKeyFile(dir / "server.key", key)) die("cannot write the key");
    auto db = replica::openReplica(dir / "server.db", key, replica::OpenMode::kCreate);
    if (!db) die(db.error().message);
    store::applyConnectionSettings(*db);
    if (!store::migrate(*db)) die("cannot migrate");
    auto event = organiser::createEvent(*db, {"Bench Fest"}, 1000);
    if (!event) die(event.error().message);
    f.eventId = event->id;
    std::int64_t now = store::systemTimeMs();
    auto enrolKiosk = [&](const std::string& name) {
        auto kiosk =
            store::openPlainDatabase((dir / (name + ".db")).string(), store::OpenMode::kCreate);
        if (!kiosk || !organiser::exportReplica(*db, f.eventId, *kiosk)) die("cannot export");
        auto token = sync::EnrolmentTokens(*db).issue(f.eventId, now);
        auto enrolled =
            sync::ServerStore(*db).enrol({f.eventId, *token, store::deviceId(*kiosk), name}, now);
        if (!enrolled) die(enrolled.error().message);
        return std::make_pair(std::make_unique<SQLite::Database>(std::move(*kiosk)),
                              enrolled->deviceToken);
    };
    auto [kioskA, tokenA] = enrolKiosk("kiosk-a");
    auto [kioskB, tokenB] = enrolKiosk("kiosk-b");
    f.deviceId = store::deviceId(*kioskA);
    f.deviceToken = tokenA;
    {
        SQLite::Transaction transaction(*kioskB);
        store::HybridLogicalClock clock(*kioskB);
        store::CheckInLog log(*kioskB, clock);
        for (int i = 0; i < 200; ++i) {
            log.append({f.eventId, "ref-" + std::to_string(i), std::nullopt, "B",
                        store::Direction::kEntry, ""},
                       now + i);
        }
        transaction.commit();
    }
    sync::UploadRequest upload{store::deviceId(*kioskB), "B", {}};
    for (const auto& item : store::Outbox(*kioskB).pending(200)) {
        upload.entries.push_back({item.seq, item.kind, item.recordId, item.hlc, item.payload});
    }
    auto device = sync::ServerStore(*db).authenticate(tokenB, f.eventId, now);
    if (!device || !sync::ServerStore(*db).upload(*device, upload, now)) die("cannot upload");
    return f;
}

struct ServerUnderTest {
    std::string name;
    std::string program;
    std::vector<std::string> extraArgs;
    std::string db;  // its own copy
    std::unique_ptr<testing::ServerProcess> process;
};

void start(ServerUnderTest& s, const Fixture& f) {
    s.process = std::make_unique<testing::ServerProcess>(s.db, (f.dir / "server.key").string(),
                                                         s.db + ".log", s.extraArgs, s.program);
    s.process->start();
}

// A kiosk's ordinary request on a new connection; its time, or nullopt if no 200 within the
// timeout.
std::optional<double> kioskRequest(int port, const Fixture& f,
                                   std::chrono::milliseconds timeout = 2000ms) {
    auto started = Clock::now();
    RawConnection connection(port);
    if (!connection.connected()) return std::nullopt;
    if (!connection.send(
            rawRequest("GET", sync::devicesPath(f.eventId),
                       {"Authorization: Bearer " + f.deviceToken, "Connection: close"}),
            timeout)) {
        return std::nullopt;
    }
    auto left =
        timeout - std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    auto response = connection.readResponse(std::max(left, 1ms));
    if (!response || response->status != 200) return std::nullopt;
    return msSince(started);
}

// Authenticated downloads of the 200 check-ins on keep-alive connections from `threads`
// threads for `seconds`: requests per second.
double downloadsPerSecond(int port, const Fixture& f, int threads, double seconds) {
    std::atomic<long> done = 0;
    std::atomic<long> failed = 0;
    auto until = Clock::now() + std::chrono::duration<double>(seconds);
    std::vector<std::thread> clients;
    for (int t = 0; t < threads; ++t) {
        clients.emplace_back([&] {
            httplib::Client client("127.0.0.1", port);
            client.set_keep_alive(true);
            httplib::Headers headers{{"Authorization", "Bearer " + f.deviceToken}};
            std::string path = sync::checkinsPath(f.eventId) + "?after=0";
            while (Clock::now() < until) {
                auto res = client.Get(path.c_str(), headers);
                if (res && res->status == 200 && res->body.size() > 10'000) {
                    ++done;
                } else {
                    ++failed;
                }
            }
        });
    }
    for (auto& c : clients) c.join();
    if (failed > 0) std::fprintf(stderr, "  (%ld downloads failed)\n", failed.load());
    return static_cast<double>(done.load()) / seconds;
}

struct Latency {
    std::vector<double> answeredMs;
    int asked = 0;
};

Latency kioskLatency(int port, const Fixture& f, int requests) {
    Latency out;
    int timeoutsInARow = 0;
    for (int i = 0; i < requests && timeoutsInARow < 3; ++i) {
        ++out.asked;
        auto answered = kioskRequest(port, f);
        if (answered) {
            out.answeredMs.push_back(*answered);
            timeoutsInARow = 0;
        } else {
            ++timeoutsInARow;
        }
        std::this_thread::sleep_for(50ms);
    }
    return out;
}

std::string latencyCell(const Latency& l) {
    char text[96];
    if (l.answeredMs.empty()) {
        std::snprintf(text, sizeof text, "none of %d answered", l.asked);
    } else {
        std::snprintf(text, sizeof text, "%.1f / %.1f ms (%zu of %d)",
                      percentile(l.answeredMs, 0.5), percentile(l.answeredMs, 0.99),
                      l.answeredMs.size(), l.asked);
    }
    return text;
}

// One attack: what the attacker saw, and what the server did.
struct AttackResult {
    std::string answer;  // "413", "no answer", "closed"
    double ms = 0;       // until the answer; not shown for the connection attacks
    bool timed = true;
    double peakGrowthMib = 0;
    bool alive = false;
    bool kioskAnsweredDuring = true;  // for the connection attacks
    bool kioskAnsweredAfter = false;
};

using Attack = std::function<std::string(int port, const Fixture& f, AttackResult& r)>;

// Sends `request` on a new connection (as much as the server takes) and reads the answer.
std::string sendAndRead(int port, const std::string& request, std::chrono::milliseconds timeout) {
    RawConnection connection(port);
    connection.send(request, timeout);
    auto response = connection.readResponse(timeout);
    return response ? std::to_string(response->status) : std::string("no answer");
}

std::string uploadWithEntries(const Fixture& f, const std::string& entries) {
    return R"({"protocol":)" + std::to_string(sync::kProtocolVersion) + R"(,"device_id":")" +
           f.deviceId + R"(","gate":"A","entries":)" + entries + "}";
}

std::string arrayOfEmptyObjects(std::size_t bytes) {
    std::string text = "[";
    while (text.size() < bytes) text += "{},";
    text.back() = ']';
    return text;
}

// Issue 12's attacks; their bodies are made here, before any clock runs.
std::vector<std::pair<std::string, Attack>> attacks(const Fixture& fixture) {
    std::vector<std::pair<std::string, Attack>> list;
    std::string nested = std::string(100'000, '[') + std::string(100'000, ']');
    std::string nestedUpload =
        rawRequest("POST", sync::checkinsPath(fixture.eventId),
                   {"Authorization: Bearer " + fixture.deviceToken},
                   uploadWithEntries(
                       fixture, R"([{"seq":1,"kind":"checkin","record_id":"r","hlc":1,"payload":)" +
                                    nested + "}]"));
    list.emplace_back("upload, payload nested 100,000 levels (200 KB; device token)",
                      [nestedUpload](int port, const Fixture&, AttackResult&) {
                          return sendAndRead(port, nestedUpload, 30s);
                      });
    std::string hugeUpload =
        rawRequest("POST", sync::checkinsPath(fixture.eventId),
                   {"Authorization: Bearer " + fixture.deviceToken},
                   uploadWithEntries(fixture, arrayOfEmptyObjects(sync::kMaxBodyBytes - 200)));
    list.emplace_back("upload of 2.8 M entries `{}` (8 MiB; device token)",
                      [hugeUpload](int port, const Fixture&, AttackResult&) {
                          return sendAndRead(port, hugeUpload, 60s);
                      });
    std::string emptyObjects =
        rawRequest("POST", "/v1/enrol", {},
                   R"({"protocol":1,"x":)" + arrayOfEmptyObjects(sync::kMaxBodyBytes - 30) + "}");
    list.emplace_back("/v1/enrol, 8 MiB body of `{}`",
                      [emptyObjects](int port, const Fixture&, AttackResult&) {
                          return sendAndRead(port, emptyObjects, 60s);
                      });
    std::string bomb = rawRequest("POST", "/v1/enrol", {"Content-Encoding: gzip"},
                                  testing::gzipOfZeros(std::size_t{256} << 20));
    list.emplace_back(
        "/v1/enrol, gzip body: 256 KiB inflating to 256 MiB",
        [bomb](int port, const Fixture&, AttackResult&) { return sendAndRead(port, bomb, 120s); });
    std::string data = arrayOfEmptyObjects(1 << 20);
    char size[32];
    std::snprintf(size, sizeof size, "%zx\r\n", data.size());
    std::string chunk = size + data + "\r\n";
    list.emplace_back("/v1/enrol, chunked body of 24 MiB, no Content-Length",
                      [chunk](int port, const Fixture&, AttackResult&) {
                          RawConnection connection(port);
                          connection.send(
                              "POST /v1/enrol HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
                              "chunked\r\n\r\nf\r\n{\"protocol\":1,\"\r\n");
                          for (int i = 0; i < 24; ++i) {
                              if (!connection.send(chunk, 5000ms)) break;
                          }
                          connection.send("0\r\n\r\n", 1000ms);
                          auto response = connection.readResponse(60s);
                          return response ? std::to_string(response->status)
                                          : std::string("no answer");
                      });
    std::string manyFields =
        "GET " + sync::devicesPath(fixture.eventId) + " HTTP/1.1\r\nHost: x\r\n";
    for (int i = 0; i < 300'000; ++i) manyFields += "X-" + std::to_string(i) + ": a\r\n";
    manyFields += "\r\n";
    list.emplace_back("300,000 header fields",
                      [manyFields](int port, const Fixture&, AttackResult&) {
                          return sendAndRead(port, manyFields, 60s);
                      });
    auto connectionAttack = [](int count, std::optional<std::chrono::milliseconds> interval) {
        return [count, interval](int port, const Fixture& f, AttackResult& r) {
            std::vector<std::unique_ptr<RawConnection>> idle;
            std::unique_ptr<testing::SlowClients> slow;
            if (interval) {
                slow = std::make_unique<testing::SlowClients>(port, count, *interval);
                slow->waitUntilSending(count, 10s);
            } else {
                for (int i = 0; i < count; ++i)
                    idle.push_back(std::make_unique<RawConnection>(port, false));
            }
            std::this_thread::sleep_for(1500ms);
            auto l = kioskLatency(port, f, 5);
            r.kioskAnsweredDuring = l.answeredMs.size() == static_cast<std::size_t>(l.asked);
            r.timed = false;
            return std::string("kiosk during: ") + latencyCell(l);
        };
    };
    list.emplace_back("8 connections, a head byte every 0.2 s", connectionAttack(8, 200ms));
    list.emplace_back("200 idle connections", connectionAttack(200, std::nullopt));
    list.emplace_back("500 connections, a head byte every 0.2 s", connectionAttack(500, 200ms));
    // The most one connection can make the server hold before its head is refused: 8,000 bytes
    // of a head that never ends, on 1,000 connections (under the cap of 1,024).
    list.emplace_back("1,000 connections with 8,000 bytes of unfinished head each",
                      [](int port, const Fixture& f, AttackResult& r) {
                          std::string head = "GET /x HTTP/1.1\r\nX-Pad: " + std::string(7975, 'a');
                          std::vector<std::unique_ptr<RawConnection>> connections;
                          for (int i = 0; i < 1000; ++i) {
                              connections.push_back(std::make_unique<RawConnection>(port, false));
                          }
                          int sent = 0;
                          for (auto& connection : connections) {
                              sent += connection->send(head, 5000ms) ? 1 : 0;
                          }
                          std::this_thread::sleep_for(1000ms);
                          auto l = kioskLatency(port, f, 5);
                          r.kioskAnsweredDuring =
                              l.answeredMs.size() == static_cast<std::size_t>(l.asked);
                          r.timed = false;
                          return std::to_string(sent) + " sent; kiosk during: " + latencyCell(l);
                      });
    return list;
}

}  // namespace

// --- TLS against plain HTTP, through libcurl (sync::HttpClient) as the kiosk uses it.

struct Endpoint {
    std::string url;  // http://... or https://...
    std::optional<std::array<std::uint8_t, 32>> pin;
};

sync::HttpRequest getRequest(const Endpoint& e, const Fixture& f, const std::string& path) {
    sync::HttpRequest r;
    r.url = e.url + path;
    r.bearerToken = f.deviceToken;
    r.serverKeySha256 = e.pin;
    r.connectTimeout = 2000ms;
    r.timeout = 2000ms;
    return r;
}

// One devices request on a new connection (a new client: TCP and, for https, the handshake).
std::optional<double> newConnectionRequest(const Endpoint& e, const Fixture& f) {
    auto started = Clock::now();
    auto answer = sync::HttpClient().perform(getRequest(e, f, sync::devicesPath(f.eventId)));
    if (!answer || answer->status != 200) return std::nullopt;
    return msSince(started);
}

double curlDownloadsPerSecond(const Endpoint& e, const Fixture& f, int threads, double seconds) {
    std::atomic<long> done = 0;
    std::atomic<long> failed = 0;
    auto until = Clock::now() + std::chrono::duration<double>(seconds);
    std::vector<std::thread> clients;
    for (int t = 0; t < threads; ++t) {
        clients.emplace_back([&] {
            sync::HttpClient client;  // one handle: its connection is kept alive
            auto request = getRequest(e, f, sync::checkinsPath(f.eventId) + "?after=0");
            while (Clock::now() < until) {
                auto answer = client.perform(request);
                if (answer && answer->status == 200 && answer->body.size() > 10'000) {
                    ++done;
                } else {
                    ++failed;
                }
            }
        });
    }
    for (auto& c : clients) c.join();
    if (failed > 0) std::fprintf(stderr, "  (%ld downloads failed)\n", failed.load());
    return static_cast<double>(done.load()) / seconds;
}

void tlsSection(const Fixture& f, int rounds) {
    auto certificate = testing::SelfSignedCertificate::make();
    std::ofstream(f.dir / "tls.crt") << certificate.certificatePem;
    std::ofstream(f.dir / "tls.key") << certificate.keyPem;
    std::filesystem::permissions(f.dir / "tls.key", std::filesystem::perms::owner_read |
                                                        std::filesystem::perms::owner_write);
    ServerUnderTest plain{"plain HTTP", ADMIT_SERVER_PATH, {}, (f.dir / "plain.db").string(), {}};
    ServerUnderTest tls{
        "TLS",
        ADMIT_SERVER_PATH,
        {"--tls-cert", (f.dir / "tls.crt").string(), "--tls-key", (f.dir / "tls.key").string()},
        (f.dir / "tls.db").string(),
        {}};
    std::filesystem::copy_file(f.dir / "server.db", plain.db);
    std::filesystem::copy_file(f.dir / "server.db", tls.db);
    start(plain, f);
    start(tls, f);
    const Endpoint plainEnd{plain.process->url(), std::nullopt};
    const Endpoint tlsEnd{tls.process->url(), certificate.publicKeySha256};

    std::printf(
        "\n### TLS (ECDSA P-256, TLS 1.3) against plain HTTP, same server build, through libcurl "
        "as the kiosk uses it, %d rounds alternating\n\n",
        rounds);
    std::vector<double> plainNew, tlsNew, plainRate, tlsRate;
    for (int round = 0; round < rounds; ++round) {
        for (int i = 0; i < 100; ++i) {
            if (auto ms = newConnectionRequest(plainEnd, f)) plainNew.push_back(*ms);
            if (auto ms = newConnectionRequest(tlsEnd, f)) tlsNew.push_back(*ms);
        }
        plainRate.push_back(curlDownloadsPerSecond(plainEnd, f, 2, 3.0));
        tlsRate.push_back(curlDownloadsPerSecond(tlsEnd, f, 2, 3.0));
    }
    const double plainMs = percentile(plainNew, 0.5);
    const double tlsMs = percentile(tlsNew, 0.5);
    std::printf("| measure | plain HTTP | TLS | TLS / plain |\n|---|---|---|---|\n");
    std::printf(
        "| devices request on a new connection, p50 (%zu / %zu) | %.2f ms | %.2f ms | "
        "%.2fx (handshake about %.2f ms) |\n",
        plainNew.size(), tlsNew.size(), plainMs, tlsMs, tlsMs / plainMs, tlsMs - plainMs);
    std::printf("| the same, p99 | %.2f ms | %.2f ms | %.2fx |\n", percentile(plainNew, 0.99),
                percentile(tlsNew, 0.99), percentile(tlsNew, 0.99) / percentile(plainNew, 0.99));
    std::string plainCells, tlsCells;
    for (double v : plainRate)
        plainCells += (plainCells.empty() ? "" : ", ") + std::to_string(static_cast<int>(v));
    for (double v : tlsRate)
        tlsCells += (tlsCells.empty() ? "" : ", ") + std::to_string(static_cast<int>(v));
    const double plainMedian = percentile(plainRate, 0.5);
    const double tlsMedian = percentile(tlsRate, 0.5);
    std::printf(
        "| authenticated download (200 check-ins), keep-alive, 2 threads: requests/s "
        "(rounds: %s / %s) | %.0f | %.0f | %.2fx |\n",
        plainCells.c_str(), tlsCells.c_str(), plainMedian, tlsMedian, tlsMedian / plainMedian);

    std::printf(
        "\n### A kiosk's request over TLS (new connection, handshake included, 2 s timeout) "
        "under clients dribbling a ClientHello (a byte every 0.2 s): p50 / p99\n\n"
        "| attackers | TLS server |\n|---|---|\n");
    const std::string hello = testing::tlsClientHello();
    for (int attackers : {0, 100, 500}) {
        long before = tls.process->memoryKib("VmRSS");
        std::optional<testing::SlowClients> slow;
        if (attackers > 0) {
            slow.emplace(tls.process->port(), attackers, 200ms, hello);
            if (!slow->waitUntilSending(attackers, 10s)) {
                std::fprintf(stderr, "  (%d of %d attackers got a byte in)\n", slow->sending(),
                             attackers);
            }
        }
        std::this_thread::sleep_for(attackers > 0 ? 1500ms : 200ms);
        Latency l;
        for (int i = 0; i < 40; ++i) {
            ++l.asked;
            if (auto ms = newConnectionRequest(tlsEnd, f)) l.answeredMs.push_back(*ms);
            std::this_thread::sleep_for(50ms);
        }
        long during = tls.process->memoryKib("VmRSS");
        slow.reset();
        std::printf("| %d | %s, RSS +%.1f MiB |\n", attackers, latencyCell(l).c_str(),
                    static_cast<double>(during - before) / 1024.0);
        std::fflush(stdout);
        std::this_thread::sleep_for(1500ms);
    }
    plain.process->stop();
    tls.process->stop();
}

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    int rounds = 3;
    std::string only;
    std::vector<ServerUnderTest> servers;
    servers.push_back({"admit-server", ADMIT_SERVER_PATH, {}, "", nullptr});
    servers.push_back(
        {"httplib peer, 64 workers", ADMIT_HTTPLIB_PEER_PATH, {"--threads", "64"}, "", nullptr});
    for (std::size_t i = 0; i + 1 < args.size(); i += 2) {
        if (args[i] == "--rounds") {
            rounds = std::stoi(args[i + 1]);
        } else if (args[i] == "--only") {
            only = args[i + 1];
        } else if (args[i] == "--server") {
            auto equals = args[i + 1].find('=');
            if (equals == std::string::npos) die("--server NAME=PATH");
            servers.push_back(
                {args[i + 1].substr(0, equals), args[i + 1].substr(equals + 1), {}, "", nullptr});
        } else {
            die("usage: admit_server_bench [--server NAME=PATH]... [--rounds N] [--only WHAT]");
        }
    }
    auto dir = std::filesystem::temp_directory_path() / "admit-server-bench";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    Fixture f = makeFixture(dir);
    for (std::size_t i = 0; i < servers.size(); ++i) {
        servers[i].db = (dir / ("server-" + std::to_string(i) + ".db")).string();
        std::filesystem::copy_file(dir / "server.db", servers[i].db);
    }

    if (only.empty() || only == "throughput") {
        std::printf(
            "\n### Authenticated download (200 check-ins, ~80 KB), keep-alive, 2 client "
            "threads, %d rounds of 3 s\n\n",
            rounds);
        for (auto& s : servers) start(s, f);
        std::vector<std::vector<double>> perServer(servers.size());
        for (int round = 0; round < rounds; ++round) {
            for (std::size_t i = 0; i < servers.size(); ++i) {
                perServer[i].push_back(downloadsPerSecond(servers[i].process->port(), f, 2, 3.0));
            }
        }
        std::printf("| server | requests/s per round | median | / %s |\n|---|---|---|---|\n",
                    servers[0].name.c_str());
        double first = percentile(perServer[0], 0.5);
        for (std::size_t i = 0; i < servers.size(); ++i) {
            std::string cells;
            for (double v : perServer[i])
                cells += (cells.empty() ? "" : ", ") + std::to_string(static_cast<int>(v));
            double median = percentile(perServer[i], 0.5);
            std::printf("| %s | %s | %.0f | %.2fx |\n", servers[i].name.c_str(), cells.c_str(),
                        median, median / first);
        }
        for (auto& s : servers) s.process->stop();
    }

    if (only.empty() || only == "slow") {
        std::printf(
            "\n### A kiosk's request (new connection, 2 s timeout) under slow connections "
            "(a head byte every 0.2 s): p50 / p99\n\n| attackers |");
        for (auto& s : servers) std::printf(" %s |", s.name.c_str());
        std::printf("\n|---|");
        for (std::size_t i = 0; i < servers.size(); ++i) std::printf("---|");
        std::printf("\n");
        for (auto& s : servers) start(s, f);
        for (int attackers : {0, 100, 500, 1500}) {
            std::printf("| %d |", attackers);
            for (auto& s : servers) {
                long before = s.process->memoryKib("VmRSS");
                std::optional<testing::SlowClients> slow;
                if (attackers > 0) {
                    slow.emplace(s.process->port(), attackers, 200ms);
                    if (!slow->waitUntilSending(attackers, 10s)) {
                        std::fprintf(stderr, "  (%s: %d of %d attackers got a byte in)\n",
                                     s.name.c_str(), slow->sending(), attackers);
                    }
                }
                std::this_thread::sleep_for(attackers > 0 ? 1500ms : 200ms);
                Latency l = kioskLatency(s.process->port(), f, 40);
                long during = s.process->memoryKib("VmRSS");
                slow.reset();
                std::printf(" %s, RSS +%.1f MiB |", latencyCell(l).c_str(),
                            static_cast<double>(during - before) / 1024.0);
                std::fflush(stdout);
                std::this_thread::sleep_for(1500ms);  // let the server let go of them
            }
            std::printf("\n");
        }
        for (auto& s : servers) s.process->stop();
    }

    if (only.empty() || only == "tls") tlsSection(f, rounds);

    if (only.empty() || only == "attacks") {
        std::printf(
            "\n### Issue 12's attacks, each on a fresh server process: answer, time, peak "
            "memory growth, and after\n\n");
        for (auto& s : servers) {
            std::printf("%s: ", s.name.c_str());
            start(s, f);
            kioskRequest(s.process->port(), f);
            std::printf("RSS at rest %.1f MiB\n",
                        static_cast<double>(s.process->memoryKib("VmRSS")) / 1024.0);
            s.process->stop();
        }
        std::printf(
            "\n| attack | server | answer | time | peak memory | after "
            "|\n|---|---|---|---|---|---|\n");
        for (auto& [name, attack] : attacks(f)) {
            for (auto& s : servers) {
                start(s, f);
                kioskRequest(s.process->port(), f);
                long baseline = s.process->memoryKib("VmHWM");
                AttackResult r;
                auto started = Clock::now();
                r.answer = attack(s.process->port(), f, r);
                r.ms = msSince(started);
                long peak = s.process->memoryKib("VmHWM");
                std::this_thread::sleep_for(200ms);  // a crash takes a moment to be seen
                r.alive = s.process->running();
                r.peakGrowthMib = r.alive ? static_cast<double>(peak - baseline) / 1024.0 : 0;
                r.kioskAnsweredAfter = r.alive && kioskRequest(s.process->port(), f).has_value();
                std::string after =
                    !r.alive ? "crashed (signal " + std::to_string(s.process->crashSignal()) + ")"
                    : r.kioskAnsweredAfter ? "serving"
                                           : "alive, kiosk not answered";
                char took[32] = "-";
                if (r.timed) std::snprintf(took, sizeof took, "%.0f ms", r.ms);
                char grew[32] = "-";
                if (r.alive) std::snprintf(grew, sizeof grew, "+%.1f MiB", r.peakGrowthMib);
                std::printf("| %s | %s | %s | %s | %s | %s |\n", name.c_str(), s.name.c_str(),
                            r.answer.c_str(), took, grew, after.c_str());
                std::fflush(stdout);
                s.process->stop();
            }
        }
    }
    std::filesystem::remove_all(dir);
    return 0;
}
