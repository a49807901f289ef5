// Waiting downloads (docs/sync.md, "Waiting downloads") against the real admit-server on
// 127.0.0.1: a waiting kiosk is answered as soon as another kiosk's check-in is stored, and
// otherwise when its wait runs out; a token is checked before any wait; the caps refuse extra
// waiters by kind; a waiter that hangs up frees its place; SIGTERM answers every waiter and the
// server exits promptly. Timings are generous bounds on behaviour (an answer within seconds
// instead of at the end of a 25 s wait), never tight figures.

#include <signal.h>
#include <sys/wait.h>

#include <set>
#include <thread>

#include "admit/sync/protocol/roster.hpp"
#include "admit_server_fixture.hpp"

namespace admit::sync {
namespace {

class WaitingDownload : public AdmitServerFixture {
  protected:
    // Another kiosk of the event, enrolled with enrolment token `index`: its device token.
    std::string enrolKiosk(std::size_t index) {
        auto plain = store::openPlainDatabase(dir.file("kiosk-" + std::to_string(index) + ".db"),
                                              store::OpenMode::kCreate);
        EXPECT_TRUE(plain.ok());
        if (!plain.ok()) return {};
        SQLite::Database replica(std::move(*plain));
        {
            auto db = serverDb();
            EXPECT_TRUE(organiser::exportReplica(db, eventId, replica).ok());
        }
        RawConnection connection(port);
        EXPECT_TRUE(connection.send(rawRequest(
            "POST", "/v1/enrol", {"Content-Type: application/json"},
            toJson(EnrolRequest{eventId, enrolmentTokens.at(index), store::deviceId(replica),
                                "Gate " + std::to_string(index)}))));
        auto enrolled = connection.readResponse();
        EXPECT_TRUE(enrolled && enrolled->status == 200);
        if (!enrolled || enrolled->status != 200) return {};
        return parseEnrolResponse(enrolled->body)->deviceToken;
    }
    void enrolSecondKiosk() {
        secondToken = enrolKiosk(1);
        ASSERT_FALSE(secondToken.empty());
    }

    std::int64_t currentRosterVersion() {
        auto db = serverDb();
        return rosterVersion(db, eventId);
    }

    // A waiting download's request: after `after`, for `seconds`, with the roster version.
    std::string waitRequest(const std::string& token, std::int64_t after, int seconds,
                            std::int64_t roster) {
        return rawRequest("GET",
                          checkinsPath(eventId) + "?after=" + std::to_string(after) + "&wait=" +
                              std::to_string(seconds) + "&roster=" + std::to_string(roster),
                          {"Authorization: Bearer " + token});
    }

    // Uploads `count` new check-ins of the first kiosk; returns their ids.
    std::vector<std::string> uploadCheckIns(int count) {
        std::vector<std::string> ids;
        auto batches = checkInBatches(count, 500);
        for (const auto& batch : batches) {
            RawConnection connection(port);
            EXPECT_TRUE(connection.send(
                rawRequest("POST", checkinsPath(eventId),
                           {authorization(), "Content-Type: application/json"}, toJson(batch))));
            auto answer = connection.readResponse();
            EXPECT_TRUE(answer && answer->status == 200);
            for (const auto& entry : batch.entries) ids.push_back(entry.recordId);
        }
        return ids;
    }

    std::string secondToken;
};

TEST_F(WaitingDownload, AnotherKiosksCheckInEndsTheWaitAtOnce) {
    startServer();
    enrolSecondKiosk();
    const std::int64_t roster = currentRosterVersion();
    RawConnection waiter(port);
    ASSERT_TRUE(waiter.send(waitRequest(secondToken, 0, 25, roster)));
    // Nothing new: the request waits.
    EXPECT_FALSE(waiter.readResponse(1500ms)) << "answered without anything new";

    auto start = Clock::now();
    auto ids = uploadCheckIns(1);
    auto answer = waiter.readResponse(10'000ms);
    ASSERT_TRUE(answer) << "the waiting download was not answered within 10 s of the upload";
    EXPECT_LT(msSince(start), 10'000.0);
    ASSERT_EQ(answer->status, 200) << answer->body;
    auto page = parseDownloadResponse(answer->body);
    ASSERT_TRUE(page.ok()) << page.error().message;
    ASSERT_EQ(page->checkins.size(), 1u);
    EXPECT_EQ(page->checkins[0].checkIn.id, ids[0]);
    EXPECT_EQ(page->rosterVersion, roster);

    // The uploading kiosk's own check-in is not news for itself: its wait runs out (1 s here)
    // and is answered with nothing, as a download without waiting would be.
    RawConnection own(port);
    ASSERT_TRUE(own.send(waitRequest(deviceToken, page->next, 1, roster)));
    auto empty = own.readResponse(10'000ms);
    ASSERT_TRUE(empty);
    ASSERT_EQ(empty->status, 200) << empty->body;
    auto emptyPage = parseDownloadResponse(empty->body);
    ASSERT_TRUE(emptyPage.ok());
    EXPECT_TRUE(emptyPage->checkins.empty());
    EXPECT_EQ(emptyPage->rosterVersion, roster);
}

// A burst of uploads wakes the event's waiters once (--wake-every): the first wake after a quiet
// interval is at once, the uploads within the interval after it reach the waiter together at
// its end. 4 s here, so that the hold is seen whatever the machine's load.
TEST_F(WaitingDownload, UploadsWithinTheWakeIntervalReachAWaiterTogetherAtItsEnd) {
    startServer({"--wake-every", "4000"});
    enrolSecondKiosk();
    const std::int64_t roster = currentRosterVersion();
    RawConnection waiter(port);
    ASSERT_TRUE(waiter.send(waitRequest(secondToken, 0, 25, roster)));
    EXPECT_FALSE(waiter.readResponse(1000ms)) << "answered without anything new";

    auto first = uploadCheckIns(1);
    auto answer = waiter.readResponse(3000ms);
    ASSERT_TRUE(answer) << "the first wake after a quiet interval was held";
    ASSERT_EQ(answer->status, 200) << answer->body;
    auto page = parseDownloadResponse(answer->body);
    ASSERT_TRUE(page.ok()) << page.error().message;
    ASSERT_EQ(page->checkins.size(), 1u);
    EXPECT_EQ(page->checkins[0].checkIn.id, first[0]);

    // The waiter asks again at once; two uploads follow within the interval. (The outbox is not
    // marked sent here: each upload repeats the ones before, already had, and adds one.)
    ASSERT_TRUE(waiter.send(waitRequest(secondToken, page->next, 25, roster)));
    const std::string second = uploadCheckIns(2).back();
    const std::string third = uploadCheckIns(3).back();
    EXPECT_FALSE(waiter.readResponse(1000ms)) << "a wake within the interval was not held";
    auto held = waiter.readResponse(10'000ms);
    ASSERT_TRUE(held) << "the held wake never came";
    ASSERT_EQ(held->status, 200) << held->body;
    auto heldPage = parseDownloadResponse(held->body);
    ASSERT_TRUE(heldPage.ok()) << heldPage.error().message;
    std::set<std::string> ids;
    for (const auto& c : heldPage->checkins) ids.insert(c.checkIn.id);
    EXPECT_EQ(ids, (std::set<std::string>{second, third}));
}

TEST_F(WaitingDownload, AChangeByTheOrganisersProcessEndsTheWait) {
    startServer();
    enrolSecondKiosk();
    const std::int64_t roster = currentRosterVersion();
    RawConnection waiter(port);
    ASSERT_TRUE(waiter.send(waitRequest(secondToken, 0, 25, roster)));
    EXPECT_FALSE(waiter.readResponse(1000ms));
    // The organiser renames the event in another connection (as `admit event ...` does from
    // its own process): a roster change the server did not make itself.
    {
        auto db = serverDb();
        db.exec("UPDATE events SET name = 'Renamed Fest' WHERE id = '" + eventId + "'");
    }
    auto answer = waiter.readResponse(10'000ms);
    ASSERT_TRUE(answer) << "the organiser's change did not end the wait within 10 s";
    ASSERT_EQ(answer->status, 200) << answer->body;
    auto page = parseDownloadResponse(answer->body);
    ASSERT_TRUE(page.ok());
    ASSERT_TRUE(page->rosterVersion);
    EXPECT_GT(*page->rosterVersion, roster);
}

// A wait is cut to the server's most (25 s): an absurd one is no overflow and no hang, and a
// negative one is refused by its field.
TEST_F(WaitingDownload, AWaitIsCutAndANegativeOneRefused) {
    startServer();
    const std::int64_t roster = currentRosterVersion();
    RawConnection huge(port);
    ASSERT_TRUE(huge.send(rawRequest("GET",
                                     checkinsPath(eventId) + "?after=0&wait=9223372036854775807" +
                                         "&roster=" + std::to_string(roster),
                                     {authorization()})));
    EXPECT_FALSE(huge.readResponse(1000ms)) << "answered without waiting";
    RawConnection negative(port);
    ASSERT_TRUE(negative.send(rawRequest(
        "GET", checkinsPath(eventId) + "?after=0&wait=-5&roster=" + std::to_string(roster),
        {authorization()})));
    auto refused = negative.readResponse(5000ms);
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 400);
    EXPECT_NE(refused->body.find("wait must be a whole number of seconds"), std::string::npos)
        << refused->body;
}

TEST_F(WaitingDownload, ATokenIsCheckedBeforeAnyWait) {
    startServer();
    const std::int64_t roster = currentRosterVersion();
    for (const std::string& header :
         {std::string("Authorization: Bearer not-a-token"), std::string()}) {
        RawConnection connection(port);
        std::vector<std::string> lines;
        if (!header.empty()) lines.push_back(header);
        auto start = Clock::now();
        ASSERT_TRUE(connection.send(rawRequest(
            "GET", checkinsPath(eventId) + "?after=0&wait=25&roster=" + std::to_string(roster),
            lines)));
        auto answer = connection.readResponse(5000ms);
        ASSERT_TRUE(answer) << "a request without a valid token was kept waiting";
        EXPECT_EQ(answer->status, 401) << answer->body;
        EXPECT_LT(msSince(start), 5000.0);
        auto body = parseErrorBody(answer->body);
        ASSERT_TRUE(body);
        EXPECT_EQ(body->kind, ErrorKind::kUnauthorised);
    }
}

TEST_F(WaitingDownload, TheCapsRefuseExtraWaitersByKind) {
    startServer({"--max-waiting", "3"});
    enrolSecondKiosk();
    const std::int64_t roster = currentRosterVersion();
    auto expectRefused = [&](const std::string& token) {
        RawConnection connection(port);
        ASSERT_TRUE(connection.send(waitRequest(token, 0, 25, roster)));
        auto answer = connection.readResponse(5000ms);
        ASSERT_TRUE(answer) << "an extra waiter was kept waiting";
        EXPECT_EQ(answer->status, 429) << answer->body;
        auto body = parseErrorBody(answer->body);
        ASSERT_TRUE(body);
        EXPECT_EQ(body->kind, ErrorKind::kTooManyWaiting);
        EXPECT_EQ(answer->headers.count("retry-after"), 0u) << "uploads must not be held back";
    };
    // Two waits per device.
    RawConnection first(port);
    RawConnection second(port);
    ASSERT_TRUE(first.send(waitRequest(deviceToken, 0, 25, roster)));
    ASSERT_TRUE(second.send(waitRequest(deviceToken, 0, 25, roster)));
    EXPECT_FALSE(first.readResponse(500ms));
    EXPECT_FALSE(second.readResponse(500ms));
    expectRefused(deviceToken);
    // Three in all: the second kiosk has one, then none.
    RawConnection third(port);
    ASSERT_TRUE(third.send(waitRequest(secondToken, 0, 25, roster)));
    EXPECT_FALSE(third.readResponse(500ms));
    expectRefused(secondToken);
    // A download without waiting is served as always.
    EXPECT_TRUE(kioskRequest(2000ms));
    RawConnection plain(port);
    ASSERT_TRUE(plain.send(rawRequest("GET", checkinsPath(eventId) + "?after=0",
                                      {"Authorization: Bearer " + secondToken})));
    auto served = plain.readResponse(5000ms);
    ASSERT_TRUE(served);
    EXPECT_EQ(served->status, 200);

    // A waiter that hangs up gives its place back.
    { RawConnection gone(std::move(third)); }
    bool waited = false;
    for (int attempt = 0; attempt < 50 && !waited; ++attempt) {
        RawConnection again(port);
        ASSERT_TRUE(again.send(waitRequest(secondToken, 0, 25, roster)));
        auto answer = again.readResponse(300ms);
        if (!answer) {
            waited = true;  // it is waiting: the place was free
        } else {
            ASSERT_EQ(answer->status, 429) << answer->body;
            std::this_thread::sleep_for(100ms);
        }
    }
    EXPECT_TRUE(waited) << "the place of a waiter that hung up was not given back";
}

TEST_F(WaitingDownload, SigtermAnswersEveryWaiterAndTheServerExitsPromptly) {
    startServer();
    // Four kiosks, each with as many waits as a device may hold (2).
    std::vector<std::string> tokens{deviceToken};
    for (std::size_t i = 1; i < 4; ++i) tokens.push_back(enrolKiosk(i));
    const std::int64_t roster = currentRosterVersion();
    std::vector<std::unique_ptr<RawConnection>> waiters;
    for (std::size_t i = 0; i < 8; ++i) {
        waiters.push_back(std::make_unique<RawConnection>(port));
        ASSERT_TRUE(waiters.back()->send(waitRequest(tokens[i / 2], 0, 25, roster)));
    }
    EXPECT_FALSE(waiters.back()->readResponse(1000ms));
    auto start = Clock::now();
    kill(server->pid(), SIGTERM);
    int answered = 0;
    for (auto& waiter : waiters) {
        auto answer = waiter->readResponse(5000ms);
        if (answer && answer->status == 200 && parseDownloadResponse(answer->body).ok()) {
            ++answered;
        }
    }
    EXPECT_EQ(answered, 8);
    EXPECT_EQ(server->stop(), 0) << server->log();
    // Not the 25 s of the waits: the server closed them.
    EXPECT_LT(msSince(start), 10'000.0);
}

}  // namespace
}  // namespace admit::sync
