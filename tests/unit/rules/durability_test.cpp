// A check-in reported accepted survives the process being killed right after (kill -9).

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <string>

#include <gtest/gtest.h>

#include "admit/store/checkin_log.hpp"
#include "rules_fixture.hpp"

namespace admit::rules {
namespace {

using DurabilityTest = admit::testing::RulesFixture;

TEST_F(DurabilityTest, AcceptedCheckInSurvivesKill9RightAfterTheVerdict) {
    std::vector<std::string> tickets;
    for (int i = 0; i < 5; ++i) {
        tickets.push_back(ticketOf(
            addAttendee("Guest " + std::to_string(i), 1, store::AttendeeStatus::kApproved)));
    }
    std::string path = dir.file("org.db");
    engine.reset();
    db.reset();

    for (const std::string& text : tickets) {
        std::array<int, 2> pipeFds{};
        ASSERT_EQ(pipe(pipeFds.data()), 0);
        pid_t child = fork();
        ASSERT_GE(child, 0);
        if (child == 0) {
            close(pipeFds[0]);
            auto opened = store::openPlainDatabase(path, store::OpenMode::kExisting);
            if (!opened) _exit(2);
            CheckInEngine childEngine(*opened);
            auto verdict = childEngine.scan(text, at());
            std::string line = verdict.ok() && verdict->accepted ? verdict->checkIn->id : "DENIED";
            line += "\n";
            if (write(pipeFds[1], line.data(), line.size()) < 0) _exit(3);
            pause();  // wait to be killed
            _exit(0);
        }
        close(pipeFds[1]);
        std::string reported;
        char c = 0;
        while (read(pipeFds[0], &c, 1) == 1 && c != '\n') reported.push_back(c);
        kill(child, SIGKILL);
        int status = 0;
        waitpid(child, &status, 0);
        close(pipeFds[0]);
        ASSERT_TRUE(WIFSIGNALED(status));
        ASSERT_NE(reported, "DENIED");
        ASSERT_EQ(reported.size(), 36u) << reported;

        auto reopened = store::openPlainDatabase(path, store::OpenMode::kExisting);
        ASSERT_TRUE(reopened.ok());
        SQLite::Statement q(*reopened, "SELECT verdict FROM checkins WHERE id = ?");
        q.bind(1, reported);
        ASSERT_TRUE(q.executeStep()) << "check-in " << reported << " was lost";
        EXPECT_EQ(q.getColumn(0).getString(), "accepted");
        EXPECT_EQ(reopened->execAndGet("PRAGMA integrity_check").getString(), "ok");
    }
}

}  // namespace
}  // namespace admit::rules
