#include "http_server.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <limits>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

// GCC 12 at -O2 warns of a null dereference in Asio's scheduler (thread_info of the calling
// thread, never null where it is used) once it is inlined here; the warning's location is in
// Asio's header, so it is silenced for these headers only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>
#pragma GCC diagnostic pop

#include "admit/sync/protocol/messages.hpp"
#include "body_file.hpp"
#include "gzip.hpp"
#include "tls_context_impl.hpp"

namespace admit::sync {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// Read at most this much per receive; a connection's buffer holds a head and one read more.
constexpr std::size_t kReadChunk = 16 * 1024;
// Answers smaller than this go uncompressed (gzip would save next to nothing).
constexpr std::size_t kGzipMinBytes = 1024;
// A file body goes out in pieces of this size.
constexpr std::uint64_t kFilePieceBytes = 64 * 1024;
// A body may take requestTimeout plus its size at this rate (a 250 KB upload 4 s more).
constexpr std::size_t kMinBodyBytesPerSecond = 64 * 1024;
// How often deadlines are checked, and how often dropped connections are summed up in the log.
constexpr auto kSweepInterval = 100ms;
constexpr auto kSummaryInterval = 60s;
// After an answer that closes the connection, what the client still sends is read and dropped
// this long (so the answer is not lost to a reset), then the connection closes.
constexpr auto kLingerTime = 2s;

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::string_view trimmed(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

int hexDigit(char ch) {
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

// %XX decoded (and '+' as a space in a query); a malformed escape is kept as it is.
std::string percentDecoded(std::string_view text, bool plusIsSpace) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        char ch = text[i];
        if (ch == '%' && i + 2 < text.size()) {
            int high = hexDigit(text[i + 1]);
            int low = hexDigit(text[i + 2]);
            if (high >= 0 && low >= 0) {
                out.push_back(static_cast<char>(high * 16 + low));
                i += 2;
                continue;
            }
        }
        out.push_back(plusIsSpace && ch == '+' ? ' ' : ch);
    }
    return out;
}

// "8 MiB", "16 KiB", "100 bytes".
std::string sizeText(std::size_t bytes) {
    if (bytes >= (1u << 20) && bytes % (1u << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
    if (bytes >= 1024 && bytes % 1024 == 0) return std::to_string(bytes >> 10) + " KiB";
    return std::to_string(bytes) + " bytes";
}

struct ParseRefusal {
    int status;
    std::string sentence;
};

ParseRefusal refusalFor(const beast::error_code& ec, const HttpLimits& limits,
                        std::size_t maxBodyBytes) {
    if (ec == http::error::header_limit) {
        return {431, "the request head is larger than " + sizeText(limits.maxHeadBytes)};
    }
    if (ec == http::error::body_limit) {
        return {413, "the request body is larger than " + sizeText(maxBodyBytes)};
    }
    if (ec == http::error::bad_content_length) {
        return {400, "the request's Content-Length is not valid (or given twice, differently)"};
    }
    if (ec == http::error::bad_transfer_encoding) {
        return {400, "the request's Transfer-Encoding is not valid"};
    }
    if (ec == http::error::bad_chunk || ec == http::error::bad_chunk_extension) {
        return {400, "the request's chunked body is not valid"};
    }
    return {400, "the request is not valid HTTP/1.1"};
}

}  // namespace

std::string_view ServerRequest::field(std::string_view name) const {
    for (const auto& [key, value] : fields) {
        if (equalsIgnoringCase(key, name)) return value;
    }
    return {};
}

std::optional<std::string> ServerRequest::param(std::string_view name) const {
    for (const auto& [key, value] : query) {
        if (key == name) return value;
    }
    return std::nullopt;
}

bool ServerRequest::acceptsGzip() const {
    std::string_view list = field("Accept-Encoding");
    while (!list.empty()) {
        std::size_t comma = list.find(',');
        std::string_view item = list.substr(0, comma);
        list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
        std::size_t semicolon = item.find(';');
        std::string_view coding = trimmed(item.substr(0, semicolon));
        if (!equalsIgnoringCase(coding, "gzip") && coding != "*") continue;
        if (semicolon == std::string_view::npos) return true;
        std::string_view parameter = trimmed(item.substr(semicolon + 1));
        // q=0, q=0.0, q=0.000: refused; any other weight accepts.
        if (parameter.size() >= 2 && (parameter[0] == 'q' || parameter[0] == 'Q') &&
            parameter[1] == '=' &&
            parameter.substr(2).find_first_not_of("0.") == std::string_view::npos) {
            return false;
        }
        return true;
    }
    return false;
}

ServerResponse jsonResponse(int status, std::string body) {
    ServerResponse response;
    response.status = status;
    response.body = std::make_shared<const std::string>(std::move(body));
    return response;
}

ServerResponse errorResponse(int status, std::string sentence) {
    ServerResponse response = jsonResponse(status, errorJson(sentence));
    response.errorSentence = std::move(sentence);
    return response;
}

std::string loggable(std::string_view text) {
    std::string out;
    for (char ch : text.substr(0, 200)) out.push_back(ch >= 0x20 && ch < 0x7f ? ch : '?');
    if (text.size() > 200) out += "...";
    return out;
}

namespace {

enum class Phase {
    kHandshake,  // TLS only: the handshake, before the first request (its own deadline)
    kHead,       // waiting for the request head (idle between requests included)
    kBody,       // reading the body
    kWorking,    // a worker has the request (admit or handle): no deadline, never shed
    kParked,     // the handler parked it (ServerResponse::park): its own deadline, never shed
    kWriting,    // writing the answer
    kLingering,  // answered and closing: reading and dropping what the client still sends
};

struct Connection {
    explicit Connection(tcp::socket s, std::size_t bufferLimit)
        : socket(std::move(s)), buffer(bufferLimit) {}

    tcp::socket socket;
    // With TLS, the stream over `socket` every read and write goes through (declared after the
    // socket, so it goes first).
    std::unique_ptr<asio::ssl::stream<tcp::socket&>> tls;
    beast::flat_buffer buffer;
    std::optional<http::request_parser<http::string_body>> parser;
    std::string remoteAddress;
    Phase phase = Phase::kHead;
    SteadyClock::time_point requestStart;  // since when this request is awaited
    SteadyClock::time_point deadline;
    std::size_t bytesThisRequest = 0;  // received since requestStart
    bool reading = false;              // an async read is outstanding
    bool closed = false;
    std::size_t requestsServed = 0;

    // The request under way.
    std::shared_ptr<ServerRequest> request;
    ServerRoute route;
    bool keepAlive = true;
    bool expectContinue = false;
    bool bodyExpected = false;
    std::size_t bodyReservation = 0;  // bytes to reserve of the large-body budget
    std::string logMethod = "-";
    std::string logPath = "-";
    SteadyClock::time_point headAt;  // when the request's head was in

    // Budgets held.
    std::size_t largeBodyHeld = 0;
    std::size_t responseHeld = 0;

    // The answer being written.
    std::string responseHead;
    ServerResponse response;
    std::shared_ptr<const std::string> responseBody;
    // Or a file, sent piece by piece through `fileChunk`.
    std::shared_ptr<const BodyFile> responseFile;
    std::uint64_t fileSent = 0;
    std::string fileChunk;

    // A parked request: what it waits for, its answer when the wait ends without a wake, and
    // whether it counts against the caps (from its first park to its answer).
    std::shared_ptr<ServerRequest> parkedRequest;
    std::string parkKey;
    std::string parkOwner;
    ServerResponse parkedAnswer;
    bool parkGzip = false;
    bool parkCounted = false;
    SteadyClock::time_point parkUntil;
};

using ConnectionPtr = std::shared_ptr<Connection>;

}  // namespace

// Everything here runs on the I/O thread (the one in run()), except stop() and the functions
// named ...OnWorker, which run on a worker and post their results back with ...OnIo.
struct HttpServer::Impl {
    Impl(HttpLimits l, HttpServerHooks h, std::shared_ptr<TlsContext> t)
        : limits(l),
          hooks(std::move(h)),
          tlsContext(std::move(t)),
          acceptor(io),
          acceptRetry(io),
          sweep(io),
          wakeTimer(io),
          workers(std::max(1u, limits.workerThreads)) {}

    ~Impl() {
        workers.stop();
        workers.join();
    }

    // --- accepting ---

    void acceptNext() {
        acceptor.async_accept([this](const beast::error_code& ec, tcp::socket socket) {
            // Accepted before a stop closed the acceptor: still served if its request is in.
            if (!ec) onAccepted(std::move(socket));
            if (!acceptor.is_open() || ec == asio::error::operation_aborted) return;
            if (ec) {
                // Out of descriptors or memory: try again shortly rather than spin.
                ++acceptFailures;
                acceptRetry.expires_after(100ms);
                acceptRetry.async_wait([this](const beast::error_code& waited) {
                    if (!waited && acceptor.is_open()) acceptNext();
                });
                return;
            }
            acceptNext();
        });
    }

    void onAccepted(tcp::socket socket) {
        beast::error_code ignored;
        if (stopping && socket.available(ignored) == 0) {
            socket.close(ignored);
            return;
        }
        if (connections.size() >= limits.maxConnections) {
            ConnectionPtr victim = longestWaiting();
            if (!victim) {
                // Every connection is being answered: this one waits for none of them.
                ++refusedAtCap;
                ++total.refusedAtCap;
                socket.close(ignored);
                return;
            }
            ++shedAtCap;
            ++total.closedAtCap;
            closeConnection(victim);
        }
        socket.set_option(tcp::no_delay(true), ignored);
        auto c = std::make_shared<Connection>(std::move(socket), limits.maxHeadBytes + kReadChunk);
        auto remote = c->socket.remote_endpoint(ignored);
        c->remoteAddress = ignored ? std::string("?") : remote.address().to_string();
        connections.insert(c);
        total.open = connections.size();
        if (tlsContext) return startHandshake(c);
        startRequest(c);
    }

    // The handshake must be done within the request timeout of the connection opening; until
    // then the connection ranks with those waiting for a request when one must make room.
    void startHandshake(const ConnectionPtr& c) {
        c->tls = std::make_unique<asio::ssl::stream<tcp::socket&>>(c->socket,
                                                                   tlsContext->impl().context);
        c->phase = Phase::kHandshake;
        c->requestStart = SteadyClock::now();
        c->deadline = c->requestStart + limits.requestTimeout;
        if (stopping) c->deadline = std::min(c->deadline, c->requestStart + limits.stopGrace);
        c->tls->async_handshake(asio::ssl::stream_base::server,
                                [this, c](const beast::error_code& ec) {
                                    if (c->closed) return;
                                    if (ec) {
                                        ++handshakeFailures;
                                        ++total.handshakeFailures;
                                        return closeConnection(c);
                                    }
                                    startRequest(c);
                                });
    }

    template <class Buffers, class Handler>
    void readSome(const ConnectionPtr& c, const Buffers& buffers, Handler&& handler) {
        if (c->tls) return c->tls->async_read_some(buffers, std::forward<Handler>(handler));
        c->socket.async_read_some(buffers, std::forward<Handler>(handler));
    }

    template <class Buffers, class Handler>
    void writeAll(const ConnectionPtr& c, const Buffers& buffers, Handler&& handler) {
        if (c->tls) return asio::async_write(*c->tls, buffers, std::forward<Handler>(handler));
        asio::async_write(c->socket, buffers, std::forward<Handler>(handler));
    }

    // The connection to close for a new one: closing ones first, then those waiting for a
    // head, then those sending a body; among them the one whose request began first. None if
    // every connection is being answered.
    ConnectionPtr longestWaiting() {
        ConnectionPtr best;
        auto rank = [](Phase phase) {
            return phase == Phase::kLingering                            ? 0
                   : phase == Phase::kHead || phase == Phase::kHandshake ? 1
                                                                         : 2;
        };
        for (const auto& c : connections) {
            if (c->phase == Phase::kWorking || c->phase == Phase::kWriting ||
                c->phase == Phase::kParked) {
                continue;
            }
            if (!best || rank(c->phase) < rank(best->phase) ||
                (rank(c->phase) == rank(best->phase) && c->requestStart < best->requestStart)) {
                best = c;
            }
        }
        return best;
    }

    // --- reading a request ---

    void startRequest(const ConnectionPtr& c) {
        auto now = SteadyClock::now();
        c->phase = Phase::kHead;
        c->requestStart = now;
        c->deadline = now + limits.requestTimeout;
        c->parser.emplace();
        c->parser->header_limit(static_cast<std::uint32_t>(limits.maxHeadBytes));
        // Each route's limit applies once the head is in. (Not boost::none: Beast 1.74 compares
        // a Content-Length with it as if none were less than any number, refusing every body.)
        c->parser->body_limit(std::numeric_limits<std::uint64_t>::max());
        c->bytesThisRequest = c->buffer.size();
        c->request.reset();
        c->route = {};
        c->keepAlive = true;
        c->expectContinue = false;
        c->bodyExpected = false;
        c->bodyReservation = 0;
        c->logMethod = "-";
        c->logPath = "-";
        if (stopping) {
            beast::error_code ignored;
            if (c->buffer.size() == 0 && c->socket.available(ignored) == 0) {
                return closeConnection(c);
            }
            c->deadline = std::min(c->deadline, now + limits.stopGrace);
        }
        if (c->buffer.size() > 0) return parseHead(c);
        readMore(c);
    }

    void readMore(const ConnectionPtr& c) {
        if (c->closed || c->reading) return;
        std::size_t room = c->buffer.max_size() - c->buffer.size();
        if (room == 0) return refuse(c, 431, "the request head is too large", true);
        c->reading = true;
        readSome(c, c->buffer.prepare(std::min(room, kReadChunk)),
                 [this, c](const beast::error_code& ec, std::size_t received) {
                     c->reading = false;
                     if (c->closed) return;
                     if (ec) return closeConnection(c);  // the client closed, or the socket failed
                     c->buffer.commit(received);
                     c->bytesThisRequest += received;
                     switch (c->phase) {
                         case Phase::kHead:
                             return parseHead(c);
                         case Phase::kBody:
                             return parseBody(c);
                         case Phase::kLingering:
                             c->buffer.consume(c->buffer.size());
                             return readMore(c);
                         case Phase::kHandshake:
                         case Phase::kWorking:
                         case Phase::kParked:
                         case Phase::kWriting:
                             return;  // kept for the next request
                     }
                 });
    }

    void parseHead(const ConnectionPtr& c) {
        auto& parser = *c->parser;
        while (c->buffer.size() > 0 && !parser.is_header_done()) {
            beast::error_code ec;
            std::size_t used = parser.put(c->buffer.data(), ec);
            c->buffer.consume(used);
            if (ec == http::error::need_more) break;
            if (ec) {
                auto refusal = refusalFor(ec, limits, 0);
                return refuse(c, refusal.status, refusal.sentence, true);
            }
        }
        if (!parser.is_header_done()) return readMore(c);
        onHead(c);
    }

    void onHead(const ConnectionPtr& c) {
        const auto& head = c->parser->get();
        auto request = std::make_shared<ServerRequest>();
        request->method = std::string(head.method_string());
        std::string_view target(head.target().data(), head.target().size());
        std::size_t question = target.find('?');
        request->path = percentDecoded(target.substr(0, question), false);
        if (question != std::string_view::npos) {
            std::string_view query = target.substr(question + 1);
            while (!query.empty()) {
                std::size_t amp = query.find('&');
                std::string_view pair = query.substr(0, amp);
                query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
                if (pair.empty()) continue;
                std::size_t equals = pair.find('=');
                request->query.emplace_back(percentDecoded(pair.substr(0, equals), true),
                                            equals == std::string_view::npos
                                                ? std::string()
                                                : percentDecoded(pair.substr(equals + 1), true));
            }
        }
        for (const auto& f : head) {
            request->fields.emplace_back(std::string(f.name_string()), std::string(f.value()));
        }
        request->remoteAddress = c->remoteAddress;
        c->logMethod = request->method;
        c->logPath = request->path;
        c->headAt = SteadyClock::now();
        c->keepAlive = c->parser->keep_alive();
        c->request = request;

        if (request->fields.size() > limits.maxHeaderFields) {
            return refuse(c, 431,
                          "the request has more than " + std::to_string(limits.maxHeaderFields) +
                              " header fields",
                          true);
        }
        if (head.count(http::field::content_length) > 1) {
            return refuse(c, 400, "the request has more than one Content-Length field", true);
        }
        if (head.count(http::field::transfer_encoding) > 0 &&
            (head.count(http::field::transfer_encoding) > 1 || !c->parser->chunked() ||
             !equalsIgnoringCase(trimmed(request->field("Transfer-Encoding")), "chunked"))) {
            return refuse(c, 501, "a Transfer-Encoding other than chunked is not supported", true);
        }
        std::string_view encoding = trimmed(request->field("Content-Encoding"));
        if (!encoding.empty() && !equalsIgnoringCase(encoding, "identity")) {
            return refuse(c, 415, "request bodies must not be compressed (Content-Encoding)", true);
        }
        std::string_view expect = trimmed(request->field("Expect"));
        if (!expect.empty()) {
            if (!equalsIgnoringCase(expect, "100-continue")) {
                return refuse(c, 417, "the only expectation understood is 100-continue", true);
            }
            c->expectContinue = true;
        }

        auto routed = hooks.router(*request);
        c->bodyExpected = c->parser->chunked() || c->parser->content_length().value_or(0) > 0;
        if (!routed) {
            return answer(c, ServerResponse(routed.error()), c->bodyExpected);
        }
        c->route = std::move(*routed);
        auto declared = c->parser->content_length();
        if (declared && *declared > c->route.maxBodyBytes) {
            return refuse(
                c, 413, "the request body is larger than " + sizeText(c->route.maxBodyBytes), true);
        }
        c->bodyReservation = c->parser->chunked() ? c->route.maxBodyBytes
                                                  : static_cast<std::size_t>(declared.value_or(0));
        if (!c->route.admit) return proceedToBody(c);
        c->phase = Phase::kWorking;
        asio::post(workers, [this, c, request, admit = c->route.admit] {
            auto refused = admitOnWorker(*request, admit);
            asio::post(io, [this, c, refused = std::move(refused)]() mutable {
                admittedOnIo(c, std::move(refused));
            });
        });
    }

    std::optional<ServerResponse> admitOnWorker(ServerRequest& request,
                                                const decltype(ServerRoute::admit)& admit) {
        try {
            return admit(request);
        } catch (...) {
            return hooks.fault(request, std::current_exception());
        }
    }

    void admittedOnIo(const ConnectionPtr& c, std::optional<ServerResponse> refused) {
        if (c->closed) return;
        if (refused) return answer(c, std::move(*refused), c->bodyExpected);
        proceedToBody(c);
    }

    void proceedToBody(const ConnectionPtr& c) {
        if (!c->bodyExpected) return handle(c);
        if (c->bodyReservation > kSmallBodyBytes) {
            if (largeBodiesHeld + c->bodyReservation > limits.largeBodyBudget) {
                ++busyRefusals;
                ++total.answeredBusy;
                ServerResponse busy =
                    errorResponse(503, "the server is busy; try again in a few seconds");
                busy.fields.emplace_back("Retry-After", "2");
                return answer(c, std::move(busy), true);
            }
            largeBodiesHeld += c->bodyReservation;
            c->largeBodyHeld = c->bodyReservation;
        }
        c->parser->body_limit(static_cast<std::uint64_t>(c->route.maxBodyBytes));
        c->parser->eager(true);
        c->phase = Phase::kBody;
        auto now = SteadyClock::now();
        c->deadline = now + limits.requestTimeout +
                      std::chrono::seconds(c->bodyReservation / kMinBodyBytesPerSecond);
        if (stopping) c->deadline = std::min(c->deadline, now + limits.stopGrace);
        if (!c->expectContinue) return parseBody(c);
        static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        writeAll(c, asio::buffer(kContinue), [this, c](const beast::error_code& ec, std::size_t) {
            if (c->closed) return;
            if (ec) return closeConnection(c);
            parseBody(c);
        });
    }

    void parseBody(const ConnectionPtr& c) {
        auto& parser = *c->parser;
        while (c->buffer.size() > 0 && !parser.is_done()) {
            beast::error_code ec;
            std::size_t used = parser.put(c->buffer.data(), ec);
            c->buffer.consume(used);
            if (ec == http::error::need_more) break;
            if (ec) {
                auto refusal = refusalFor(ec, limits, c->route.maxBodyBytes);
                return refuse(c, refusal.status, refusal.sentence, true);
            }
        }
        if (!parser.is_done()) return readMore(c);
        c->request->body = std::move(parser.get().body());
        handle(c);
    }

    // --- answering ---

    void handle(const ConnectionPtr& c) { runHandler(c, std::move(c->request)); }

    void runHandler(const ConnectionPtr& c, std::shared_ptr<ServerRequest> request) {
        c->phase = Phase::kWorking;
        asio::post(workers, [this, c, request, handler = c->route.handle] {
            bool gzip = request->acceptsGzip();
            ServerResponse response = handleOnWorker(*request, handler, gzip);
            asio::post(io, [this, c, request, response = std::move(response), gzip]() mutable {
                handledOnIo(c, std::move(response), gzip, request);
            });
        });
    }

    ServerResponse handleOnWorker(ServerRequest& request,
                                  const decltype(ServerRoute::handle)& handler, bool gzip) {
        ServerResponse response;
        try {
            response = handler(request);
        } catch (...) {
            response = hooks.fault(request, std::current_exception());
        }
        request.body = std::string();  // freed here, not when the I/O thread lets go of it
        if (gzip && !response.file && !response.gzipBody && response.body &&
            response.body->size() >= kGzipMinBytes) {
            response.gzipBody = std::make_shared<const std::string>(gzipCompress(*response.body));
        }
        return response;
    }

    void handledOnIo(const ConnectionPtr& c, ServerResponse response, bool gzip,
                     std::shared_ptr<ServerRequest> request) {
        largeBodiesHeld -= c->largeBodyHeld;
        c->largeBodyHeld = 0;
        if (c->closed) return;
        if (response.park) {
            auto parking = std::move(response.park);
            if (!stopping) return park(c, *parking, std::move(response), gzip, std::move(request));
        }
        releaseParkSlot(c);
        const auto& body = gzip && response.gzipBody ? response.gzipBody : response.body;
        std::size_t size = body && !response.file ? body->size() : 0;
        if (!response.shared && responsesHeld + size > limits.responseBudget) {
            ++busyRefusals;
            ++total.answeredBusy;
            response = errorResponse(503, "the server is busy; try again in a few seconds");
            response.fields.emplace_back("Retry-After", "2");
            return answer(c, std::move(response), false);
        }
        answer(c, std::move(response), false, gzip);
    }

    // --- parked requests ---

    void park(const ConnectionPtr& c, const Parking& parking, ServerResponse fallback, bool gzip,
              std::shared_ptr<ServerRequest> request) {
        auto now = SteadyClock::now();
        if (!c->parkCounted) {
            auto& owned = parkedPerOwner[parking.owner];
            if (parkedCount >= limits.maxParked || owned >= limits.maxParkedPerOwner) {
                if (owned == 0) parkedPerOwner.erase(parking.owner);
                ++total.parkRefused;
                return answer(c, parking.overCap, false, gzip);
            }
            ++owned;
            ++parkedCount;
            total.parked = parkedCount;
            c->parkCounted = true;
            c->parkOwner = parking.owner;
            c->parkUntil = now + parking.wait;
        }
        if (now >= c->parkUntil) {
            releaseParkSlot(c);
            return answer(c, std::move(fallback), false, gzip);
        }
        c->phase = Phase::kParked;
        c->deadline = c->parkUntil;
        c->parkKey = parking.key;
        c->parkedAnswer = std::move(fallback);
        c->parkGzip = gzip;
        c->parkedRequest = std::move(request);
        parked.emplace(c->parkKey, c);
        // Watches the socket: a client that hangs up stops waiting at once (and frees its
        // slot); bytes it sends are kept for its next request.
        if (c->buffer.size() == 0) readMore(c);
    }

    // Takes the connection out of the parked index (its slot stays counted).
    void unpark(const ConnectionPtr& c) {
        auto [first, last] = parked.equal_range(c->parkKey);
        for (auto it = first; it != last; ++it) {
            if (it->second == c) {
                parked.erase(it);
                break;
            }
        }
    }

    void releaseParkSlot(const ConnectionPtr& c) {
        if (!c->parkCounted) return;
        c->parkCounted = false;
        --parkedCount;
        total.parked = parkedCount;
        auto owned = parkedPerOwner.find(c->parkOwner);
        if (owned != parkedPerOwner.end() && --owned->second == 0) parkedPerOwner.erase(owned);
        c->parkOwner.clear();
        c->parkedRequest.reset();
        c->parkedAnswer = {};
    }

    // The wait is over without news (time, or the server stopping): the parked answer.
    void answerParked(const ConnectionPtr& c) {
        unpark(c);
        ServerResponse fallback = std::move(c->parkedAnswer);
        bool gzip = c->parkGzip;
        releaseParkSlot(c);
        answer(c, std::move(fallback), false, gzip);
    }

    // Wakes the key's waiters now, or at the end of the wake interval if they were woken
    // within it (once, however many wakes came meanwhile).
    void wakeKeyOnIo(const std::string& key) {
        auto now = SteadyClock::now();
        auto& throttle = wakeThrottles[key];
        if (throttle.pending) return;
        if (now - throttle.lastWake >= limits.wakeInterval) {
            throttle.lastWake = now;
            return wakeOnIo(&key);
        }
        throttle.pending = true;
        armWakeTimer(throttle.lastWake + limits.wakeInterval);
    }

    void armWakeTimer(SteadyClock::time_point due) {
        if (wakeTimerArmed && wakeTimer.expiry() <= due) return;
        wakeTimerArmed = true;
        // Re-arming cancels the wait before: its handler sees operation_aborted.
        wakeTimer.expires_at(due);
        wakeTimer.async_wait([this](const beast::error_code& ec) {
            if (ec) return;
            wakeTimerArmed = false;
            wakeHeldKeys();
        });
    }

    // The held wakes whose interval is over; forgets keys quiet for a whole interval.
    void wakeHeldKeys() {
        auto now = SteadyClock::now();
        std::vector<std::string> due;
        std::optional<SteadyClock::time_point> next;
        for (auto it = wakeThrottles.begin(); it != wakeThrottles.end();) {
            auto& [key, throttle] = *it;
            auto end = throttle.lastWake + limits.wakeInterval;
            if (!throttle.pending) {
                it = now >= end ? wakeThrottles.erase(it) : std::next(it);
                continue;
            }
            if (now >= end) {
                throttle.pending = false;
                throttle.lastWake = now;
                due.push_back(key);
            } else if (!next || end < *next) {
                next = end;
            }
            ++it;
        }
        for (const auto& key : due) wakeOnIo(&key);
        if (next) armWakeTimer(*next);
    }

    void wakeOnIo(const std::string* key) {
        std::vector<ConnectionPtr> woken;
        if (key) {
            auto [first, last] = parked.equal_range(*key);
            for (auto it = first; it != last; ++it) woken.push_back(it->second);
        } else {
            for (const auto& [k, c] : parked) woken.push_back(c);
        }
        for (const auto& c : woken) {
            unpark(c);
            runHandler(c, c->parkedRequest);
        }
    }

    void pollParkedIfDue(SteadyClock::time_point now) {
        if (parked.empty() || pollInFlight || !hooks.pollParked ||
            now - lastParkPoll < limits.parkPollInterval) {
            return;
        }
        pollInFlight = true;
        lastParkPoll = now;
        asio::post(workers, [this] {
            try {
                hooks.pollParked();
            } catch (...) {
                // A failed look is tried again at the next interval; waiters time out anyway.
            }
            asio::post(io, [this] { pollInFlight = false; });
        });
    }

    // Answers without handling: the request is refused, its body (if any) is not read, and
    // the connection closes after the answer.
    void refuse(const ConnectionPtr& c, int status, std::string sentence, bool close) {
        answer(c, errorResponse(status, std::move(sentence)), close);
    }

    // Writes the answer (gzipped if the client accepts it and there is a gzipped body), then
    // waits for the next request or, with `close`, closes.
    void answer(const ConnectionPtr& c, ServerResponse response, bool close, bool gzip = false) {
        c->responseBody = gzip && response.gzipBody ? response.gzipBody : response.body;
        bool compressed = c->responseBody && c->responseBody == response.gzipBody;
        std::uint64_t size = c->responseBody ? c->responseBody->size() : 0;
        if (response.file) {
            c->responseBody.reset();
            c->responseFile = gzip && response.gzipFile ? response.gzipFile : response.file;
            compressed = c->responseFile == response.gzipFile;
            size = c->responseFile->size();
            c->fileSent = 0;
        } else if (!response.shared) {
            responsesHeld += size;
            c->responseHeld = size;
        }
        close = close || stopping || !c->keepAlive ||
                c->requestsServed + 1 >= limits.maxRequestsPerConnection;

        std::string& head = c->responseHead;
        auto reason = http::obsolete_reason(static_cast<http::status>(response.status));
        head = "HTTP/1.1 " + std::to_string(response.status) + " " +
               std::string(reason.data(), reason.size()) + "\r\n";
        head += "Content-Type: " + response.contentType +
                "\r\nContent-Length: " + std::to_string(size) + "\r\n";
        if (compressed) head += "Content-Encoding: gzip\r\n";
        if ((response.body && response.body->size() >= kGzipMinBytes) || response.file) {
            head += "Vary: Accept-Encoding\r\n";
        }
        for (const auto& [name, value] : response.fields) head += name + ": " + value + "\r\n";
        head += close ? "Connection: close\r\n\r\n" : "Connection: keep-alive\r\n\r\n";
        c->response = std::move(response);

        c->phase = Phase::kWriting;
        c->deadline = SteadyClock::now() + limits.writeTimeout;
        std::array<asio::const_buffer, 2> buffers{
            asio::buffer(c->responseHead),
            c->responseBody ? asio::buffer(*c->responseBody) : asio::const_buffer()};
        writeAll(c, buffers, [this, c, close](const beast::error_code& ec, std::size_t) {
            if (c->responseFile && !ec) return writeFilePiece(c, close);
            written(c, ec, close);
        });
    }

    // The next piece of a file body (a read from the page cache, on the I/O thread: 64 KiB at
    // a time, so no connection waits long for another's).
    void writeFilePiece(const ConnectionPtr& c, bool close) {
        if (c->closed) return written(c, {}, close);
        const std::uint64_t size = c->responseFile->size();
        if (c->fileSent >= size) return written(c, {}, close);
        c->fileChunk.resize(kFilePieceBytes);
        auto read =
            c->responseFile->readAt(c->fileSent, c->fileChunk.data(),
                                    std::min<std::uint64_t>(kFilePieceBytes, size - c->fileSent));
        if (!read || *read == 0) {
            // The head promised more bytes: the client sees the answer cut short.
            hooks.log("could not send an answer's file: " +
                      (read ? std::string("it ended early") : read.error().message));
            return written(c, asio::error::make_error_code(asio::error::broken_pipe), true);
        }
        c->fileSent += *read;
        writeAll(c, asio::buffer(c->fileChunk.data(), *read),
                 [this, c, close](const beast::error_code& ec, std::size_t) {
                     if (ec) return written(c, ec, close);
                     writeFilePiece(c, close);
                 });
    }

    void written(const ConnectionPtr& c, const beast::error_code& ec, bool close) {
        responsesHeld -= c->responseHeld;
        c->responseHeld = 0;
        std::string line = loggable(c->remoteAddress) + " " + loggable(c->logMethod) + " " +
                           loggable(c->logPath) + " " + std::to_string(c->response.status);
        if (c->response.status >= 300 && !c->response.errorSentence.empty()) {
            line += ": " + loggable(c->response.errorSentence);
        }
        hooks.log(line);
        if (hooks.answered) {
            const auto since =
                c->headAt == SteadyClock::time_point{} ? SteadyClock::now() : c->headAt;
            hooks.answered({c->route.name.empty() ? std::string_view("other") : c->route.name,
                            c->response.status, SteadyClock::now() - since});
        }
        c->headAt = {};
        c->route.name.clear();
        c->response = {};
        c->responseBody.reset();
        c->responseFile.reset();
        c->fileChunk.clear();
        c->fileChunk.shrink_to_fit();
        c->responseHead.clear();
        c->responseHead.shrink_to_fit();
        if (c->closed) return;
        if (ec) return closeConnection(c);
        ++c->requestsServed;
        if (close) return linger(c);
        startRequest(c);
    }

    // Half-closes and drops what still arrives for a while, so the answer reaches a client
    // that is still sending instead of being lost to a reset; then closes.
    void linger(const ConnectionPtr& c) {
        beast::error_code ignored;
        c->socket.shutdown(tcp::socket::shutdown_send, ignored);
        c->phase = Phase::kLingering;
        c->requestStart = SteadyClock::now();
        c->deadline = c->requestStart + (stopping ? kLingerTime / 4 : kLingerTime);
        c->buffer.consume(c->buffer.size());
        c->parser.reset();
        c->request.reset();
        readMore(c);
    }

    void closeConnection(const ConnectionPtr& c) {
        if (c->closed) return;
        c->closed = true;
        beast::error_code ignored;
        c->socket.shutdown(tcp::socket::shutdown_both, ignored);
        c->socket.close(ignored);
        // A worker may still hold the request; its budget goes back when the worker is done.
        if (c->phase != Phase::kWorking) {
            largeBodiesHeld -= c->largeBodyHeld;
            c->largeBodyHeld = 0;
        }
        if (c->phase == Phase::kParked) unpark(c);
        releaseParkSlot(c);
        connections.erase(c);
        total.open = connections.size();
        finishStopIfDone();
    }

    // --- deadlines, stopping ---

    void armSweep() {
        sweep.expires_after(kSweepInterval);
        sweep.async_wait([this](const beast::error_code& ec) {
            if (ec) return;
            sweepDeadlines();
            if (!stopDone()) armSweep();
        });
    }

    void sweepDeadlines() {
        auto now = SteadyClock::now();
        std::vector<ConnectionPtr> expired;
        for (const auto& c : connections) {
            if (c->phase != Phase::kWorking && now >= c->deadline) expired.push_back(c);
        }
        for (const auto& c : expired) {
            if (c->phase == Phase::kParked) {
                answerParked(c);
                continue;
            }
            bool midRequest = (c->phase == Phase::kHead && c->bytesThisRequest > 0) ||
                              c->phase == Phase::kHandshake || c->phase == Phase::kBody ||
                              c->phase == Phase::kWriting;
            if (midRequest) {
                ++timedOut;
                ++total.cutOffAtDeadline;
            }
            closeConnection(c);
        }
        pollParkedIfDue(now);
        if (now - lastSummary >= kSummaryInterval) {
            lastSummary = now;
            if (shedAtCap + refusedAtCap + timedOut + handshakeFailures + busyRefusals +
                    acceptFailures >
                0) {
                hooks.log(
                    "connections in the last " +
                    std::to_string(
                        std::chrono::duration_cast<std::chrono::seconds>(kSummaryInterval)
                            .count()) +
                    " s: " + std::to_string(shedAtCap) + " closed to make room at the cap of " +
                    std::to_string(limits.maxConnections) + ", " + std::to_string(refusedAtCap) +
                    " refused at the cap, " + std::to_string(timedOut) +
                    " cut off at a deadline, " + std::to_string(handshakeFailures) +
                    " failed TLS handshakes, " + std::to_string(busyRefusals) + " answered 503, " +
                    std::to_string(acceptFailures) + " failed accepts; " +
                    std::to_string(connections.size()) + " open");
            }
            shedAtCap = refusedAtCap = timedOut = handshakeFailures = busyRefusals =
                acceptFailures = 0;
        }
    }

    void stopOnIo() {
        if (stopping) return;
        // Connections the kernel has already accepted are taken in first: a request sent just
        // before the signal is answered like one that was already being read.
        beast::error_code ignored;
        acceptor.non_blocking(true, ignored);
        while (acceptor.is_open()) {
            tcp::socket socket(io);
            acceptor.accept(socket, ignored);
            if (ignored) break;
            onAccepted(std::move(socket));
        }
        stopping = true;
        acceptor.close(ignored);
        acceptRetry.cancel();
        auto now = SteadyClock::now();
        std::vector<ConnectionPtr> idle;
        std::vector<ConnectionPtr> waiting;
        for (const auto& c : connections) {
            switch (c->phase) {
                case Phase::kHead:
                    if (c->bytesThisRequest == 0 && c->socket.available(ignored) == 0) {
                        idle.push_back(c);
                    } else {
                        c->deadline = std::min(c->deadline, now + limits.stopGrace);
                    }
                    break;
                case Phase::kBody:
                    c->deadline = std::min(c->deadline, now + limits.stopGrace);
                    break;
                case Phase::kHandshake:
                case Phase::kLingering:
                    idle.push_back(c);
                    break;
                case Phase::kParked:
                    waiting.push_back(c);
                    break;
                case Phase::kWorking:
                case Phase::kWriting:
                    break;  // answered, then closed
            }
        }
        for (const auto& c : idle) closeConnection(c);
        // Waiting requests get their answer now (nothing new), and their connections close.
        for (const auto& c : waiting) answerParked(c);
        finishStopIfDone();
    }

    // Once stopping and every connection is closed, nothing is left for the I/O thread and
    // run() returns.
    bool stopDone() const { return stopping && connections.empty(); }
    void finishStopIfDone() {
        if (stopDone()) {
            sweep.cancel();
            wakeTimer.cancel();
        }
    }

    HttpLimits limits;
    HttpServerHooks hooks;
    std::shared_ptr<TlsContext> tlsContext;  // null: plain HTTP
    asio::io_context io{1};
    tcp::acceptor acceptor;
    asio::steady_timer acceptRetry;
    asio::steady_timer sweep;
    // Held wakes (wakeInterval): when each key was last woken, and whether a wake waits for
    // the interval's end; the timer fires at the earliest such end.
    struct WakeThrottle {
        SteadyClock::time_point lastWake{};
        bool pending = false;
    };
    std::unordered_map<std::string, WakeThrottle> wakeThrottles;
    asio::steady_timer wakeTimer;
    bool wakeTimerArmed = false;
    asio::thread_pool workers;
    std::unordered_set<ConnectionPtr> connections;
    // Parked requests by key, and the caps' counts.
    std::unordered_multimap<std::string, ConnectionPtr> parked;
    std::unordered_map<std::string, std::size_t> parkedPerOwner;
    std::size_t parkedCount = 0;
    bool pollInFlight = false;
    SteadyClock::time_point lastParkPoll;
    bool stopping = false;
    std::size_t largeBodiesHeld = 0;
    std::size_t responsesHeld = 0;
    // For the summary line.
    SteadyClock::time_point lastSummary = SteadyClock::now();
    std::size_t shedAtCap = 0;
    std::size_t refusedAtCap = 0;
    std::size_t timedOut = 0;
    std::size_t handshakeFailures = 0;
    std::size_t busyRefusals = 0;
    std::size_t acceptFailures = 0;
    // Since the start, for connectionFigures() on any thread.
    struct {
        std::atomic<std::size_t> open{0};
        std::atomic<std::size_t> closedAtCap{0};
        std::atomic<std::size_t> refusedAtCap{0};
        std::atomic<std::size_t> cutOffAtDeadline{0};
        std::atomic<std::size_t> answeredBusy{0};
        std::atomic<std::size_t> handshakeFailures{0};
        std::atomic<std::size_t> parked{0};
        std::atomic<std::size_t> parkRefused{0};
    } total;

    // For stop() from any thread.
    std::mutex runMutex;
    bool stopRequested = false;
    bool running = false;
};

HttpServer::HttpServer(HttpLimits limits, HttpServerHooks hooks, std::shared_ptr<TlsContext> tls)
    : impl_(std::make_unique<Impl>(limits, std::move(hooks), std::move(tls))) {}

HttpServer::~HttpServer() { stop(); }

ConnectionFigures HttpServer::connectionFigures() const {
    const auto& t = impl_->total;
    return {t.open.load(),         t.closedAtCap.load(),
            t.refusedAtCap.load(), t.cutOffAtDeadline.load(),
            t.answeredBusy.load(), t.handshakeFailures.load(),
            t.parked.load(),       t.parkRefused.load()};
}

void HttpServer::wake(std::string key) {
    asio::post(impl_->io, [impl = impl_.get(), key = std::move(key)] { impl->wakeKeyOnIo(key); });
}

void HttpServer::wakeAll() {
    asio::post(impl_->io, [impl = impl_.get()] { impl->wakeOnIo(nullptr); });
}

Result<int> HttpServer::bind(const std::string& host, int port) {
    if (port < 0 || port > 65535) return fail("port " + std::to_string(port) + " is out of range");
    auto refused = [&] {
        return fail("cannot listen on " + host + ":" + std::to_string(port) +
                    " (address in use or not on this machine)");
    };
    beast::error_code ec;
    tcp::resolver resolver(impl_->io);
    auto endpoints = resolver.resolve(host, std::to_string(port),
                                      tcp::resolver::passive | tcp::resolver::numeric_service, ec);
    if (ec) return refused();
    for (const auto& entry : endpoints) {
        auto& acceptor = impl_->acceptor;
        beast::error_code failed;
        acceptor.open(entry.endpoint().protocol(), failed);
        if (failed) continue;
        // SO_REUSEADDR alone: a restart may take the port back at once, but a second server on
        // a port in use fails to start (SO_REUSEPORT would let both listen).
        acceptor.set_option(tcp::acceptor::reuse_address(true), failed);
        if (!failed) acceptor.bind(entry.endpoint(), failed);
        if (!failed) acceptor.listen(asio::socket_base::max_listen_connections, failed);
        if (!failed) return static_cast<int>(acceptor.local_endpoint().port());
        acceptor.close(failed);
    }
    return refused();
}

bool HttpServer::run() {
    Impl& impl = *impl_;
    bool stopAtOnce = false;
    {
        std::lock_guard lock(impl.runMutex);
        if (!impl.acceptor.is_open()) return false;
        // A stop that came first still lets the connections already waiting in the listen
        // queue with a request be answered (stopOnIo takes them in), then returns.
        stopAtOnce = impl.stopRequested;
        impl.running = true;
    }
    impl.acceptNext();
    impl.armSweep();
    if (stopAtOnce) asio::post(impl.io, [&impl] { impl.stopOnIo(); });
    impl.io.run();
    impl.workers.join();
    std::lock_guard lock(impl.runMutex);
    impl.running = false;
    return true;
}

void HttpServer::stop() {
    Impl& impl = *impl_;
    std::lock_guard lock(impl.runMutex);
    if (impl.stopRequested) return;
    impl.stopRequested = true;
    if (impl.running) asio::post(impl.io, [&impl] { impl.stopOnIo(); });
}

}  // namespace admit::sync
