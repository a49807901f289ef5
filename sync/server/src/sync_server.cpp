#include "admit/sync/sync_server.hpp"

#include <httplib.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "admit/replica/replica_error.hpp"
#include "admit/sync/messages.hpp"
#include "admit/sync/roster.hpp"
#include "admit/sync/server_store.hpp"

namespace admit::sync {
namespace {

constexpr const char* kJson = "application/json";
constexpr std::string_view kEventPath = "/v1/events/([^/]+)/";

// The sentence of the error answered on this thread, for the log line written after it.
thread_local std::string answeredError;

void reply(httplib::Response& res, int status, const std::string& body) {
    res.status = status;
    res.set_content(body, kJson);
}

void replyError(httplib::Response& res, int status, const std::string& sentence) {
    answeredError = sentence;
    reply(res, status, errorJson(sentence));
}

void replyError(httplib::Response& res, const ServerError& error) {
    replyError(res, httpStatus(error.kind), error.message);
}

std::string defaultSentence(int status) {
    switch (status) {
        case 400:
            return "the request is malformed";
        case 404:
            return "no such path";
        case 405:
            return "this method is not allowed on this path";
        case 413:
            return "the request body is larger than " + std::to_string(kMaxBodyBytes >> 20) +
                   " MiB";
        default:
            return status >= 500 ? "server fault; see the server's log" : "the request failed";
    }
}

// The bearer token of the Authorization header, or empty.
std::string_view bearerToken(const httplib::Request& req) {
    static const std::string kEmpty;
    auto it = req.headers.find("Authorization");
    const std::string& value = it == req.headers.end() ? kEmpty : it->second;
    std::string_view text = value;
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
Result<std::int64_t> integerParam(const httplib::Request& req, const char* name,
                                  std::int64_t fallback) {
    if (!req.has_param(name)) return fallback;
    std::string text = req.get_param_value(name);
    std::int64_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
        return fail(std::string(name) + " must be a whole number");
    }
    return value;
}

// Printable ASCII only and bounded, so a client cannot forge or flood log lines.
std::string loggable(std::string_view text) {
    std::string out;
    for (char ch : text.substr(0, 200)) out.push_back(ch >= 0x20 && ch < 0x7f ? ch : '?');
    if (text.size() > 200) out += "...";
    return out;
}

}  // namespace

struct SyncServer::Impl {
    Impl(SQLite::Database& database, ServerOptions opts) : db(database), options(std::move(opts)) {
        if (!options.log) {
            options.log = [](std::string_view line) {
                static std::mutex logMutex;
                std::lock_guard lock(logMutex);
                std::cerr << line << '\n' << std::flush;
            };
        }
    }

    // The caller holds dbMutex. Answers and returns nullopt if the request is not allowed.
    std::optional<AuthenticatedDevice> authenticate(const httplib::Request& req,
                                                    httplib::Response& res) {
        auto device =
            ServerStore(db).authenticate(bearerToken(req), req.matches[1].str(), options.clock());
        if (!device) {
            replyError(res, device.error());
            return std::nullopt;
        }
        return std::move(device).value();
    }

    void routes();

    SQLite::Database& db;
    ServerOptions options;
    // One connection for every request, serialised by this mutex. SQLite admits one writer at a
    // time anyway, every request but the roster is a few small statements, and a single
    // connection needs the replica key only once and never sees another connection's
    // half-finished state. The cost: a large roster (about a second for 100,000 attendees)
    // holds other requests back while it is read, so it is read once per version (below).
    std::mutex dbMutex;
    // Per event, the last full roster body read and its version (under dbMutex). The triggers
    // bump the version on every roster change, so a body is exact for its version: when the
    // organiser changes the guest list, the first kiosk to ask reads it and the others get it
    // from here.
    struct CachedRoster {
        std::int64_t version = -1;
        std::shared_ptr<const std::string> body;
    };
    std::map<std::string, CachedRoster> rosterCache;
    httplib::Server http;
    std::mutex runMutex;
    bool stopRequested = false;
    std::atomic<bool> running = false;
};

void SyncServer::Impl::routes() {
    http.set_payload_max_length(kMaxBodyBytes);
    // SO_REUSEADDR alone: a restart may take the port back at once, but a second server on a
    // port in use fails to start (httplib's default adds SO_REUSEPORT, which would let both
    // listen and share the requests).
    http.set_socket_options([](socket_t sock) {
        int yes = 1;
        setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });

    http.Post(std::string(kEnrolPath), [this](const httplib::Request& req, httplib::Response& res) {
        auto request = parseEnrolRequest(req.body);
        if (!request) return replyError(res, 400, request.error().message);
        std::lock_guard lock(dbMutex);
        auto response = ServerStore(db).enrol(*request, options.clock());
        if (!response) return replyError(res, response.error());
        reply(res, 200, toJson(*response));
    });

    std::string checkins = std::string(kEventPath) + "checkins";
    http.Post(checkins, [this](const httplib::Request& req, httplib::Response& res) {
        std::lock_guard lock(dbMutex);
        auto device = authenticate(req, res);
        if (!device) return;
        auto request = parseUploadRequest(req.body);
        if (!request) return replyError(res, 400, request.error().message);
        auto response = ServerStore(db).upload(*device, *request, options.clock());
        if (!response) return replyError(res, response.error());
        reply(res, 200, toJson(*response));
    });

    http.Get(checkins, [this](const httplib::Request& req, httplib::Response& res) {
        auto after = integerParam(req, "after", 0);
        if (!after) return replyError(res, 400, after.error().message);
        auto limit = integerParam(req, "limit", kDefaultDownloadLimit);
        if (!limit) return replyError(res, 400, limit.error().message);
        std::lock_guard lock(dbMutex);
        auto device = authenticate(req, res);
        if (!device) return;
        auto response = ServerStore(db).download(*device, *after, *limit, options.clock());
        if (!response) return replyError(res, response.error());
        reply(res, 200, toJson(*response));
    });

    http.Get(std::string(kEventPath) + "roster",
             [this](const httplib::Request& req, httplib::Response& res) {
                 auto have = integerParam(req, "have", 0);
                 if (!have) return replyError(res, 400, have.error().message);
                 std::lock_guard lock(dbMutex);
                 auto device = authenticate(req, res);
                 if (!device) return;
                 const std::int64_t version = rosterVersion(db, device->eventId);
                 CachedRoster& cached = rosterCache[device->eventId];
                 if (*have != version && cached.version == version) {
                     res.set_header("X-Admit-Roster", "cached");
                     return reply(res, 200, *cached.body);
                 }
                 auto body = ServerStore(db).roster(*device, *have);
                 if (!body) return replyError(res, body.error());
                 // Kept only if no change came in while it was read (versions only grow).
                 if (*have != version && rosterVersion(db, device->eventId) == version) {
                     cached = {version, std::make_shared<const std::string>(*body)};
                 }
                 reply(res, 200, *body);
             });

    http.Get(std::string(kEventPath) + "devices",
             [this](const httplib::Request& req, httplib::Response& res) {
                 std::lock_guard lock(dbMutex);
                 auto device = authenticate(req, res);
                 if (!device) return;
                 reply(res, 200, toJson(ServerStore(db).devices(*device)));
             });

    // Every non-2xx answer has a JSON error body, including httplib's own (404, 413).
    http.set_error_handler(
        httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
            if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
            replyError(res, res.status, defaultSentence(res.status));
            return httplib::Server::HandlerResponse::Handled;
        }));

    http.set_exception_handler(
        [this](const httplib::Request& req, httplib::Response& res, std::exception_ptr thrown) {
            std::string cause = "unknown exception";
            try {
                std::rethrow_exception(thrown);
            } catch (const SQLite::Exception& e) {
                cause = replica::describeReplicaFailure(e);
            } catch (const std::exception& e) {
                cause = e.what();
            } catch (...) {
            }
            options.log("server fault on " + req.method + " " + loggable(req.path) + ": " +
                        loggable(cause));
            replyError(res, 500, defaultSentence(500));
        });

    http.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
        std::string line = loggable(req.remote_addr) + " " + loggable(req.method) + " " +
                           loggable(req.path) + " " + std::to_string(res.status);
        if (res.status >= 300 && !answeredError.empty()) line += ": " + loggable(answeredError);
        answeredError.clear();
        options.log(line);
    });
}

SyncServer::SyncServer(SQLite::Database& db, ServerOptions options)
    : impl_(std::make_unique<Impl>(db, std::move(options))) {
    impl_->routes();
}

SyncServer::~SyncServer() { stop(); }

Result<int> SyncServer::bind(const std::string& host, int port) {
    if (port < 0 || port > 65535) return fail("port " + std::to_string(port) + " is out of range");
    int bound = port;
    if (port == 0) {
        bound = impl_->http.bind_to_any_port(host);
        if (bound < 0) bound = 0;
    } else if (!impl_->http.bind_to_port(host, port)) {
        bound = 0;
    }
    if (bound == 0) {
        return fail("cannot listen on " + host + ":" + std::to_string(port) +
                    " (address in use or not on this machine)");
    }
    return bound;
}

bool SyncServer::run() {
    {
        std::lock_guard lock(impl_->runMutex);
        if (impl_->stopRequested) return true;
        impl_->running = true;
    }
    bool served = impl_->http.listen_after_bind();
    impl_->running = false;
    return served;
}

void SyncServer::stop() {
    {
        std::lock_guard lock(impl_->runMutex);
        impl_->stopRequested = true;
    }
    // httplib's stop() does nothing until its accept loop has started; wait for it (or for
    // run() to give up) rather than leave run() to start serving after the stop.
    while (impl_->running && !impl_->http.is_running()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    impl_->http.stop();
}

}  // namespace admit::sync
