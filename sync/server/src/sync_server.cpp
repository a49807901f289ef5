#include "admit/sync/server/sync_server.hpp"

#include <sys/statvfs.h>

#include <charconv>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>

#include "admit/replica/replica_error.hpp"
#include "admit/sync/protocol/heartbeat.hpp"
#include "admit/sync/protocol/messages.hpp"
#include "admit/sync/protocol/roster.hpp"
#include "admit/sync/store/server_store.hpp"
#include "body_file.hpp"
#include "gzip.hpp"
#include "http_server.hpp"
#include "server_metrics.hpp"

namespace admit::sync {
namespace {

constexpr std::string_view kEventsPrefix = "/v1/events/";

std::string defaultSentence(int status) {
    return status >= 500 ? "server fault; see the server's log" : "the request failed";
}

// The answer to a refusal: its status, and its kind beside the sentence in the body.
ServerResponse errorFrom(const ServerError& error) {
    ServerResponse response =
        jsonResponse(httpStatus(error.kind), errorJson(error.message, error.kind));
    response.errorSentence = error.message;
    return response;
}

// The bearer token of the Authorization header, or empty.
std::string_view bearerToken(const ServerRequest& req) {
    std::string_view text = req.field("Authorization");
    constexpr std::string_view kScheme = "bearer ";
    if (text.size() <= kScheme.size()) return {};
    for (std::size_t i = 0; i < kScheme.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(text[i])) != kScheme[i]) return {};
    }
    text.remove_prefix(kScheme.size());
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    return text;
}

// A query parameter as a whole number, its default if absent.
Result<std::int64_t> integerParam(const ServerRequest& req, const char* name,
                                  std::int64_t fallback) {
    auto text = req.param(name);
    if (!text) return fallback;
    std::int64_t value = 0;
    auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (error != std::errc() || end != text->data() + text->size() || text->empty()) {
        return fail(std::string(name) + " must be a whole number");
    }
    return value;
}

// A body that did not parse: refused as another protocol version's if it names one, else as
// malformed.
ServerResponse unparsed(std::string_view body, const std::string& sentence) {
    auto protocol = messageProtocol(body);
    if (protocol && *protocol != kProtocolVersion) {
        return errorFrom({ErrorKind::kProtocolMismatch,
                          "this server speaks sync protocol " + std::to_string(kProtocolVersion) +
                              ", the request " + std::to_string(*protocol) +
                              ": update Admit on the " +
                              (*protocol < kProtocolVersion ? "kiosk" : "server")});
    }
    return errorResponse(400, sentence);
}

// "/v1/events/<event>/<what>" split into the event and what; nullopt for any other path.
struct EventPath {
    std::string eventId;
    std::string what;
};
std::optional<EventPath> eventPath(std::string_view path) {
    if (path.substr(0, kEventsPrefix.size()) != kEventsPrefix) return std::nullopt;
    path.remove_prefix(kEventsPrefix.size());
    std::size_t slash = path.find('/');
    if (slash == 0 || slash == std::string_view::npos) return std::nullopt;
    std::string_view what = path.substr(slash + 1);
    if (what.find('/') != std::string_view::npos) return std::nullopt;
    return EventPath{std::string(path.substr(0, slash)), std::string(what)};
}

// True for a client on this machine (IPv4 or IPv6 loopback).
bool fromLoopback(const ServerRequest& req) {
    const std::string& a = req.remoteAddress;
    return a.rfind("127.", 0) == 0 || a == "::1" || a.rfind("::ffff:127.", 0) == 0;
}

// Below this much free space on the database's file system, /healthz answers 503: SQLite
// needs room for the WAL, and a full disk would refuse every upload.
constexpr std::uint64_t kLowDiskBytes = std::uint64_t{64} << 20;

}  // namespace

struct SyncServer::Impl {
    // A full roster written for one version (below, rosterCache).
    struct CachedRoster {
        std::int64_t version = -1;
        std::shared_ptr<const BodyFile> file;
        std::once_flag gzipOnce;
        std::shared_ptr<const BodyFile> gzipFile;
    };

    Impl(SQLite::Database& database, ServerOptions opts)
        : db(database),
          options(std::move(opts)),
          failedAuth(options.failedAuthLimits),
          http(limitsFrom(options), hooks(), options.tls) {}

    static HttpLimits limitsFrom(ServerOptions& options) {
        if (!options.log) {
            options.log = [](std::string_view line) {
                static std::mutex logMutex;
                std::lock_guard lock(logMutex);
                std::cerr << line << '\n' << std::flush;
            };
        }
        HttpLimits limits;
        limits.maxConnections = options.maxConnections;
        limits.requestTimeout = options.requestTimeout;
        limits.maxParked = options.maxWaiting;
        limits.maxParkedPerOwner = options.maxWaitingPerDevice;
        limits.parkPollInterval = options.waitPollInterval;
        limits.wakeInterval = options.wakeInterval;
        return limits;
    }

    HttpServerHooks hooks() {
        HttpServerHooks h;
        h.router = [this](const ServerRequest& req) { return route(req); };
        h.log = [this](std::string_view line) { options.log(line); };
        h.answered = [this](const AnsweredRequest& answered) { metrics.count(answered); };
        h.fault = [this](const ServerRequest& req, std::exception_ptr thrown) {
            return faultOnWorker(req, thrown);
        };
        h.pollParked = [this] { lookForOthersChangesOnWorker(); };
        return h;
    }

    // The I/O thread: which route, or 404/405, from the head alone.
    Result<ServerRoute, ServerResponse> route(const ServerRequest& req) {
        auto only = [&](const char* method, ServerRoute r) -> Result<ServerRoute, ServerResponse> {
            if (req.method == method) return r;
            ServerResponse refused = errorResponse(405, "this method is not allowed on this path");
            refused.fields.emplace_back("Allow", method);
            return fail(std::move(refused));
        };
        if (req.path == kEnrolPath) return only("POST", enrolRoute());
        auto path = eventPath(req.path);
        if (path && path->what == "checkins") {
            if (req.method == "POST") return uploadRoute();
            if (req.method == "GET") return downloadRoute(req.param("wait").has_value());
            ServerResponse refused = errorResponse(405, "this method is not allowed on this path");
            refused.fields.emplace_back("Allow", "GET, POST");
            return fail(std::move(refused));
        }
        if (path && path->what == "roster") return only("GET", rosterRoute());
        if (path && path->what == "devices") return only("GET", devicesRoute());
        if (req.path == "/healthz") return only("GET", healthRoute());
        if (req.path == "/metrics") {
            if (!fromLoopback(req)) {
                return fail(errorResponse(403, "metrics are served only on this machine"));
            }
            return only("GET", metricsRoute());
        }
        return fail(errorResponse(404, "no such path"));
    }

    ServerRoute enrolRoute() {
        ServerRoute r;
        r.name = "enrol";
        r.maxBodyBytes = kSmallBodyBytes;
        r.handle = [this](ServerRequest& req) {
            auto request = parseEnrolRequest(req.body);
            if (!request) return unparsed(req.body, request.error().message);
            std::lock_guard lock(dbMutex);
            auto response = ServerStore(db, options.role).enrol(*request, options.clock());
            if (!response) return refused(req, response.error());
            return jsonResponse(200, toJson(*response));
        };
        return r;
    }

    // The device token is checked before the body is read: without one, an upload is refused
    // as soon as its head is in.
    ServerRoute uploadRoute() {
        ServerRoute r;
        r.name = "upload";
        r.maxBodyBytes = kMaxBodyBytes;
        r.admit = [this](ServerRequest& req) -> std::optional<ServerResponse> {
            std::lock_guard lock(dbMutex);
            auto device = authenticate(req);
            if (!device) return device.error();
            req.admitted = std::move(*device);
            return std::nullopt;
        };
        r.handle = [this](ServerRequest& req) {
            const auto& device = std::any_cast<const AuthenticatedDevice&>(req.admitted);
            auto request = parseUploadRequest(req.body);
            if (!request) return unparsed(req.body, request.error().message);
            std::lock_guard lock(dbMutex);
            auto response = ServerStore(db, options.role).upload(device, *request, options.clock());
            if (!response) return errorFrom(response.error());
            // Other kiosks of the event waiting for news get it now.
            if (response->stored > 0) http.wake(device.eventId);
            // A relay's upstream loop sends it on at once.
            if (response->stored > 0 && options.onStored) options.onStored();
            return jsonResponse(200, toJson(*response));
        };
        return r;
    }

    // With `wait=S` (seconds) and `roster=V` (the kiosk's roster version), a download that has
    // nothing new waits, holding no worker, until an upload of another kiosk of the event, a
    // change by another process (the organiser's), S seconds (at most maxWait) or the server's
    // stop; then it is answered as without waiting. The token is checked before any wait.
    ServerRoute downloadRoute(bool waiting) {
        ServerRoute r;
        r.name = waiting ? "download_wait" : "download";
        r.maxBodyBytes = kSmallBodyBytes;
        r.handle = [this](ServerRequest& req) { return downloadOnWorker(req); };
        return r;
    }

    ServerResponse downloadOnWorker(ServerRequest& req) {
        auto after = integerParam(req, "after", 0);
        if (!after) return errorResponse(400, after.error().message);
        auto limit = integerParam(req, "limit", kDefaultDownloadLimit);
        if (!limit) return errorResponse(400, limit.error().message);
        auto wait = integerParam(req, "wait", 0);
        if (!wait || *wait < 0) return errorResponse(400, "wait must be a whole number of seconds");
        auto roster = integerParam(req, "roster", -1);
        if (!roster) return errorResponse(400, roster.error().message);
        std::lock_guard lock(dbMutex);
        // A waiting request run again after a wake keeps the device it was admitted as: its
        // token was checked (and its last sync recorded) when it arrived.
        if (!req.admitted.has_value()) {
            auto device = authenticate(req);
            if (!device) return device.error();
            req.admitted = std::move(*device);
        }
        const auto& device = std::any_cast<const AuthenticatedDevice&>(req.admitted);
        ServerStore store(db, options.role);
        auto response = store.download(device, *after, *limit, options.clock());
        if (!response) return errorFrom(response.error());
        if (*wait == 0) return jsonResponse(200, toJson(*response));
        response->rosterVersion = store.rosterVersion(device.eventId);
        const bool news = !response->checkins.empty() || response->next != *after ||
                          (*roster >= 0 && *response->rosterVersion != *roster);
        ServerResponse answer = jsonResponse(200, toJson(*response));
        if (news) return answer;
        auto parking = std::make_shared<Parking>();
        parking->key = device.eventId;
        parking->owner = device.deviceId;
        // Cut before converting, so that no `wait` overflows the duration.
        parking->wait = std::min<std::chrono::milliseconds>(
            std::chrono::seconds(std::min<std::int64_t>(*wait, 3600)), options.maxWait);
        parking->overCap = errorFrom(
            {ErrorKind::kTooManyWaiting,
             "the server holds as many waiting downloads as it allows; download without waiting"});
        answer.park = std::move(parking);
        return answer;
    }

    // A worker, while downloads wait: another process's commit (a revocation, a desk check-in,
    // a roster change) may be news for any of them, so all look again.
    void lookForOthersChangesOnWorker() {
        std::int64_t counter = 0;
        {
            std::lock_guard lock(dbMutex);
            counter = ServerStore(db, options.role).othersChangeCounter();
        }
        if (counter == othersChangeCounter) return;
        othersChangeCounter = counter;
        http.wakeAll();
    }

    ServerRoute rosterRoute() {
        ServerRoute r;
        r.name = "roster";
        r.maxBodyBytes = kSmallBodyBytes;
        r.handle = [this](ServerRequest& req) { return rosterOnWorker(req); };
        return r;
    }

    ServerRoute devicesRoute() {
        ServerRoute r;
        r.name = "devices";
        r.maxBodyBytes = kSmallBodyBytes;
        r.handle = [this](ServerRequest& req) {
            std::lock_guard lock(dbMutex);
            auto device = authenticate(req);
            if (!device) return device.error();
            return jsonResponse(200, toJson(ServerStore(db, options.role).devices(*device)));
        };
        return r;
    }

    // Public: says only whether the database answers and the disk has room, no figures.
    ServerRoute healthRoute() {
        ServerRoute r;
        r.name = "healthz";
        r.maxBodyBytes = kSmallBodyBytes;
        r.handle = [this](ServerRequest&) {
            bool databaseOk = false;
            std::string file;
            {
                std::lock_guard lock(dbMutex);
                try {
                    db.execAndGet("SELECT count(*) FROM sqlite_schema");
                    databaseOk = true;
                } catch (const SQLite::Exception& e) {
                    options.log("health check: the database did not answer: " +
                                loggable(replica::describeReplicaFailure(e)));
                }
                file = db.getFilename();
            }
            struct statvfs fs {};
            const auto dir = std::filesystem::path(file).parent_path();
            const bool diskOk =
                ::statvfs(dir.empty() ? "." : dir.c_str(), &fs) == 0 &&
                static_cast<std::uint64_t>(fs.f_bavail) * fs.f_frsize >= kLowDiskBytes;
            const bool ok = databaseOk && diskOk;
            ServerResponse response = jsonResponse(
                ok ? 200 : 503, std::string("{\"ok\":") + (ok ? "true" : "false") +
                                    ",\"database\":\"" + (databaseOk ? "ok" : "unreachable") +
                                    "\",\"disk\":\"" + (diskOk ? "ok" : "low") + "\"}");
            if (!ok) response.errorSentence = "unhealthy: database or disk";
            return response;
        };
        return r;
    }

    // Only from this machine (the router refuses others): Prometheus on the server's host, or
    // through an SSH tunnel. A reverse proxy must not forward /metrics.
    ServerRoute metricsRoute() {
        ServerRoute r;
        r.name = "metrics";
        r.maxBodyBytes = kSmallBodyBytes;
        r.handle = [this](ServerRequest&) {
            StoreFigures figures;
            {
                std::lock_guard lock(dbMutex);
                figures = ServerStore(db, options.role).figures();
            }
            ServerResponse response;
            response.body = std::make_shared<const std::string>(
                metrics.render(http.connectionFigures(), figures, options.clock()));
            response.contentType = "text/plain; version=0.0.4; charset=utf-8";
            return response;
        };
        return r;
    }

    // A kiosk of protocol 1 sends no `protocol`: it would misread the answer, so it is told.
    ServerResponse rosterOnWorker(ServerRequest& req) {
        auto protocol = integerParam(req, "protocol", 1);
        if (!protocol) return errorResponse(400, protocol.error().message);
        if (*protocol != kProtocolVersion) {
            return errorFrom({ErrorKind::kProtocolMismatch,
                              "this server speaks sync protocol " +
                                  std::to_string(kProtocolVersion) + ", the kiosk " +
                                  std::to_string(*protocol) + ": update Admit on the " +
                                  (*protocol < kProtocolVersion ? "kiosk" : "server")});
        }
        auto have = integerParam(req, "have", 0);
        if (!have) return errorResponse(400, have.error().message);
        auto after = integerParam(req, "after", 0);
        if (!after) return errorResponse(400, after.error().message);
        std::shared_ptr<CachedRoster> cached;
        bool fromCache = false;
        {
            std::lock_guard lock(dbMutex);
            auto device = authenticate(req);
            if (!device) return device.error();
            const std::int64_t version = rosterVersion(db, device->eventId);
            // Changes and "unchanged" are small and read for each kiosk; the whole roster is
            // written to a file once per version and sent from there.
            const bool full =
                *have >= 0 && rosterAnswerFor(db, device->eventId, *have) == RosterAnswer::kFull;
            auto& slot = rosterCache[device->eventId];
            if (full && slot && slot->version == version) {
                cached = slot;
                fromCache = true;
            } else if (!full) {
                auto body = ServerStore(db, options.role).roster(*device, *have, *after);
                if (!body) return errorFrom(body.error());
                return jsonResponse(200, std::move(*body));
            } else {
                auto written = writeRosterFileOnWorker(*device);
                if (!written) return written.error();
                cached = std::move(*written);
                // Kept only if no change came in while it was read (versions only grow).
                if (rosterVersion(db, device->eventId) == cached->version) slot = cached;
            }
        }
        ServerResponse response;
        response.file = cached->file;
        response.shared = true;
        if (fromCache) response.fields.emplace_back("X-Admit-Roster", "cached");
        if (req.acceptsGzip()) {
            // Compressed once per version, by the first kiosk that asks, outside the lock.
            std::call_once(cached->gzipOnce,
                           [&] { cached->gzipFile = gzipFileOnWorker(*cached->file); });
            response.gzipFile = cached->gzipFile;
        }
        return response;
    }

    // The whole roster into a new file, row by row (the caller holds dbMutex).
    Result<std::shared_ptr<CachedRoster>, ServerResponse> writeRosterFileOnWorker(
        const AuthenticatedDevice& device) {
        auto file = BodyFile::create(cacheDirectory());
        if (!file) {
            options.log("roster: " + loggable(file.error().message));
            return fail(errorResponse(500, defaultSentence(500)));
        }
        Status<> stored = Ok{};
        auto version = ServerStore(db).writeFullRoster(device, [&](std::string_view piece) {
            if (stored) stored = (*file)->append(piece);
        });
        if (!version) return fail(errorFrom(version.error()));
        if (stored) stored = (*file)->finish();
        if (!stored) {
            options.log("roster: " + loggable(stored.error().message));
            return fail(errorResponse(500, defaultSentence(500)));
        }
        auto cached = std::make_shared<CachedRoster>();
        cached->version = *version;
        cached->file = std::move(*file);
        return cached;
    }

    // `plain` gzipped into a new file, piece by piece; none if that fails (the plain file is
    // sent instead).
    std::shared_ptr<const BodyFile> gzipFileOnWorker(const BodyFile& plain) {
        auto file = BodyFile::create(cacheDirectory());
        if (!file) {
            options.log("roster: " + loggable(file.error().message));
            return nullptr;
        }
        Status<> stored = Ok{};
        try {
            GzipStream gzip([&](std::string_view piece) {
                if (stored) stored = (*file)->append(piece);
            });
            std::string piece(64 * 1024, '\0');
            for (std::uint64_t offset = 0; stored && offset < plain.size();) {
                auto read = plain.readAt(offset, piece.data(), piece.size());
                if (!read || *read == 0) {
                    stored = read ? fail("the roster file ended early") : fail(read.error());
                    break;
                }
                gzip.write(std::string_view(piece.data(), *read));
                offset += *read;
            }
            if (stored) gzip.finish();
        } catch (const std::exception& e) {
            stored = fail(e.what());
        }
        if (stored) stored = (*file)->finish();
        if (!stored) {
            options.log("roster: could not gzip: " + loggable(stored.error().message));
            return nullptr;
        }
        return std::move(*file);
    }

    // Where answer files go: beside the database (its disk, not a RAM-backed /tmp).
    std::string cacheDirectory() const {
        const std::filesystem::path dir = std::filesystem::path(db.getFilename()).parent_path();
        return dir.empty() ? std::string(".") : dir.string();
    }

    // The caller holds dbMutex.
    Result<AuthenticatedDevice, ServerResponse> authenticate(const ServerRequest& req) {
        auto path = eventPath(req.path);
        auto heartbeat = parseHeartbeat(req.field(kClockField), req.field(kVersionField),
                                        req.field(kOutboxField));
        auto device = ServerStore(db, options.role)
                          .authenticate(bearerToken(req), path ? path->eventId : std::string(),
                                        options.clock(), heartbeat ? *heartbeat : DeviceHeartbeat{},
                                        options.lastSyncResolution.count());
        if (!device) return fail(refused(req, device.error()));
        // Told only to a device the token names: a stranger gets 401 whatever its fields.
        if (!heartbeat) {
            return fail(
                errorFrom(ServerError{ServerErrorKind::kBadRequest, heartbeat.error().message}));
        }
        return std::move(device).value();
    }

    // The answer to a refused token. Each counts against the client's address, and an address
    // refused too often gets 429 with Retry-After instead of 401. A valid token is served
    // whatever its address has done: behind the venue's reverse proxy every kiosk and every
    // attacker share one address, and an attacker must not be able to lock the kiosks out.
    // (Guessing gains nothing from the limit's absence: tokens are 256 random bits.)
    ServerResponse refused(const ServerRequest& req, const ServerError& error) {
        if (error.kind != ServerErrorKind::kUnauthorised &&
            error.kind != ServerErrorKind::kDeviceRevoked) {
            return errorFrom(error);
        }
        const auto now = FailedAuthLimiter::Clock::now();
        if (auto wait = failedAuth.waitFor(req.remoteAddress, now)) {
            const std::string seconds = std::to_string(wait->count());
            ServerResponse response = errorFrom(
                {ServerErrorKind::kRateLimited,
                 "too many refused tokens from this address; try again in " + seconds + " s"});
            response.fields.emplace_back("Retry-After", seconds);
            return response;
        }
        failedAuth.recordFailure(req.remoteAddress, now);
        return errorFrom(error);
    }

    ServerResponse faultOnWorker(const ServerRequest& req, std::exception_ptr thrown) {
        std::string cause = "unknown exception";
        try {
            std::rethrow_exception(thrown);
        } catch (const SQLite::Exception& e) {
            cause = replica::describeReplicaFailure(e);
        } catch (const std::exception& e) {
            cause = e.what();
        } catch (...) {
        }
        options.log("server fault on " + loggable(req.method) + " " + loggable(req.path) + ": " +
                    loggable(cause));
        return errorResponse(500, defaultSentence(500));
    }

    SQLite::Database& db;
    ServerOptions options;
    // One connection for every request, serialised by this mutex. SQLite admits one writer at a
    // time anyway, every request but the roster is a few small statements, and a single
    // connection needs the replica key only once and never sees another connection's
    // half-finished state. The cost: a large roster (about a second for 100,000 attendees)
    // holds other requests back while it is read, so it is read once per version (below).
    std::mutex dbMutex;
    // Per event, the last full roster written and its version (under dbMutex), in a file with
    // no name (BodyFile), gzipped into another once when a kiosk first asks for it so. A file
    // still being sent when a newer version replaces it lives until that answer is out. The
    // triggers bump the version on every roster change, so a file is exact for its version:
    // when the organiser changes the guest list, the first kiosk to ask writes it and the
    // others get it from here.
    std::map<std::string, std::shared_ptr<CachedRoster>> rosterCache;
    FailedAuthLimiter failedAuth;
    ServerMetrics metrics;
    // The last othersChangeCounter() seen (by one poll at a time).
    std::int64_t othersChangeCounter = -1;
    HttpServer http;
};

SyncServer::SyncServer(SQLite::Database& db, ServerOptions options)
    : impl_(std::make_unique<Impl>(db, std::move(options))) {}

SyncServer::~SyncServer() { stop(); }

Result<int> SyncServer::bind(const std::string& host, int port) {
    return impl_->http.bind(host, port);
}

bool SyncServer::run() { return impl_->http.run(); }

void SyncServer::stop() { impl_->http.stop(); }

}  // namespace admit::sync
