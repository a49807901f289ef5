// Venue relays (docs/sync.md, "Venue relay") as real processes on 127.0.0.1: a central
// admit-server, two relays (admit-server --upstream) and protocol-level kiosks (SyncClient on
// their own replicas) on each. The upstream is cut and restored, a relay is killed with SIGKILL
// mid-upload and started again, and at the end every party holds exactly the same check-ins.

#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include "admit/organiser/event_admin.hpp"
#include "admit/replica/replica.hpp"
#include "admit/replica/replica_key.hpp"
#include "admit/store/checkin_log.hpp"
#include "admit/store/clock.hpp"
#include "admit/store/hybrid_logical_clock.hpp"
#include "admit/store/operators.hpp"
#include "admit/store/outbox.hpp"
#include "admit/store/schema.hpp"
#include "admit/store/store.hpp"
#include "admit/sync/client/sync_client.hpp"
#include "admit/sync/client/sync_state.hpp"
#include "admit/sync/store/device_registry.hpp"
#include "admit/sync/store/enrolment_tokens.hpp"
#include "server_process.hpp"
#include "temp_dir.hpp"

namespace admit::sync {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using Ids = std::set<std::string>;

struct Relay {
    std::string name;
    std::unique_ptr<admit::testing::ServerProcess> process;
    std::unique_ptr<SQLite::Database> db;  // opened beside the running relay, as `admit` does
    int port = 0;
};

struct Kiosk {
    std::string name;
    Relay* relay = nullptr;
    std::unique_ptr<SQLite::Database> db;
};

class VenueRelay : public ::testing::Test {
  protected:
    void SetUp() override {
        auto key = replica::ReplicaKey::generate();
        ASSERT_TRUE(replica::writeKeyFile(dir / "central.key", key).ok());
        auto opened = replica::openReplica(dir / "central.db", key, replica::OpenMode::kCreate);
        ASSERT_TRUE(opened.ok()) << opened.error().message;
        org = std::make_unique<SQLite::Database>(std::move(*opened));
        store::applyConnectionSettings(*org);
        ASSERT_TRUE(store::migrate(*org).ok());
        auto event = organiser::createEvent(*org, {"Relay Fest"}, store::systemTimeMs());
        ASSERT_TRUE(event.ok()) << event.error().message;
        eventId = event->id;
        central = std::make_unique<admit::testing::ServerProcess>(
            dir.file("central.db"), dir.file("central.key"), dir.file("central.log"));
        central->start();
    }

    void TearDown() override {
        if (!HasFailure()) return;
        std::cerr << "central log:\n" << central->log();
        for (auto& relay : relays) std::cerr << relay->name << " log:\n" << relay->process->log();
    }

    // A relay enrolled with its own set-up code (admit setup-code --relay), its roster there.
    Relay& startRelay(const std::string& name) {
        auto relay = std::make_unique<Relay>();
        relay->name = name;
        auto key = replica::ReplicaKey::generate();
        EXPECT_TRUE(replica::writeKeyFile(dir / (name + ".key"), key).ok());
        const std::string token = newSecretToken();
        auto code = organiser::onlineSetupCode(*org, eventId, central->url(), token);
        EXPECT_TRUE(code.ok());
        EXPECT_TRUE(
            EnrolmentTokens(*org).add(eventId, token, store::systemTimeMs(), DeviceRole::kRelay));
        {
            std::ofstream out(dir / (name + ".code"));
            out << *code << "\n";
        }
        chmod(dir.file(name + ".code").c_str(), 0600);
        relay->process = std::make_unique<admit::testing::ServerProcess>(
            dir.file(name + ".db"), dir.file(name + ".key"), dir.file(name + ".log"),
            std::vector<std::string>{"--upstream", central->url(), "--upstream-code-file",
                                     dir.file(name + ".code"), "--name", name});
        relay->process->start();
        relay->port = relay->process->port();
        auto db = replica::openReplica(dir / (name + ".db"), key, replica::OpenMode::kReadWrite);
        EXPECT_TRUE(db.ok());
        relay->db = std::make_unique<SQLite::Database>(std::move(*db));
        store::applyConnectionSettings(*relay->db);
        const auto deadline = Clock::now() + 15s;
        while (count(*relay->db, "SELECT count(*) FROM events") == 0 && Clock::now() < deadline) {
            std::this_thread::sleep_for(50ms);
        }
        EXPECT_EQ(count(*relay->db, "SELECT count(*) FROM events"), 1) << "no roster at " << name;
        relays.push_back(std::move(relay));
        return *relays.back();
    }

    // SIGKILL, then the same relay again on the same port (its kiosks keep their URL).
    void killAndRestart(Relay& relay) {
        ASSERT_EQ(kill(relay.process->pid(), SIGKILL), 0);
        relay.process->stop();  // reaps it
        relay.process->start("127.0.0.1:" + std::to_string(relay.port));
    }

    // A kiosk enrolled at the relay with a code the venue printed from the relay's database.
    Kiosk& newKiosk(const std::string& name, Relay& relay) {
        auto kiosk = std::make_unique<Kiosk>();
        kiosk->name = name;
        kiosk->relay = &relay;
        auto opened = store::openPlainDatabase(dir.file(name + ".db"), store::OpenMode::kCreate);
        EXPECT_TRUE(opened.ok());
        kiosk->db = std::make_unique<SQLite::Database>(std::move(*opened));
        EXPECT_TRUE(store::migrate(*kiosk->db).ok());
        auto token = EnrolmentTokens(*relay.db).issue(eventId, store::systemTimeMs());
        EXPECT_TRUE(token.ok()) << token.error().message;
        auto enrolled = SyncClient(relay.process->url())
                            .enrol({eventId, *token, store::deviceId(*kiosk->db), name});
        EXPECT_TRUE(enrolled.ok()) << enrolled.error().message;
        saveEnrolment(*kiosk->db, relay.process->url(), enrolled->deviceToken);
        kiosks.push_back(std::move(kiosk));
        auto first = round(*kiosks.back());
        EXPECT_TRUE(first.ok()) << first.error().step << ": " << first.error().message;
        return *kiosks.back();
    }

    Result<RoundReport, SyncError> round(Kiosk& k) {
        return SyncClient(k.relay->process->url())
            .runRound(*k.db, eventId, k.name, store::systemTimeMs());
    }

    // Check-ins recorded at the kiosk's door (outbox entries), remembered as made.
    std::vector<std::string> record(Kiosk& k, int n, const std::string& ref = "") {
        std::vector<std::string> ids;
        SQLite::Transaction transaction(*k.db);
        store::HybridLogicalClock clock(*k.db);
        store::CheckInLog log(*k.db, clock);
        for (int i = 0; i < n; ++i) {
            const std::string ticket = ref.empty() ? k.name + "-" + std::to_string(serial++) : ref;
            auto made = log.append(
                {eventId, ticket, std::nullopt, k.name, store::Direction::kEntry, "olga"},
                store::systemTimeMs());
            ids.push_back(made.id);
            madeIds.insert(made.id);
        }
        transaction.commit();
        return ids;
    }

    Ids idsOf(SQLite::Database& db) {
        Ids ids;
        SQLite::Statement q(db, "SELECT id FROM checkins WHERE event_id = ?");
        q.bind(1, eventId);
        while (q.executeStep()) ids.insert(q.getColumn(0).getString());
        return ids;
    }

    static std::int64_t count(SQLite::Database& db, const std::string& sql) {
        return db.execAndGet(sql).getInt64();
    }

    // `from` records a check-in while `to` keeps a waiting download at their relay; returns how
    // long until `to` holds it (the wait answered, then a round), or nullopt if it never did.
    std::optional<double> propagation(Kiosk& from, Kiosk& to) {
        auto wait = SyncClient::prepareWait(*to.db, eventId);
        EXPECT_TRUE(wait);
        if (!wait) return std::nullopt;
        wait->wait = 10s;
        const std::string url = to.relay->process->url();
        auto waiting = std::async(std::launch::async, [url, request = *wait] {
            return SyncClient(url).waitForNews(request);
        });
        std::this_thread::sleep_for(200ms);  // the download is waiting at the relay
        const auto start = Clock::now();
        const std::string id = record(from, 1).front();
        auto uploaded = round(from);
        EXPECT_TRUE(uploaded.ok()) << uploaded.error().step << ": " << uploaded.error().message;
        auto outcome = waiting.get();
        EXPECT_TRUE(outcome.ok() && *outcome == WaitOutcome::kNews);
        auto fetched = round(to);
        EXPECT_TRUE(fetched.ok()) << fetched.error().step << ": " << fetched.error().message;
        if (!idsOf(*to.db).contains(id)) return std::nullopt;
        return std::chrono::duration<double>(Clock::now() - start).count();
    }

    // Rounds on every kiosk until every party holds exactly the check-ins made, or 45 s pass.
    bool converge() {
        const auto deadline = Clock::now() + 45s;
        while (Clock::now() < deadline) {
            for (auto& k : kiosks) (void)round(*k);
            bool same = idsOf(*org) == madeIds;
            for (auto& relay : relays) same = same && idsOf(*relay->db) == madeIds;
            for (auto& k : kiosks) same = same && idsOf(*k->db) == madeIds;
            if (same) return true;
            std::this_thread::sleep_for(300ms);
        }
        return false;
    }

    admit::testing::TempDir dir;
    std::unique_ptr<SQLite::Database> org;
    std::string eventId;
    std::unique_ptr<admit::testing::ServerProcess> central;
    std::vector<std::unique_ptr<Relay>> relays;
    std::vector<std::unique_ptr<Kiosk>> kiosks;
    Ids madeIds;
    int serial = 0;
};

TEST_F(VenueRelay, KiosksOfARelaySeeEachOtherWithoutTheUpstreamAndEveryPartyConverges) {
    Relay& hall = startRelay("hall");
    Relay& annex = startRelay("annex");
    Kiosk& a1 = newKiosk("a1", hall);
    Kiosk& a2 = newKiosk("a2", hall);
    Kiosk& b1 = newKiosk("b1", annex);
    Kiosk& b2 = newKiosk("b2", annex);

    // Online: a check-in at one venue reaches the other through the upstream.
    record(a1, 3);
    record(b1, 2);
    ASSERT_TRUE(round(a1).ok());
    ASSERT_TRUE(round(b1).ok());
    ASSERT_TRUE(converge()) << "online, the parties did not converge";
    // The upstream knows the relays' kiosks as theirs.
    auto a1AtCentral = DeviceRegistry(*org).find(store::deviceId(*a1.db));
    ASSERT_TRUE(a1AtCentral);
    ASSERT_TRUE(a1AtCentral->relayId);
    EXPECT_EQ(*a1AtCentral->relayId, store::deviceId(*hall.db));

    // A roster change at the organiser's reaches the relays' kiosks, through the relay's own
    // change log (a relay's copy of the roster keeps one) and with the operator allowed there.
    ASSERT_TRUE(store::Operators(*org).set("olga", store::Role::kVolunteer, "2468").ok());
    ASSERT_TRUE(store::Operators(*org).allowAtEvent("olga", eventId).ok());
    const std::string olga = "SELECT count(*) FROM operators WHERE name = 'olga'";
    const auto rosterDeadline = Clock::now() + 15s;
    while ((count(*a1.db, olga) == 0 || count(*b2.db, olga) == 0) &&
           Clock::now() < rosterDeadline) {
        (void)round(a1);
        (void)round(b2);
        std::this_thread::sleep_for(100ms);
    }
    EXPECT_EQ(count(*a1.db, olga), 1);
    EXPECT_EQ(count(*b2.db, olga), 1);
    EXPECT_EQ(count(*hall.db, "SELECT count(*) FROM meta WHERE key = 'roster.copy'"), 0);
    EXPECT_GT(count(*hall.db, "SELECT count(*) FROM roster_changes WHERE tbl = 'operators'"), 0);
    EXPECT_EQ(count(*a1.db, "SELECT count(*) FROM meta WHERE key = 'roster.copy'"), 1);

    // The upstream is cut: kiosks on one relay still see each other within 2 s.
    ASSERT_GE(central->stop(), 0);
    for (auto [from, to] : {std::pair{&a1, &a2}, std::pair{&a2, &a1}, std::pair{&b2, &b1}}) {
        auto seen = propagation(*from, *to);
        ASSERT_TRUE(seen) << to->name << " never saw " << from->name << "'s check-in";
        EXPECT_LT(*seen, 2.0) << from->name << " -> " << to->name;
    }
    // The same ticket admitted at both venues while they cannot see each other.
    record(a1, 1, "shared-ticket");
    record(b1, 1, "shared-ticket");
    ASSERT_TRUE(round(a1).ok());
    ASSERT_TRUE(round(b1).ok());

    // SIGKILL of a relay while a kiosk uploads 700 check-ins to it: nothing lost or doubled.
    record(a2, 700);
    auto uploading = std::async(std::launch::async, [&] { return round(a2); });
    std::this_thread::sleep_for(30ms);
    killAndRestart(hall);
    (void)uploading.get();
    for (int i = 0; i < 20 && store::Outbox(*a2.db).pendingCount() > 0; ++i) (void)round(a2);
    EXPECT_EQ(store::Outbox(*a2.db).pendingCount(), 0);
    // Two check-ins of the cut, the shared ticket and the 700: the hall relay's queue upstream.
    // Two check-ins of the cut, the shared ticket and the 700: the hall relay's queue upstream.
    EXPECT_EQ(store::Outbox(*hall.db).pendingCount(), 703);

    // The upstream is back; the hall relay is killed again while it uploads its queue.
    central->restart();
    const auto queued = Clock::now() + 10s;
    while (store::Outbox(*hall.db).pendingCount() == 703 && Clock::now() < queued) {
        std::this_thread::sleep_for(5ms);
    }
    killAndRestart(hall);
    ASSERT_TRUE(converge()) << "after the cut, the parties did not converge: central "
                            << idsOf(*org).size() << ", hall " << idsOf(*hall.db).size()
                            << ", annex " << idsOf(*annex.db).size() << ", made " << madeIds.size();
    EXPECT_EQ(madeIds.size(), 5u + 3u + 2u + 700u);
    // Each check-in once in each download order, nothing quarantined anywhere.
    for (SQLite::Database* db : {org.get(), hall.db.get(), annex.db.get()}) {
        EXPECT_EQ(count(*db, "SELECT count(*) FROM received_checkins"),
                  static_cast<std::int64_t>(madeIds.size()));
        EXPECT_EQ(count(*db, "SELECT count(*) FROM sync_quarantine"), 0);
    }
    // The ticket admitted at both venues is a duplicate everywhere, with both kiosks.
    for (SQLite::Database* db : {org.get(), hall.db.get(), b2.db.get()}) {
        store::HybridLogicalClock clock(*db);
        auto stats = store::CheckInLog(*db, clock).stats(eventId);
        ASSERT_EQ(stats.duplicates.size(), 1u);
        EXPECT_EQ(stats.duplicates[0].ticketRef, "shared-ticket");
        EXPECT_EQ(stats.duplicates[0].entries, 2);
        EXPECT_EQ(stats.duplicates[0].devices, 2);
    }
}

}  // namespace
}  // namespace admit::sync
