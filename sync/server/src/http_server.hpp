#pragma once
// The sync server's HTTP/1.1 layer (docs/sync.md, "The server on a hostile network"): one I/O
// thread runs every connection on Boost.Asio, with Boost.Beast's parser reading requests, and a
// small pool of worker threads runs the handlers. No handler ever waits on a socket, and no
// socket waits for a handler, so slow or idle clients cost a little memory each, never a worker.
//
// What bounds a client:
// - TLS (optional): the handshake is a phase like waiting for a head: it has the request
//   deadline and may be shed at the cap; OpenSSL's buffers are released while idle;
// - connections: at most maxConnections; a new connection over the cap closes the one that
//   has waited longest for its request to arrive (an idle keep-alive connection or a slow
//   client; a kiosk's request takes milliseconds), or is closed itself if every connection is
//   being answered;
// - time: a request's head must have arrived requestTimeout after the connection opened or its
//   previous answer went out, its body requestTimeout (and a second per 64 KiB) after the
//   head, and the answer must be written within writeTimeout: deadlines for the whole request,
//   not for each receive;
// - size: the head at most maxHeadBytes and maxHeaderFields fields, one Content-Length, no
//   Content-Encoding (bodies are never inflated), a body at most its route's maxBodyBytes,
//   chunked or not; bodies over kSmallBodyBytes are held only within largeBodyBudget, and
//   answers not shared with a cache only within responseBudget (503 beyond either).
//
// - waiting: a handler may park its request (ServerResponse::park) until wake() names its key
//   or its time is up; a parked request holds no worker and no thread (the I/O thread watches
//   its socket and its deadline), counts against maxParked and maxParkedPerOwner, and is
//   answered at once on stop(); a key's wakes are held to one per wakeInterval;
//
// Threads: bind(), run() and stop() are for the owner; the Router runs on the I/O thread and
// must not block; a route's admit and handle, and hooks.pollParked, run on a worker thread;
// wake() and wakeAll() are safe from any thread.

#include <any>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "admit/base/result.hpp"
#include "admit/sync/server/tls_context.hpp"

namespace admit::sync {

struct ServerRequest {
    std::string method;                                       // as sent, e.g. "GET"
    std::string path;                                         // percent-decoded, without the query
    std::vector<std::pair<std::string, std::string>> query;   // decoded, in order
    std::vector<std::pair<std::string, std::string>> fields;  // header fields as sent
    std::string remoteAddress;                                // e.g. "127.0.0.1"
    std::string body;
    // Whatever the route's admit step leaves for its handle step (e.g. the device).
    std::any admitted;

    // The first header field of that name (case-insensitive), or empty.
    std::string_view field(std::string_view name) const;
    // The first query parameter of that name, if any.
    std::optional<std::string> param(std::string_view name) const;
    // True if Accept-Encoding lists gzip (or *) without q=0.
    bool acceptsGzip() const;
};

struct Parking;
class BodyFile;

struct ServerResponse {
    int status = 200;
    std::shared_ptr<const std::string> body;
    std::string contentType = "application/json";
    // The same body gzipped, if the handler has one at hand (a cached roster); otherwise the
    // server compresses a large body for a client that accepts gzip.
    std::shared_ptr<const std::string> gzipBody;
    // True if the body is also held by a cache, so it costs nothing more to send it (it does
    // not count against the response budget).
    bool shared = false;
    // Instead of `body`: a finished file (and its gzipped twin, for a client that accepts gzip),
    // sent in 64 KiB pieces, so a body of many megabytes is never in memory. Shared like a
    // cached body (the file is the cache).
    std::shared_ptr<const BodyFile> file;
    std::shared_ptr<const BodyFile> gzipFile;
    std::vector<std::pair<std::string, std::string>> fields;  // extra header fields
    std::string errorSentence;  // for the log line of a non-2xx answer; never a secret
    // Set: do not answer yet. The request waits (without a worker) until wake(key), when the
    // route's handle runs again with the same request (and may park it again), or until its
    // time is up or the server stops, when this response (without `park`) is the answer.
    std::shared_ptr<const Parking> park;
};

struct Parking {
    std::string key;    // wake(key) runs the handler again, e.g. an event id
    std::string owner;  // counted against HttpLimits::maxParkedPerOwner, e.g. a device id
    // How long at most, from the moment the request first parked (a park after a wake keeps
    // the first deadline).
    std::chrono::milliseconds wait{25'000};
    // The answer instead, when a cap refuses the wait.
    ServerResponse overCap;
};

struct ServerRoute {
    // The route's name in metrics ("upload", "roster"...); answers made before a route was
    // chosen (404, 431...) count as "other".
    std::string name;
    std::size_t maxBodyBytes = 0;
    // Optional: runs on a worker once the head is in, before the body is read. An answer
    // refuses the request (its body is never read); nullopt lets it go on.
    std::function<std::optional<ServerResponse>(ServerRequest&)> admit;
    // Runs on a worker with the whole body.
    std::function<ServerResponse(ServerRequest&)> handle;
};

// On the I/O thread, with the head only (no body yet): the route, or an answer at once (404,
// 405). Must not block.
using Router = std::function<Result<ServerRoute, ServerResponse>(const ServerRequest&)>;

struct HttpLimits {
    std::size_t maxConnections = 1024;
    std::chrono::milliseconds requestTimeout{10'000};
    std::chrono::milliseconds writeTimeout{60'000};
    // After SIGTERM, how long a request already arriving may take to finish arriving.
    std::chrono::milliseconds stopGrace{2'000};
    std::size_t maxHeadBytes = 8 * 1024;
    std::size_t maxHeaderFields = 100;
    std::size_t largeBodyBudget = std::size_t{64} << 20;
    std::size_t responseBudget = std::size_t{64} << 20;
    std::size_t maxRequestsPerConnection = 1000;
    unsigned workerThreads = 2;
    // Parked requests at most, in all and per owner (Parking::owner).
    std::size_t maxParked = 512;
    std::size_t maxParkedPerOwner = 2;
    // While requests are parked, hooks.pollParked runs this often (one at a time).
    std::chrono::milliseconds parkPollInterval{250};
    // A key's waiters are woken at most this often: a wake within the interval after the last
    // one is held to its end, so a burst of uploads wakes every waiter once, not once each
    // (100 kiosks uploading once a second made about 4,600 downloads a second without it).
    // The first wake after a quiet interval is not held. Zero: every wake at once.
    std::chrono::milliseconds wakeInterval{100};
};

// Bodies up to this size need no share of the large-body budget: the connection cap bounds them.
inline constexpr std::size_t kSmallBodyBytes = 16 * 1024;

// One answer that went out (or failed to): for metrics. Latency runs from the moment the
// request's head was in to the moment the answer was written.
struct AnsweredRequest {
    std::string_view route;  // ServerRoute::name, or "other"
    int status = 0;
    std::chrono::nanoseconds latency{0};
};

// Connection figures since the server started, readable from any thread.
struct ConnectionFigures {
    std::size_t open = 0;
    std::size_t closedAtCap = 0;        // closed to make room for a new one
    std::size_t refusedAtCap = 0;       // new ones refused while every one was answered
    std::size_t cutOffAtDeadline = 0;   // a request that did not arrive in time
    std::size_t answeredBusy = 0;       // 503 for want of body or response budget
    std::size_t handshakeFailures = 0;  // TLS handshakes that failed (not those cut off)
    std::size_t parked = 0;             // requests waiting now (ServerResponse::park)
    std::size_t parkRefused = 0;        // waits refused by maxParked or maxParkedPerOwner
};

struct HttpServerHooks {
    Router router;
    // Optional; called on the I/O thread after each answer, before the next request is read.
    std::function<void(const AnsweredRequest&)> answered;
    // One line per answer and a summary of dropped connections now and then; called on the I/O
    // thread.
    std::function<void(std::string_view)> log;
    // A handler threw: the answer (a 500), on the worker thread that caught it.
    std::function<ServerResponse(const ServerRequest&, std::exception_ptr)> fault;
    // Optional; while requests are parked, runs on a worker every parkPollInterval: to look for
    // changes this process did not make (another process's writes) and wake() their waiters.
    std::function<void()> pollParked;
};

// A JSON answer with this status and body.
ServerResponse jsonResponse(int status, std::string body);
// A JSON error answer {"error": sentence}, logged with its sentence.
ServerResponse errorResponse(int status, std::string sentence);

// Printable ASCII only and at most 200 characters, so a client cannot forge or flood log lines.
std::string loggable(std::string_view text);

class HttpServer {
  public:
    // With `tls`, every connection starts with a TLS handshake (which must be done within
    // requestTimeout); without, plain HTTP.
    HttpServer(HttpLimits limits, HttpServerHooks hooks, std::shared_ptr<TlsContext> tls = {});
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // Binds the listening socket (SO_REUSEADDR, never SO_REUSEPORT); port 0 picks a free one.
    // Returns the port bound.
    Result<int> bind(const std::string& host, int port);
    // Serves on the calling thread, which becomes the I/O thread, until stop(); returns once
    // the requests in progress are answered. False if serving failed.
    bool run();
    // Safe from any thread, before, during or after run(): stops accepting, closes idle
    // connections, lets requests already arriving (or waiting in the listen queue with their
    // bytes in) finish within stopGrace, answers those being handled. Before run(), run()
    // does just that and returns.
    void stop();

    // Safe from any thread: the requests parked under `key` (or all) run their handler again.
    void wake(std::string key);
    void wakeAll();

    // Safe from any thread.
    ConnectionFigures connectionFigures() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace admit::sync
