// admit-server: the sync server (docs/sync.md). Serves one organiser database, opened through
// the encrypted replica VFS with its key from a file or a systemd credential (never from the
// command line). When ready it prints one line, {"listening":"HOST:PORT","url":"http(s)://..."},
// to standard output;
// one log line per request goes to standard error. SIGTERM or SIGINT stops it cleanly.
// Exit codes: 0 stopped by a signal, 1 error, 2 usage.

#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "admit/base/exit_code.hpp"
#include "admit/base/version.hpp"
#include "admit/replica/replica.hpp"
#include "admit/replica/replica_key.hpp"
#include "admit/store/schema.hpp"
#include "admit/store/store.hpp"
#include "admit/sync/server/sync_server.hpp"
#include "admit/sync/server/upstream_relay.hpp"

namespace {

constexpr const char* kUsage =
    R"(usage: admit-server --db PATH (--key-file KEY | --key-credential NAME) [--listen HOST:PORT]
                    [--max-connections N] [--request-timeout SECONDS] [--max-waiting N]
                    [--last-sync-every SECONDS] [--wake-every MILLISECONDS]
                    [--tls-cert FILE --tls-key FILE]
                    [--upstream URL [--upstream-code-file FILE] [--name NAME]]
       admit-server --version | --help

  --db PATH                  the organiser's encrypted database (it must exist)
  --key-file KEY             its key: 32 bytes, mode 0600
  --key-credential NAME      its key from the systemd credential NAME (LoadCredential=)
  --listen HOST:PORT         default 127.0.0.1:8470; port 0 picks a free port
  --max-connections N        open connections at most (default 1024); over it, the one that
                             has waited longest for its request is closed
  --request-timeout SECONDS  a request must arrive within this long (default 10), and
                             with TLS, the handshake too
  --max-waiting N            waiting downloads at most (default 512, at most half the
                             connections); over it a kiosk is told to download without waiting
  --last-sync-every SECONDS  a device's last sync is written at most this often unless its
                             heartbeat changed (default 10; 0: on every request)
  --wake-every MILLISECONDS  an event's waiting downloads are answered with news at most
                             this often (default 100; 0: at each upload)
  --tls-cert FILE            serve HTTPS with this PEM certificate (chain, leaf first)
  --tls-key FILE             and its PEM private key: unencrypted, mode 0600 or 0640
                             (without both, plain HTTP)
  --upstream URL             run as a venue relay of the server at URL: --db is the relay's
                             own database (made if missing), its kiosks enrol here, and
                             their check-ins go up whenever URL can be reached
  --upstream-code-file FILE  the relay's online set-up code (admit setup-code --relay), read
                             once to enrol at the upstream; a secret: keep the file private
  --name NAME                the relay's name at the upstream (default: the host name)
)";

struct Options {
    std::string db;
    std::optional<std::string> keyFile;
    std::optional<std::string> keyCredential;
    std::string host = "127.0.0.1";
    int port = 8470;
    std::size_t maxConnections = 1024;
    int requestTimeoutSeconds = 10;
    std::size_t maxWaiting = 512;
    int lastSyncEverySeconds = 10;
    int wakeEveryMilliseconds = 100;
    std::optional<std::string> tlsCertificate;
    std::optional<std::string> tlsKey;
    std::optional<std::string> upstream;
    std::optional<std::string> upstreamCodeFile;
    std::optional<std::string> name;
};

struct UsageError {
    std::string message;
};

// `value` as a whole number from `least` to `most`, or a usage error naming `word`.
admit::Result<int, UsageError> wholeNumber(const std::string& word, const std::string& value,
                                           int least, int most) {
    // At most 7 digits, so std::stoi cannot overflow.
    if (value.empty() || value.size() > 7 ||
        value.find_first_not_of("0123456789") != std::string::npos || std::stoi(value) < least ||
        std::stoi(value) > most) {
        return admit::fail(UsageError{word + " needs a whole number from " + std::to_string(least) +
                                      " to " + std::to_string(most)});
    }
    return std::stoi(value);
}

admit::Result<Options, UsageError> parseArguments(const std::vector<std::string>& words) {
    Options options;
    bool haveDb = false;
    for (std::size_t i = 0; i < words.size(); ++i) {
        const std::string& word = words[i];
        if (word != "--db" && word != "--key-file" && word != "--key-credential" &&
            word != "--listen" && word != "--max-connections" && word != "--request-timeout" &&
            word != "--max-waiting" && word != "--last-sync-every" && word != "--wake-every" &&
            word != "--tls-cert" && word != "--tls-key" && word != "--upstream" &&
            word != "--upstream-code-file" && word != "--name") {
            return admit::fail(UsageError{"unknown argument " + word});
        }
        if (i + 1 == words.size()) return admit::fail(UsageError{word + " needs a value"});
        const std::string& value = words[++i];
        if (word == "--db") {
            options.db = value;
            haveDb = true;
        } else if (word == "--key-file") {
            options.keyFile = value;
        } else if (word == "--key-credential") {
            options.keyCredential = value;
        } else if (word == "--tls-cert") {
            options.tlsCertificate = value;
        } else if (word == "--tls-key") {
            options.tlsKey = value;
        } else if (word == "--last-sync-every") {
            auto seconds = wholeNumber(word, value, 0, 3600);
            if (!seconds) return admit::fail(seconds.error());
            options.lastSyncEverySeconds = *seconds;
        } else if (word == "--wake-every") {
            auto milliseconds = wholeNumber(word, value, 0, 10'000);
            if (!milliseconds) return admit::fail(milliseconds.error());
            options.wakeEveryMilliseconds = *milliseconds;
        } else if (word == "--upstream") {
            if (!value.starts_with("http://") && !value.starts_with("https://")) {
                return admit::fail(UsageError{"--upstream needs an http:// or https:// URL"});
            }
            options.upstream = value;
        } else if (word == "--upstream-code-file") {
            options.upstreamCodeFile = value;
        } else if (word == "--name") {
            options.name = value;
        } else if (word == "--max-connections" || word == "--request-timeout" ||
                   word == "--max-waiting") {
            const bool connections = word == "--max-connections";
            const int most = connections || word == "--max-waiting" ? 1'000'000 : 3600;
            auto number = wholeNumber(word, value, 1, most);
            if (!number) return admit::fail(number.error());
            if (connections) {
                options.maxConnections = static_cast<std::size_t>(*number);
            } else if (word == "--max-waiting") {
                options.maxWaiting = static_cast<std::size_t>(*number);
            } else {
                options.requestTimeoutSeconds = *number;
            }
        } else {
            // HOST:PORT, or [IPv6]:PORT.
            auto colon = value.rfind(':');
            if (colon == std::string::npos || colon == 0) {
                return admit::fail(UsageError{"--listen needs HOST:PORT"});
            }
            std::string host = value.substr(0, colon);
            if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
                host = host.substr(1, host.size() - 2);
            }
            std::string port = value.substr(colon + 1);
            if (port.empty() || port.size() > 5 ||
                port.find_first_not_of("0123456789") != std::string::npos ||
                std::stoi(port) > 65535) {
                return admit::fail(UsageError{"--listen: '" + port + "' is not a port number"});
            }
            options.host = host;
            options.port = std::stoi(port);
        }
    }
    if (!haveDb) return admit::fail(UsageError{"missing --db"});
    if (options.keyFile.has_value() == options.keyCredential.has_value()) {
        return admit::fail(UsageError{"give exactly one of --key-file and --key-credential"});
    }
    if (options.tlsCertificate.has_value() != options.tlsKey.has_value()) {
        return admit::fail(UsageError{"--tls-cert and --tls-key go together"});
    }
    if (!options.upstream && (options.upstreamCodeFile || options.name)) {
        return admit::fail(UsageError{"--upstream-code-file and --name need --upstream"});
    }
    return options;
}

// The whole of a small secret file (a set-up code), without its line end; never echoed.
admit::Result<std::string> readSecretFile(const std::string& path) {
    std::ifstream in(path);
    if (!in) return admit::fail("cannot read the set-up code file " + path);
    std::string text;
    std::getline(in, text);
    while (!text.empty() && (text.back() == '\r' || text.back() == ' ')) text.pop_back();
    if (text.empty()) return admit::fail("the set-up code file " + path + " is empty");
    return text;
}

std::string hostName() {
    char name[256] = {};
    if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "relay";
    return name;
}

// Each connection is a file descriptor: raises the soft limit to fit the connection cap and
// the database's files, or lowers the cap to fit the hard limit. Returns the cap to use.
std::size_t fitDescriptorLimit(std::size_t maxConnections) {
    constexpr rlim_t kSpare = 64;  // database, WAL, shared memory, standard streams, listener
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return maxConnections;
    const rlim_t wanted = static_cast<rlim_t>(maxConnections) + kSpare;
    if (limit.rlim_cur < wanted) {
        rlimit raised = limit;
        raised.rlim_cur =
            limit.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, limit.rlim_max);
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
    }
    if (limit.rlim_cur < wanted) {
        std::size_t fits =
            limit.rlim_cur > kSpare * 2 ? static_cast<std::size_t>(limit.rlim_cur - kSpare) : 64;
        std::cerr << "admit-server: at most " << fits << " connections (open files limited to "
                  << limit.rlim_cur << ")\n";
        return fits;
    }
    return maxConnections;
}

// The database holds attendees, PIN hashes and token hashes: owner only, whatever the umask was
// when the organiser's CLI made it. SQLite gives a new WAL or shared-memory file the database
// file's mode, and the umask covers any other file the server makes.
void keepDatabaseFilesPrivate(const std::string& db) {
    umask(077);
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
        std::error_code ignored;  // a file that is not there yet is made private by the umask
        std::filesystem::permissions(
            db + suffix, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
            ignored);
    }
}

int serve(const Options& options) {
    // TLS first: a wrong key file is told before the database is touched.
    std::shared_ptr<admit::sync::TlsContext> tls;
    if (options.tlsCertificate) {
        auto loaded = admit::sync::TlsContext::load(*options.tlsCertificate, *options.tlsKey);
        if (!loaded) {
            std::cerr << "admit-server: " << loaded.error().message << "\n";
            return admit::exit_code::kFailure;
        }
        tls = std::move(*loaded);
    }
    keepDatabaseFilesPrivate(options.db);
    auto key = options.keyFile ? admit::replica::loadKeyFile(*options.keyFile)
                               : admit::replica::loadKeyFromCredential(*options.keyCredential);
    if (!key) {
        std::cerr << "admit-server: " << key.error().message << "\n";
        return admit::exit_code::kFailure;
    }
    // A relay makes its own database; the organiser's must exist.
    const auto mode =
        options.upstream ? admit::replica::OpenMode::kCreate : admit::replica::OpenMode::kReadWrite;
    auto db = admit::replica::openReplica(options.db, *key, mode);
    if (!db) {
        std::cerr << "admit-server: " << db.error().message << "\n";
        return admit::exit_code::kFailure;
    }
    admit::store::applyConnectionSettings(*db);
    if (auto migrated = admit::store::migrate(*db); !migrated) {
        std::cerr << "admit-server: " << migrated.error().message << "\n";
        return admit::exit_code::kFailure;
    }

    // A relay: enrolled at its upstream (once), then a second connection for its rounds.
    std::optional<admit::sync::RelayEnrolment> relayEnrolment;
    std::optional<SQLite::Database> relayDb;
    if (options.upstream) {
        auto code = options.upstreamCodeFile ? readSecretFile(*options.upstreamCodeFile)
                                             : admit::Result<std::string>(std::string());
        if (!code) {
            std::cerr << "admit-server: " << code.error().message << "\n";
            return admit::exit_code::kFailure;
        }
        auto enrolled = admit::sync::enrolRelay(*db, *options.upstream, *code,
                                                options.name.value_or(hostName()));
        if (!enrolled) {
            std::cerr << "admit-server: " << enrolled.error().message << "\n";
            return admit::exit_code::kFailure;
        }
        relayEnrolment = *enrolled;
        auto second =
            admit::replica::openReplica(options.db, *key, admit::replica::OpenMode::kReadWrite);
        if (!second) {
            std::cerr << "admit-server: " << second.error().message << "\n";
            return admit::exit_code::kFailure;
        }
        relayDb.emplace(std::move(*second));
        admit::store::applyConnectionSettings(*relayDb);
    }

    // Signals are taken by sigwait on this thread only; the server's threads never see them.
    sigset_t stopSignals;
    sigemptyset(&stopSignals);
    sigaddset(&stopSignals, SIGTERM);
    sigaddset(&stopSignals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);

    admit::sync::ServerOptions serverOptions;
    serverOptions.maxConnections = fitDescriptorLimit(options.maxConnections);
    serverOptions.requestTimeout = std::chrono::seconds(options.requestTimeoutSeconds);
    // Waiting connections are never closed for new ones, so half the connections stay free
    // for kiosks' other requests whatever waits.
    serverOptions.maxWaiting =
        std::max<std::size_t>(1, std::min(options.maxWaiting, serverOptions.maxConnections / 2));
    serverOptions.lastSyncResolution = std::chrono::seconds(options.lastSyncEverySeconds);
    serverOptions.wakeInterval = std::chrono::milliseconds(options.wakeEveryMilliseconds);
    serverOptions.tls = tls;
    std::unique_ptr<admit::sync::UpstreamRelay> relay;
    if (relayEnrolment) {
        relay = std::make_unique<admit::sync::UpstreamRelay>(*relayDb, *relayEnrolment);
        serverOptions.role = admit::sync::StoreRole::kRelay;
        serverOptions.onStored = [&relay] { relay->nudge(); };
    }
    admit::sync::SyncServer server(*db, serverOptions);
    auto port = server.bind(options.host, options.port);
    if (!port) {
        std::cerr << "admit-server: " << port.error().message << "\n";
        return admit::exit_code::kFailure;
    }
    std::string address =
        (options.host.find(':') != std::string::npos ? "[" + options.host + "]" : options.host) +
        ":" + std::to_string(*port);
    if (relay) relay->start();
    bool served = true;
    std::thread serving([&] {
        served = server.run();
        // Wakes the sigwait below if serving stopped on its own (stop() sends nothing).
        kill(getpid(), SIGTERM);
    });
    std::cout << nlohmann::json{{"listening", address},
                                {"url", (tls ? "https://" : "http://") + address}}
                     .dump()
              << std::endl;
    int received = 0;
    sigwait(&stopSignals, &received);
    std::cerr << "admit-server: stopping (" << (received == SIGINT ? "SIGINT" : "SIGTERM") << ")\n";
    server.stop();
    serving.join();
    if (relay) relay->stop();
    return served ? admit::exit_code::kOk : admit::exit_code::kFailure;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> words(argv + 1, argv + argc);
    if (words.size() == 1 && (words[0] == "--help" || words[0] == "-h")) {
        std::cout << kUsage;
        return admit::exit_code::kOk;
    }
    if (words.size() == 1 && words[0] == "--version") {
        std::cout << admit::versionLine("admit-server") << "\n";
        return admit::exit_code::kOk;
    }
    auto options = parseArguments(words);
    if (!options) {
        std::cerr << "admit-server: " << options.error().message << "\n" << kUsage;
        return admit::exit_code::kUsage;
    }
    try {
        return serve(*options);
    } catch (const SQLite::Exception& e) {
        std::cerr << "admit-server: " << admit::replica::describeReplicaFailure(e) << "\n";
        return admit::exit_code::kFailure;
    } catch (const std::exception& e) {
        std::cerr << "admit-server: " << e.what() << "\n";
        return admit::exit_code::kFailure;
    }
}
