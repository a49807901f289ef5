// The benchmark's peer: the sync server's enrolment, upload, download and devices routes on
// cpp-httplib 0.11 (Debian's), made as robust as its interface allows, as the alternative to the
// event-driven server that docs/sync.md compares it with. Same arguments and ready line as
// admit-server, plus --threads N (the worker pool; one connection holds one worker for as long
// as it stays open).
//
// What it does against issue 12: a pool of N workers, a 1 s read timeout and a 1 s keep-alive
// timeout, an 8 MiB body limit, and a pre-routing check (after the head is read, before the
// body) that refuses compressed and chunked bodies, more than 100 header fields and a second
// Content-Length. What it cannot do: a deadline for a whole request (the read timeout applies
// to each receive, so a byte every 0.9 s holds a worker for ever), a cap on the number of header
// fields while they arrive, or freeing a worker from a slow client for a new one.

#include <pthread.h>
#include <signal.h>

#include <httplib.h>

#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "admit/replica/replica.hpp"
#include "admit/replica/replica_key.hpp"
#include "admit/store/clock.hpp"
#include "admit/store/schema.hpp"
#include "admit/store/store.hpp"
#include "admit/sync/protocol/messages.hpp"
#include "admit/sync/store/server_store.hpp"

namespace {

using namespace admit::sync;

void reply(httplib::Response& res, int status, const std::string& body) {
    res.status = status;
    res.set_content(body, "application/json");
}

void replyError(httplib::Response& res, int status, const std::string& sentence) {
    reply(res, status, errorJson(sentence));
}

std::string bearer(const httplib::Request& req) {
    std::string value = req.get_header_value("Authorization");
    return value.rfind("Bearer ", 0) == 0 ? value.substr(7) : std::string();
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> words(argv + 1, argv + argc);
    std::string db, keyFile, listen = "127.0.0.1:0";
    std::size_t threads = 64;
    for (std::size_t i = 0; i + 1 < words.size(); i += 2) {
        if (words[i] == "--db") db = words[i + 1];
        if (words[i] == "--key-file") keyFile = words[i + 1];
        if (words[i] == "--listen") listen = words[i + 1];
        if (words[i] == "--threads") threads = std::stoul(words[i + 1]);
    }
    auto key = admit::replica::loadKeyFile(keyFile);
    if (!key) return std::cerr << key.error().message << "\n", 1;
    auto opened = admit::replica::openReplica(db, *key, admit::replica::OpenMode::kReadWrite);
    if (!opened) return std::cerr << opened.error().message << "\n", 1;
    SQLite::Database& database = *opened;
    admit::store::applyConnectionSettings(database);
    if (!admit::store::migrate(database)) return 1;

    sigset_t stopSignals;
    sigemptyset(&stopSignals);
    sigaddset(&stopSignals, SIGTERM);
    sigaddset(&stopSignals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);

    std::mutex dbMutex;
    httplib::Server http;
    http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    http.set_read_timeout(1);
    http.set_write_timeout(5);
    http.set_keep_alive_timeout(1);
    http.set_keep_alive_max_count(5);
    http.set_payload_max_length(kMaxBodyBytes);
    http.set_socket_options([](socket_t sock) {
        int yes = 1;
        setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    http.set_pre_routing_handler([](const httplib::Request& req, httplib::Response& res) {
        if (req.has_header("Content-Encoding")) {
            replyError(res, 415, "request bodies must not be compressed");
        } else if (req.has_header("Transfer-Encoding")) {
            replyError(res, 411, "a body needs a Content-Length");
        } else if (req.headers.size() > 100) {
            replyError(res, 431, "more than 100 header fields");
        } else if (req.get_header_value_count("Content-Length") > 1) {
            replyError(res, 400, "more than one Content-Length field");
        } else {
            return httplib::Server::HandlerResponse::Unhandled;
        }
        return httplib::Server::HandlerResponse::Handled;
    });
    http.Post(std::string(kEnrolPath), [&](const httplib::Request& req, httplib::Response& res) {
        auto request = parseEnrolRequest(req.body);
        if (!request) return replyError(res, 400, request.error().message);
        std::lock_guard lock(dbMutex);
        auto response = ServerStore(database).enrol(*request, admit::store::systemTimeMs());
        if (!response) {
            return replyError(res, httpStatus(response.error().kind), response.error().message);
        }
        reply(res, 200, toJson(*response));
    });
    auto authenticate = [&](const httplib::Request& req, httplib::Response& res) {
        auto device = ServerStore(database).authenticate(bearer(req), req.matches[1].str(),
                                                         admit::store::systemTimeMs());
        if (!device) replyError(res, httpStatus(device.error().kind), device.error().message);
        return device.ok() ? std::optional<AuthenticatedDevice>(*device) : std::nullopt;
    };
    const std::string checkins = "/v1/events/([^/]+)/checkins";
    http.Post(checkins, [&](const httplib::Request& req, httplib::Response& res) {
        std::lock_guard lock(dbMutex);
        auto device = authenticate(req, res);
        if (!device) return;
        auto request = parseUploadRequest(req.body);
        if (!request) return replyError(res, 400, request.error().message);
        auto response =
            ServerStore(database).upload(*device, *request, admit::store::systemTimeMs());
        if (!response) {
            return replyError(res, httpStatus(response.error().kind), response.error().message);
        }
        reply(res, 200, toJson(*response));
    });
    http.Get(checkins, [&](const httplib::Request& req, httplib::Response& res) {
        std::int64_t after = req.has_param("after") ? std::stoll(req.get_param_value("after")) : 0;
        std::int64_t limit = req.has_param("limit") ? std::stoll(req.get_param_value("limit"))
                                                    : kDefaultDownloadLimit;
        std::lock_guard lock(dbMutex);
        auto device = authenticate(req, res);
        if (!device) return;
        auto response =
            ServerStore(database).download(*device, after, limit, admit::store::systemTimeMs());
        if (!response) {
            return replyError(res, httpStatus(response.error().kind), response.error().message);
        }
        reply(res, 200, toJson(*response));
    });
    http.Get("/v1/events/([^/]+)/devices",
             [&](const httplib::Request& req, httplib::Response& res) {
                 std::lock_guard lock(dbMutex);
                 auto device = authenticate(req, res);
                 if (!device) return;
                 reply(res, 200, toJson(ServerStore(database).devices(*device)));
             });

    std::string host = listen.substr(0, listen.rfind(':'));
    int port = std::stoi(listen.substr(listen.rfind(':') + 1));
    int bound =
        port == 0 ? http.bind_to_any_port(host) : (http.bind_to_port(host, port) ? port : -1);
    if (bound <= 0) return std::cerr << "cannot listen on " << listen << "\n", 1;
    std::thread serving([&] { http.listen_after_bind(); });
    std::cout << nlohmann::json{{"listening", host + ":" + std::to_string(bound)}}.dump()
              << std::endl;
    int received = 0;
    sigwait(&stopSignals, &received);
    while (!http.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    http.stop();
    serving.join();
    return 0;
}
