// The real admit-kiosk --headless under a stand-in for systemd: a unix datagram socket named by
// $NOTIFY_SOCKET, as the service manager gives it. The kiosk says READY=1 once it prints its
// ready line and WATCHDOG=1 while it runs, from its own process. Its verdict lines leave names
// and attention notes out when its output is the journal.

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "admit/demo/demo_event.hpp"
#include "admit/demo/demo_frames.hpp"
#include "child_process.hpp"
#include "temp_dir.hpp"

namespace admit::kiosk::testing {
namespace {

using namespace std::chrono_literals;

struct Notification {
    std::string state;
    pid_t sender = 0;
};

// The service manager's end: a datagram socket that reads who sent each message.
class NotifySocket {
  public:
    explicit NotifySocket(const std::filesystem::path& path) : path_(path) {
        fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        if (path.string().size() >= sizeof address.sun_path) return;
        std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
        int on = 1;
        setsockopt(fd_, SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
        bound_ = bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    }
    ~NotifySocket() {
        if (fd_ >= 0) close(fd_);
    }
    NotifySocket(const NotifySocket&) = delete;
    NotifySocket& operator=(const NotifySocket&) = delete;

    bool bound() const { return bound_; }
    std::optional<Notification> receive(std::chrono::milliseconds timeout) {
        pollfd p{fd_, POLLIN, 0};
        if (poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return std::nullopt;
        char data[4096];
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(ucred))];
        iovec io{data, sizeof data};
        msghdr message{};
        message.msg_iov = &io;
        message.msg_iovlen = 1;
        message.msg_control = control;
        message.msg_controllen = sizeof control;
        auto n = recvmsg(fd_, &message, 0);
        if (n < 0) return std::nullopt;
        Notification got{std::string(data, static_cast<std::size_t>(n)), 0};
        for (cmsghdr* c = CMSG_FIRSTHDR(&message); c; c = CMSG_NXTHDR(&message, c)) {
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
                ucred credentials{};
                std::memcpy(&credentials, CMSG_DATA(c), sizeof credentials);
                got.sender = credentials.pid;
            }
        }
        return got;
    }

  private:
    std::filesystem::path path_;
    int fd_ = -1;
    bool bound_ = false;
};

bool hasLine(const std::string& state, const std::string& line) {
    return ("\n" + state + "\n").find("\n" + line + "\n") != std::string::npos;
}

class ServiceNotifyTest : public ::testing::Test {
  protected:
    void SetUp() override {
        auto provisioned = provisionDemo(dir_.path(), 1'790'000'000'000);
        ASSERT_TRUE(provisioned) << provisioned.error().message;
        demo_ = *provisioned;
        // About two seconds at 10 fps: a ticket held up, then the empty view.
        auto written = writeDemoFrames({{demo_.event.tickets.at(0).text, "", false}},
                                       dir_ / "frames", {5, 15, {320, 240}});
        ASSERT_TRUE(written) << written.error().message;
        ASSERT_TRUE(socket_.bound()) << "cannot bind " << (dir_ / "notify");
        setenv("NOTIFY_SOCKET", (dir_ / "notify").c_str(), 1);
        setenv("WATCHDOG_USEC", "200000", 1);  // a ping every 50 ms
        unsetenv("WATCHDOG_PID");
    }
    void TearDown() override {
        unsetenv("NOTIFY_SOCKET");
        unsetenv("WATCHDOG_USEC");
        unsetenv("WATCHDOG_PID");
    }

    std::vector<std::string> kioskArguments() {
        return {ADMIT_KIOSK_BIN,
                "--headless",
                "--db",
                demo_.replica.string(),
                "--key-file",
                demo_.keyFile.string(),
                "--source-folder",
                (dir_ / "frames").string(),
                "--fps",
                "10"};
    }

    // Everything the kiosk sent until it exited, and its standard output's lines.
    void runKiosk() {
        admit::testing::Child kiosk(kioskArguments(), dir_ / "stderr");
        ASSERT_TRUE(kiosk.started());
        pid_ = kiosk.pid();
        auto giveUp = std::chrono::steady_clock::now() + 60s;
        while (std::chrono::steady_clock::now() < giveUp) {
            if (auto line = kiosk.readLine(10ms)) lines_.push_back(*line);
            while (auto got = socket_.receive(0ms)) received_.push_back(*got);
            if (!kiosk.running()) break;
        }
        while (auto line = kiosk.readLine(100ms)) lines_.push_back(*line);
        while (auto got = socket_.receive(0ms)) received_.push_back(*got);
        EXPECT_EQ(kiosk.wait(), 0);
    }
    int count(const std::string& line) const {
        int n = 0;
        for (const auto& r : received_) n += hasLine(r.state, line) ? 1 : 0;
        return n;
    }
    std::size_t indexOf(const std::string& line) const {
        for (std::size_t i = 0; i < received_.size(); ++i) {
            if (hasLine(received_[i].state, line)) return i;
        }
        return received_.size();
    }

    admit::testing::TempDir dir_;
    DemoProvision demo_;
    NotifySocket socket_{dir_ / "notify"};
    pid_t pid_ = 0;
    std::vector<std::string> lines_;
    std::vector<Notification> received_;
};

TEST_F(ServiceNotifyTest, ReadyOnceItCanScanThenWatchdogPingsFromTheKioskItself) {
    runKiosk();
    ASSERT_GE(lines_.size(), 2U);
    EXPECT_EQ(nlohmann::json::parse(lines_[0])["kind"], "ready");
    EXPECT_EQ(nlohmann::json::parse(lines_[1])["code"], "accepted");

    EXPECT_EQ(count("READY=1"), 1);
    std::size_t ready = indexOf("READY=1");
    ASSERT_LT(ready, received_.size());
    EXPECT_TRUE(
        hasLine(received_[ready].state, "STATUS=Ready: scanning, " + demo_.event.eventName));
    // Pings all along (every 50 ms for about two seconds), and some after READY=1.
    EXPECT_GE(count("WATCHDOG=1"), 5);
    bool pingAfterReady = false;
    for (std::size_t i = ready + 1; i < received_.size(); ++i) {
        pingAfterReady = pingAfterReady || hasLine(received_[i].state, "WATCHDOG=1");
    }
    EXPECT_TRUE(pingAfterReady);
    EXPECT_EQ(indexOf("STOPPING=1"), received_.size() - 1);
    EXPECT_EQ(count("STATUS=Running"), 0);  // nothing stalled, so no recovery either
    for (const auto& r : received_) EXPECT_EQ(r.sender, pid_) << r.state;
}

TEST_F(ServiceNotifyTest, NoPingsWhenSystemdAskedAnotherProcess) {
    setenv("WATCHDOG_PID", "1", 1);  // neither the kiosk nor the test that started it
    runKiosk();
    EXPECT_EQ(count("READY=1"), 1);
    EXPECT_EQ(count("WATCHDOG=1"), 0);
}

TEST_F(ServiceNotifyTest, NothingBreaksWithoutAServiceManager) {
    unsetenv("NOTIFY_SOCKET");
    runKiosk();
    EXPECT_TRUE(received_.empty());
    ASSERT_GE(lines_.size(), 2U);
    auto verdict = nlohmann::json::parse(lines_[1]);
    EXPECT_EQ(verdict["code"], "accepted");
    // Output that is not the journal (a pipe, a terminal) names the attendee.
    EXPECT_EQ(verdict["name"], demo_.event.tickets.at(0).name);
}

TEST_F(ServiceNotifyTest, VerdictLinesInTheJournalLeaveOutNamesAndNotes) {
    // As systemd runs the unit: stdout connected to the journal, which JOURNAL_STREAM names by
    // device and inode. A file stands in for the journal's stream.
    unsetenv("NOTIFY_SOCKET");
    const auto out = dir_ / "journal.jsonl";
    { std::ofstream create(out); }
    struct stat st {};
    ASSERT_EQ(stat(out.c_str(), &st), 0);
    std::string command =
        "JOURNAL_STREAM=" + std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
    for (const auto& argument : kioskArguments()) command += " '" + argument + "'";
    command += " >> '" + out.string() + "' 2> '" + (dir_ / "stderr").string() + "'";
    ASSERT_EQ(std::system(command.c_str()), 0);
    std::ifstream in(out);
    std::vector<nlohmann::json> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
    ASSERT_GE(lines.size(), 2U);
    EXPECT_EQ(lines[1]["code"], "accepted");
    EXPECT_EQ(lines[1]["ticket_ref"], demo_.event.tickets.at(0).ticketRef);
    EXPECT_FALSE(lines[1].contains("name")) << lines[1].dump();
    EXPECT_FALSE(lines[1].contains("note")) << lines[1].dump();
}

}  // namespace
}  // namespace admit::kiosk::testing
