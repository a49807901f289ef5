#include "admit/sync/client/http_client.hpp"

#include <mutex>
#include <system_error>

#include <curl/curl.h>
#include <sodium.h>

#include "secret_text.hpp"

namespace admit::sync {
namespace {

// curl_global_init is not safe to race with itself or with handles being made; once per process.
CURLcode globalInit() {
    static std::once_flag once;
    static CURLcode result = CURLE_OK;
    std::call_once(once, [] { result = curl_global_init(CURL_GLOBAL_DEFAULT); });
    return result;
}

struct EasyDeleter {
    void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct SlistDeleter {
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using EasyHandle = std::unique_ptr<CURL, EasyDeleter>;
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

// Appends to the list, keeping ownership in the RAII holder even when curl_slist_append fails.
bool append(Slist& list, const std::string& header) {
    curl_slist* grown = curl_slist_append(list.get(), header.c_str());
    if (!grown) return false;
    static_cast<void>(list.release());
    list.reset(grown);
    return true;
}

struct Sink {
    std::string* body = nullptr;
    std::size_t max = 0;
    bool tooLarge = false;
    CURL* curl = nullptr;
    const std::function<bool(std::string_view)>* onBody = nullptr;
    std::size_t received = 0;
    bool stopped = false;
};

std::size_t writeBody(char* data, std::size_t size, std::size_t count, void* user) {
    auto* sink = static_cast<Sink*>(user);
    const std::size_t n = size * count;
    if (sink->received + n > sink->max) {
        sink->tooLarge = true;
        return 0;  // makes libcurl stop with CURLE_WRITE_ERROR
    }
    sink->received += n;
    long status = 0;
    if (*sink->onBody &&
        curl_easy_getinfo(sink->curl, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK &&
        status == 200) {
        if (!(*sink->onBody)(std::string_view(data, n))) {
            sink->stopped = true;
            return 0;
        }
        return n;
    }
    sink->body->append(data, n);
    return n;
}

int progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    const auto* cancelled = static_cast<const std::function<bool()>*>(user);
    return (*cancelled)() ? 1 : 0;  // non-zero: CURLE_ABORTED_BY_CALLBACK
}

// Whether the request got as far as a connection to the server (libcurl knows its address).
bool connected(CURL* curl) {
    char* ip = nullptr;
    return curl_easy_getinfo(curl, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK && ip != nullptr &&
           ip[0] != '\0';
}

std::string seconds(std::chrono::milliseconds d) {
    if (d.count() % 1000 == 0) return std::to_string(d.count() / 1000) + " s";
    return std::to_string(d.count()) + " ms";
}

std::string base64(const std::array<std::uint8_t, 32>& bytes) {
    char text[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL)];
    sodium_bin2base64(text, sizeof text, bytes.data(), bytes.size(),
                      sodium_base64_VARIANT_ORIGINAL);
    return text;
}

std::string mebibytes(std::size_t bytes) {
    if (bytes % (1u << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
    return std::to_string(bytes) + " bytes";
}

}  // namespace

struct HttpClient::Handle {
    EasyHandle easy;
    CURLcode init = CURLE_OK;
};

HttpClient::HttpClient() : handle_(std::make_unique<Handle>()) {
    handle_->init = globalInit();
    if (handle_->init == CURLE_OK) handle_->easy.reset(curl_easy_init());
}

HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;

Result<HttpResponse, HttpError> HttpClient::perform(const HttpRequest& request) {
    // Every message passes through here: the token must never reach a person or a log.
    auto failure = [&](HttpError::Kind kind, const std::string& message) {
        return fail(HttpError{kind, detail::withoutSecret(message, request.bearerToken)});
    };
    if (!handle_ || handle_->init != CURLE_OK || !handle_->easy) {
        return failure(HttpError::Kind::kLocal, "cannot set up libcurl");
    }
    CURL* curl = handle_->easy.get();
    // Reset keeps the connection cache: the next request of a round reuses the connection.
    curl_easy_reset(curl);

    Slist headers;
    bool headersOk = append(headers, "Accept: application/json") &&
                     append(headers, "Expect:");  // no 100-continue round trip on uploads
    if (request.method == HttpRequest::Method::kPost) {
        headersOk = headersOk && append(headers, "Content-Type: application/json");
    }
    if (!request.bearerToken.empty()) {
        headersOk = headersOk && append(headers, "Authorization: Bearer " + request.bearerToken);
    }
    for (const auto& [name, value] : request.fields) {
        headersOk = headersOk && append(headers, name + ": " + value);
    }
    if (!headersOk)
        return failure(HttpError::Kind::kLocal, "cannot set up libcurl (out of memory)");

    HttpResponse response;
    Sink sink{&response.body, request.maxResponseBytes, false, curl, &request.onBody};
    char errorBuffer[CURL_ERROR_SIZE] = {};

    curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // timeouts without SIGALRM: we run in a thread
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);  // a redirect must not carry the token
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(request.connectTimeout.count()));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
    curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");  // every encoding libcurl can decode
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "admit-kiosk/1");
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errorBuffer);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, writeBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE,
                     static_cast<curl_off_t>(request.maxResponseBytes));
    std::string pin;
    if (request.serverKeySha256) {
        // The pin is checked on every connection, a reused one included, before any byte of
        // the request (the token above all) is sent.
        pin = "sha256//" + base64(*request.serverKeySha256);
        curl_easy_setopt(curl, CURLOPT_PINNEDPUBLICKEY, pin.c_str());
        curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (request.method == HttpRequest::Method::kPost) {
        curl_easy_setopt(curl, CURLOPT_POST, 1L);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                         static_cast<curl_off_t>(request.body.size()));
    }

    if (request.cancelled) {
        curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, progress);
        curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &request.cancelled);
        curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    }

    const CURLcode code = curl_easy_perform(curl);
    // The easy handle keeps pointers to these; clear them before they go out of scope.
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
    if (request.cancelled) {
        curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 1L);
        curl_easy_setopt(curl, CURLOPT_XFERINFODATA, nullptr);
    }
    const std::string curlText = errorBuffer[0] != '\0' ? errorBuffer : curl_easy_strerror(code);

    switch (code) {
        case CURLE_OK:
            break;
        case CURLE_OPERATION_TIMEDOUT: {
            curl_off_t connectedAfter = 0;
            curl_easy_getinfo(curl, CURLINFO_CONNECT_TIME_T, &connectedAfter);
            const auto limit = connectedAfter == 0 ? request.connectTimeout : request.timeout;
            return failure(HttpError::Kind::kUnreachable,
                           "could not reach the server: timed out after " + seconds(limit));
        }
        case CURLE_COULDNT_CONNECT: {
            long osErrno = 0;
            curl_easy_getinfo(curl, CURLINFO_OS_ERRNO, &osErrno);
            const std::string cause =
                osErrno != 0
                    ? std::error_code(static_cast<int>(osErrno), std::generic_category()).message()
                    : curlText;
            return failure(HttpError::Kind::kUnreachable, "could not reach the server: " + cause);
        }
        case CURLE_FILESIZE_EXCEEDED:
            return failure(HttpError::Kind::kTooLarge, "the server's answer is larger than " +
                                                           mebibytes(request.maxResponseBytes));
        case CURLE_WRITE_ERROR:
            if (sink.tooLarge) {
                return failure(HttpError::Kind::kTooLarge, "the server's answer is larger than " +
                                                               mebibytes(request.maxResponseBytes));
            }
            if (sink.stopped) {
                return failure(HttpError::Kind::kStopped, "the answer was refused as it arrived");
            }
            return failure(HttpError::Kind::kLocal, "cannot keep the server's answer: " + curlText);
        case CURLE_UNSUPPORTED_PROTOCOL:
            // Also what libcurl says when the server was reached and sent back something that
            // is not HTTP ("HTTP/0.9"): a connection tells the two apart.
            if (connected(curl)) {
                return failure(HttpError::Kind::kBadAnswer,
                               "the server was reached, but its answer is not HTTP");
            }
            [[fallthrough]];
        case CURLE_URL_MALFORMAT:
            return failure(HttpError::Kind::kLocal,
                           "the server address " + request.url + " is not valid: " + curlText);
        case CURLE_WEIRD_SERVER_REPLY:
            return failure(HttpError::Kind::kBadAnswer,
                           "the server was reached, but its answer is not HTTP");
        case CURLE_GOT_NOTHING:
            return failure(
                HttpError::Kind::kBadAnswer,
                "the server was reached, but it closed the connection without answering");
        case CURLE_PARTIAL_FILE:
        case CURLE_RECV_ERROR:
            if (connected(curl)) {
                return failure(HttpError::Kind::kBadAnswer,
                               "the server was reached, but the connection broke before its "
                               "answer was complete");
            }
            return failure(HttpError::Kind::kUnreachable,
                           "could not reach the server: " + curlText);
        case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
            return failure(HttpError::Kind::kWrongServerKey,
                           "the server's TLS key is not the one in the event code: this may not "
                           "be the organiser's server");
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_SSL_CERTPROBLEM:
        case CURLE_SSL_ISSUER_ERROR:
            return failure(HttpError::Kind::kCertificateRefused,
                           "the server's TLS certificate was refused: " + curlText);
        case CURLE_OUT_OF_MEMORY:
        case CURLE_FAILED_INIT:
            return failure(HttpError::Kind::kLocal, "libcurl failed: " + curlText);
        case CURLE_ABORTED_BY_CALLBACK:
            return failure(HttpError::Kind::kCancelled, "the request was cancelled");
        default:
            return failure(HttpError::Kind::kUnreachable,
                           "could not reach the server: " + curlText);
    }
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
    curl_off_t received = 0;
    curl_easy_getinfo(curl, CURLINFO_SIZE_DOWNLOAD_T, &received);
    response.wireBytes = static_cast<std::int64_t>(received);
    // Seconds, or an HTTP date turned into seconds from now; -1 when there was none.
    curl_off_t retryAfter = -1;
    if (curl_easy_getinfo(curl, CURLINFO_RETRY_AFTER, &retryAfter) == CURLE_OK && retryAfter >= 0) {
        response.retryAfterSeconds = static_cast<std::int64_t>(retryAfter);
    }
    return response;
}

}  // namespace admit::sync
