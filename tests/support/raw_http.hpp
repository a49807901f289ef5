#pragma once
// HTTP/1.1 at the byte level for tests that play a hostile or broken client against a server on
// 127.0.0.1: a TCP connection that sends exactly the bytes given (a header byte at a time, two
// Content-Length fields, a chunked or compressed body) and reads one response with a deadline,
// and a crowd of slow clients. Used by the server tests and its benchmark.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace admit::testing {

struct RawResponse {
    int status = 0;
    std::map<std::string, std::string> headers;  // names in lower case
    std::string body;
};

class RawConnection {
  public:
    // Connects to 127.0.0.1:port; connected() tells whether it did. With `waitForConnect`
    // false the connect goes on in the background (a server with a short listen queue can
    // keep it waiting for seconds) and the first send that gets through completes it.
    explicit RawConnection(int port, bool waitForConnect = true) {
        fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | (waitForConnect ? 0 : SOCK_NONBLOCK), 0);
        if (fd_ < 0) return;
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(static_cast<std::uint16_t>(port));
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 &&
            (waitForConnect || errno != EINPROGRESS)) {
            close(fd_);
            fd_ = -1;
            return;
        }
        int yes = 1;
        setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
    }
    ~RawConnection() {
        if (fd_ >= 0) close(fd_);
    }
    RawConnection(const RawConnection&) = delete;
    RawConnection& operator=(const RawConnection&) = delete;
    RawConnection(RawConnection&& other) noexcept
        : fd_(std::exchange(other.fd_, -1)), pending_(std::move(other.pending_)) {}

    bool connected() const { return fd_ >= 0; }

    // Says it will send nothing more (a TCP half-close) and goes on reading.
    void shutdownWrite() {
        if (fd_ >= 0) ::shutdown(fd_, SHUT_WR);
    }

    // Sends every byte unless the peer closes or `timeout` passes first. False if not all went.
    bool send(std::string_view bytes,
              std::chrono::milliseconds timeout = std::chrono::milliseconds(10'000)) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (!bytes.empty()) {
            if (fd_ < 0) return false;
            pollfd p{fd_, POLLOUT, 0};
            if (poll(&p, 1, leftMs(deadline)) <= 0) return false;
            ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
            if (n <= 0) return false;
            bytes.remove_prefix(static_cast<std::size_t>(n));
        }
        return true;
    }

    // One response (status line, header fields, a body of Content-Length bytes or up to the
    // close), or nullopt if none came whole before `timeout` or the peer closed first. An
    // interim "100 Continue" is skipped unless `skipContinue` is false.
    std::optional<RawResponse> readResponse(
        std::chrono::milliseconds timeout = std::chrono::milliseconds(10'000),
        bool skipContinue = true) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        std::size_t headEnd;
        while ((headEnd = pending_.find("\r\n\r\n")) == std::string::npos) {
            if (!receive(deadline)) return std::nullopt;
        }
        RawResponse response;
        std::string head = pending_.substr(0, headEnd);
        pending_.erase(0, headEnd + 4);
        std::size_t lineEnd = head.find("\r\n");
        std::string statusLine = head.substr(0, lineEnd);
        if (statusLine.rfind("HTTP/1.", 0) != 0 || statusLine.size() < 12) return std::nullopt;
        response.status = std::stoi(statusLine.substr(9, 3));
        while (lineEnd != std::string::npos) {
            std::size_t start = lineEnd + 2;
            lineEnd = head.find("\r\n", start);
            std::string line = head.substr(
                start, lineEnd == std::string::npos ? std::string::npos : lineEnd - start);
            std::size_t colon = line.find(':');
            if (colon == std::string::npos) continue;
            std::string name = line.substr(0, colon);
            for (char& ch : name)
                ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
            std::size_t valueStart = line.find_first_not_of(' ', colon + 1);
            response.headers[name] =
                valueStart == std::string::npos ? std::string() : line.substr(valueStart);
        }
        if (response.status == 100) {
            if (!skipContinue) return response;
            return readResponse(leftDuration(deadline));
        }
        auto length = response.headers.find("content-length");
        if (length != response.headers.end()) {
            std::size_t want = std::stoul(length->second);
            while (pending_.size() < want) {
                if (!receive(deadline)) return std::nullopt;
            }
            response.body = pending_.substr(0, want);
            pending_.erase(0, want);
        } else {
            while (receive(deadline)) {
            }
            response.body = std::move(pending_);
            pending_.clear();
        }
        return response;
    }

    // True if the peer closes the connection (end of stream or reset) within `timeout`; what it
    // sent before is read and dropped.
    bool closedByPeer(std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        do {
            if (fd_ < 0) return true;
            pollfd p{fd_, POLLIN, 0};
            if (poll(&p, 1, leftMs(deadline)) <= 0) continue;
            char buffer[4096];
            ssize_t n = recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT);
            if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) return true;
        } while (std::chrono::steady_clock::now() < deadline);
        return false;
    }

  private:
    static int leftMs(std::chrono::steady_clock::time_point deadline) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        return left.count() < 0 ? 0 : static_cast<int>(left.count());
    }
    static std::chrono::milliseconds leftDuration(std::chrono::steady_clock::time_point deadline) {
        return std::chrono::milliseconds(leftMs(deadline));
    }

    // Appends what arrives before the deadline; false on timeout, close or error.
    bool receive(std::chrono::steady_clock::time_point deadline) {
        if (fd_ < 0) return false;
        pollfd p{fd_, POLLIN, 0};
        if (poll(&p, 1, leftMs(deadline)) <= 0) return false;
        char buffer[16384];
        ssize_t n = recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT);
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) return true;
        if (n <= 0) return false;
        pending_.append(buffer, static_cast<std::size_t>(n));
        return true;
    }

    int fd_ = -1;
    std::string pending_;
};

// A whole request: request line, Host, the given header lines (each without CRLF) and a body
// with its Content-Length (none for an empty body on GET).
inline std::string rawRequest(const std::string& method, const std::string& target,
                              const std::vector<std::string>& headerLines = {},
                              const std::string& body = "") {
    std::string text = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (const auto& line : headerLines) text += line + "\r\n";
    if (!body.empty() || method == "POST") {
        text += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    }
    return text + "\r\n" + body;
}

// Connections that send a request head one byte at a time, forever (the head never ends), from
// a thread of their own: each sends its first byte as soon as its connection is made and one
// more every `interval`, so a server that closes a connection silent for a second cannot get rid
// of them that way. `opening` is what each sends (an endless request head by default; a TLS
// ClientHello for a slow handshake).
class SlowClients {
  public:
    SlowClients(int port, int count, std::chrono::milliseconds interval,
                std::string opening = std::string(kHead))
        : opening_(std::move(opening)) {
        for (int i = 0; i < count; ++i) {
            slow_.push_back({std::make_unique<RawConnection>(port, false), 0});
        }
        dribbling_ = std::thread([this, interval] {
            using namespace std::chrono_literals;
            while (!stop_) {
                int sending = 0;
                for (auto& [connection, sent] : slow_) {
                    if (!connection->connected()) continue;
                    char byte = sent < opening_.size() ? opening_[sent] : 'a';
                    if (connection->send(std::string_view(&byte, 1), 0ms)) ++sent;
                    sending += sent > 0 ? 1 : 0;
                }
                sending_ = sending;
                for (auto waited = 0ms; waited < interval && !stop_; waited += 10ms) {
                    std::this_thread::sleep_for(10ms);
                }
            }
        });
    }
    ~SlowClients() {
        stop_ = true;
        dribbling_.join();
    }
    SlowClients(const SlowClients&) = delete;
    SlowClients& operator=(const SlowClients&) = delete;

    // Waits until `count` of them have sent their first byte; false if not within `timeout`.
    bool waitUntilSending(int count, std::chrono::milliseconds timeout) {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        while (sending_ < count) {
            if (std::chrono::steady_clock::now() > deadline) return false;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return true;
    }
    int sending() const { return sending_; }

    // How many of them the server has closed by now (call once they are all sending).
    int closedByServer() {
        int closed = 0;
        for (auto& entry : slow_) {
            closed += entry.connection->closedByPeer(std::chrono::milliseconds(0)) ? 1 : 0;
        }
        return closed;
    }

  private:
    static constexpr std::string_view kHead =
        "GET /v1/events/00000000-0000-0000-0000-000000000000/devices HTTP/1.1\r\n"
        "Host: 127.0.0.1\r\nX-Slow: ";

    struct Slow {
        std::unique_ptr<RawConnection> connection;
        std::size_t sent;
    };
    std::string opening_;
    std::vector<Slow> slow_;
    std::atomic<int> sending_ = 0;
    std::atomic<bool> stop_ = false;
    std::thread dribbling_;
};

}  // namespace admit::testing
