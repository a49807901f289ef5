#pragma once
// The sync client's HTTP transport: one libcurl easy handle (reused, so a round's requests
// share a connection) with the timeouts, compression, bearer token and response size limit
// that docs/sync.md asks for. Failure to get an answer is an error value; any HTTP status is
// an answer. Error messages never contain the bearer token or a request body.

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "admit/base/result.hpp"

namespace admit::sync {

struct HttpRequest {
    enum class Method { kGet, kPost };
    Method method = Method::kGet;
    std::string url;
    std::string body;         // POST only, sent as application/json
    std::string bearerToken;  // empty: no Authorization header
    // More header fields, e.g. the sync heartbeat's ("Admit-Clock", "12345"); never secrets.
    std::vector<std::pair<std::string, std::string>> fields;
    std::chrono::milliseconds connectTimeout{5'000};
    std::chrono::milliseconds timeout{30'000};  // the whole request
    std::size_t maxResponseBytes = 32u << 20;   // after decompression
    // For https:// only: the SHA-256 of the server's public key (DER SubjectPublicKeyInfo) from
    // the set-up code. With it, the server must present exactly that key, and no certificate
    // authority is asked (a venue server's certificate is usually self-signed); without it,
    // the certificate must chain to a system CA and name the host.
    std::optional<std::array<std::uint8_t, 32>> serverKeySha256;
    // Optional: asked about once a second (and whenever data moves) while the request runs;
    // true abandons it (HttpError::kCancelled). For a waiting download that the kiosk stops.
    std::function<bool()> cancelled;
    // Optional: a 200 answer's body goes here piece by piece as it arrives (decompressed, and
    // still counted against maxResponseBytes) instead of into HttpResponse::body, so a large
    // answer is never held whole; other statuses' bodies are kept as usual. False stops the
    // transfer (HttpError::kStopped): the receiver refused what arrived.
    std::function<bool(std::string_view)> onBody;
};

struct HttpResponse {
    long status = 0;
    std::string body;            // decompressed
    std::int64_t wireBytes = 0;  // body bytes as received (compressed, if it was)
    std::optional<std::int64_t> retryAfterSeconds;  // a Retry-After header (429, 503)
};

struct HttpError {
    enum class Kind {
        kUnreachable,         // no connection, DNS, timeout
        kBadAnswer,           // reached, but the answer is not HTTP, missing or cut short
        kTooLarge,            // the answer is over maxResponseBytes
        kLocal,               // libcurl could not be set up, or the URL is malformed
        kWrongServerKey,      // https: the server's key is not the one pinned (not who it claims)
        kCertificateRefused,  // https without a pin: the certificate is not trusted or the
                              // TLS handshake failed
        kCancelled,           // HttpRequest::cancelled said so
        kStopped,             // HttpRequest::onBody refused the answer (it knows why)
    };
    Kind kind = Kind::kUnreachable;
    std::string message;  // "could not reach the server: Connection refused"
};

class HttpClient {
  public:
    HttpClient();
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;
    HttpClient(HttpClient&&) noexcept;
    HttpClient& operator=(HttpClient&&) noexcept;

    Result<HttpResponse, HttpError> perform(const HttpRequest& request);

  private:
    struct Handle;
    std::unique_ptr<Handle> handle_;
};

}  // namespace admit::sync
