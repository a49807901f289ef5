#pragma once
// The real admit-server program, started on a free loopback port for a test: waits for its
// {"listening": "HOST:PORT"} line, and can be stopped (SIGTERM), frozen (SIGSTOP) and
// restarted on the same port. Its standard error goes to a log file the test can show.
// Shared by the sync, server and replica-sharing integration tests.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace admit::testing {

class ServerProcess {
  public:
    // `extraArgs` go after the usual ones (e.g. {"--max-connections", "50"}). `program` is
    // admit-server unless another program with the same arguments and ready line is given (a
    // benchmark's peer).
    ServerProcess(std::string db, std::string keyFile, std::string logFile,
                  std::vector<std::string> extraArgs = {}, std::string program = defaultProgram())
        : db_(std::move(db)),
          keyFile_(std::move(keyFile)),
          logFile_(std::move(logFile)),
          extraArgs_(std::move(extraArgs)),
          program_(std::move(program)) {}
    ~ServerProcess() { stop(); }
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;

    // Starts the server on `listen` (a free port by default, or the port it had before, so a
    // kiosk's stored URL keeps working) and waits until it is listening.
    void start(const std::string& listen = "127.0.0.1:0") {
        if (pid_ > 0) throw std::logic_error("admit-server is already running");
        std::vector<std::string> words{program_, "--db",     db_,   "--key-file",
                                       keyFile_, "--listen", listen};
        words.insert(words.end(), extraArgs_.begin(), extraArgs_.end());
        std::vector<char*> argv;
        for (auto& w : words) argv.push_back(w.data());
        argv.push_back(nullptr);
        int out[2];
        if (pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe2() failed");
        int logFd = open(logFile_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        pid_ = fork();
        if (pid_ == 0) {
            dup2(out[1], STDOUT_FILENO);
            dup2(logFd, STDERR_FILENO);
            execv(argv[0], argv.data());
            _exit(127);
        }
        close(out[1]);
        close(logFd);
        stdout_ = out[0];
        std::string line = readLine(std::chrono::seconds(20));
        auto ready = nlohmann::json::parse(line, nullptr, false);
        if (!ready.is_object() || !ready.contains("listening")) {
            stop();
            throw std::runtime_error("admit-server did not start: '" + line + "'\n" + log());
        }
        address_ = ready["listening"].get<std::string>();
        url_ = ready.contains("url") ? ready["url"].get<std::string>() : "http://" + address_;
    }

    // SIGTERM, then waits for it to exit. Returns its exit status (-1 if it was not running).
    int stop() {
        if (pid_ <= 0) return -1;
        resume();
        kill(pid_, SIGTERM);
        int status = 0;
        waitpid(pid_, &status, 0);
        pid_ = -1;
        if (stdout_ >= 0) close(stdout_);
        stdout_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }

    void restart() {
        stop();
        start(address_);
    }

    // A frozen server accepts connections (the kernel does) but never answers. Returns once
    // every thread of it has stopped: kill() only asks, and a request sent at once could still
    // be answered by a thread that was running (seen under ASan on a busy machine).
    void freeze() {
        kill(pid_, SIGSTOP);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (!allThreadsStopped() && std::chrono::steady_clock::now() < deadline) {
            usleep(1000);
        }
    }
    void resume() {
        if (pid_ > 0) kill(pid_, SIGCONT);
    }

    // http://HOST:PORT, or https:// for a server started with --tls-cert.
    std::string url() const { return url_; }
    int port() const { return std::stoi(address_.substr(address_.rfind(':') + 1)); }
    pid_t pid() const { return pid_; }
    // False once it has exited (a crash included); crashSignal() then names the signal.
    bool running() {
        if (pid_ <= 0) return false;
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) != pid_) return true;
        crashSignal_ = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
        pid_ = -1;
        if (stdout_ >= 0) close(stdout_);
        stdout_ = -1;
        return false;
    }
    int crashSignal() const { return crashSignal_; }

    // A figure of /proc/PID/status in KiB ("VmRSS", or "VmHWM", the peak), -1 if unreadable.
    long memoryKib(const std::string& field) const {
        std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
        std::string line;
        while (std::getline(in, line)) {
            if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
        }
        return -1;
    }

    std::string log() const {
        std::ifstream in(logFile_);
        std::stringstream text;
        text << in.rdbuf();
        return text.str();
    }

  private:
    // Every thread's state in /proc/PID/task/TID/stat is T (stopped).
    bool allThreadsStopped() const {
        const std::filesystem::path tasks = "/proc/" + std::to_string(pid_) + "/task";
        std::error_code ec;
        bool any = false;
        for (const auto& task : std::filesystem::directory_iterator(tasks, ec)) {
            std::ifstream in(task.path() / "stat");
            std::string stat((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
            // "TID (comm) S ...": the state follows the last ')'.
            const auto close = stat.rfind(')');
            if (close == std::string::npos || close + 2 >= stat.size()) return false;
            if (stat[close + 2] != 'T' && stat[close + 2] != 't') return false;
            any = true;
        }
        return any && !ec;
    }

    static std::string defaultProgram() {
#ifdef ADMIT_SERVER_PATH
        return ADMIT_SERVER_PATH;
#else
        return "admit-server";
#endif
    }

    std::string readLine(std::chrono::milliseconds timeout) {
        std::string line;
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (line.find('\n') == std::string::npos) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) break;
            pollfd p{stdout_, POLLIN, 0};
            if (poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
            char buffer[256];
            ssize_t n = read(stdout_, buffer, sizeof buffer);
            if (n <= 0) break;
            line.append(buffer, static_cast<std::size_t>(n));
        }
        return line.substr(0, line.find('\n'));
    }

    std::string db_;
    std::string keyFile_;
    std::string logFile_;
    std::vector<std::string> extraArgs_;
    std::string program_;
    std::string address_;
    std::string url_;
    pid_t pid_ = -1;
    int stdout_ = -1;
    int crashSignal_ = 0;
};

}  // namespace admit::testing
