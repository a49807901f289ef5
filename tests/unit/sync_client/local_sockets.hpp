#pragma once
// Loopback sockets for the transport's failure paths: a port nothing listens on, a listener
// that never accepts (the kernel completes the handshake, then nothing answers), and a server
// that answers with given bytes (garbage, nothing, half an answer, a whole one) and hangs up.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace admit::testing {

class LoopbackSocket {
  public:
    explicit LoopbackSocket(bool listening) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
        if (fd_ < 0) throw std::runtime_error("socket() failed");
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        address.sin_port = 0;
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
            throw std::runtime_error("bind() failed");
        }
        socklen_t length = sizeof address;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
        port_ = ntohs(address.sin_port);
        if (listening && ::listen(fd_, 4) != 0) throw std::runtime_error("listen() failed");
    }
    ~LoopbackSocket() { close(); }
    LoopbackSocket(const LoopbackSocket&) = delete;
    LoopbackSocket& operator=(const LoopbackSocket&) = delete;

    void close() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }
    std::uint16_t port() const { return port_; }
    int fd() const { return fd_; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  private:
    int fd_ = -1;
    std::uint16_t port_ = 0;
};

// Answers each connection's first request with the next of `replies` (raw bytes: garbage,
// nothing, half an answer, a whole one) and closes it; stops after the last reply.
class ScriptedServer {
  public:
    explicit ScriptedServer(std::vector<std::string> replies)
        : socket_(true), replies_(std::move(replies)) {
        thread_ = std::thread([this] {
            for (const std::string& reply : replies_) {
                if (!serve(reply)) return;
            }
        });
    }
    ~ScriptedServer() {
        // An accept still waiting (a test that failed early) returns: shutdown wakes it.
        ::shutdown(socket_.fd(), SHUT_RDWR);
        if (thread_.joinable()) thread_.join();
    }
    ScriptedServer(const ScriptedServer&) = delete;
    ScriptedServer& operator=(const ScriptedServer&) = delete;

    std::string url() const { return socket_.url(); }

  private:
    // Reads the request's head and as much of its body as Content-Length says, then replies.
    bool serve(const std::string& reply) {
        const int client = ::accept(socket_.fd(), nullptr, nullptr);
        if (client < 0) return false;
        std::string request;
        char buffer[4096];
        for (;;) {
            const auto headEnd = request.find("\r\n\r\n");
            if (headEnd != std::string::npos) {
                std::size_t length = 0;
                const auto at = request.find("Content-Length: ");
                if (at != std::string::npos && at < headEnd) {
                    length = std::stoul(request.substr(at + 16));
                }
                if (request.size() >= headEnd + 4 + length) break;
            }
            const ssize_t n = ::read(client, buffer, sizeof buffer);
            if (n <= 0) break;
            request.append(buffer, static_cast<std::size_t>(n));
        }
        std::size_t sent = 0;
        while (sent < reply.size()) {
            const ssize_t n = ::write(client, reply.data() + sent, reply.size() - sent);
            if (n <= 0) break;
            sent += static_cast<std::size_t>(n);
        }
        ::close(client);
        return true;
    }

    LoopbackSocket socket_;
    std::vector<std::string> replies_;
    std::thread thread_;
};

// A whole HTTP answer with a JSON body, after which the server closes the connection.
inline std::string jsonAnswer(const std::string& body) {
    return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
           "Content-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
}

// A loopback URL whose port was just bound and released, so connecting to it is refused.
inline std::string refusedUrl() {
    LoopbackSocket socket(false);
    socket.close();
    return socket.url();
}

}  // namespace admit::testing
