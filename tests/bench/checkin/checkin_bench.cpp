// Verify + durable record of a check-in on a 100,000-attendee database, against the floor: a
// bare SQLite transaction inserting one row with the same settings (WAL, synchronous=FULL) in
// the same run, on the same disk. The two are interleaved so that machine noise hits both.
// More peers explain the gap: the Ed25519 check alone (parse + verify, no database), the pages
// each commit writes to the WAL, and a plain copy of the kiosk replica made the same way (a
// fresh file that grows as check-ins arrive, unlike the organiser database), the peer that
// isolates what encryption costs. A pretix_sig1 ticket of the same event (a key of the bench's,
// its item mapped to a ticket type) is verified and recorded on the encrypted replica in the same
// loop, next to ours: the figure for tickets sold in pretix.
//
// Usage: admit_checkin_bench [attendees=100000] [scans=2000]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <sodium.h>

#include "admit/organiser/event_admin.hpp"
#include "admit/replica/replica.hpp"
#include "admit/replica/replica_key.hpp"
#include "admit/rules/checkin_engine.hpp"
#include "admit/store/attendees.hpp"
#include "admit/store/deferred_checkpoints.hpp"
#include "admit/store/pretix_settings.hpp"
#include "admit/store/schema.hpp"
#include "admit/store/store.hpp"
#include "admit/ticket/pretix_ticket.hpp"
#include "admit/ticket/signed_ticket.hpp"
#include "bench_arguments.hpp"
#include "bench_event.hpp"
#include "bench_timing.hpp"

namespace {

using Clock = std::chrono::steady_clock;

using admit::bench::percentile;
using admit::bench::timeMs;

void report(const char* name, const std::vector<double>& ms, const std::vector<double>& bare) {
    double p50 = percentile(ms, 0.5), p99 = percentile(ms, 0.99), max = percentile(ms, 1.0);
    double b50 = percentile(bare, 0.5), b99 = percentile(bare, 0.99);
    std::printf(
        "%-34s p50 %7.3f ms  p99 %7.3f ms  max %7.3f ms   ratio to bare: p50 %.2fx  "
        "p99 %.2fx\n",
        name, p50, p99, max, p50 / b50, p99 / b99);
}

long walFrames(SQLite::Database& db) {
    SQLite::Statement q(db, "PRAGMA wal_checkpoint(PASSIVE)");
    q.executeStep();
    return q.getColumn(1).getInt();
}

// Pages a commit writes to the WAL of `db`, averaged over ten commits into an emptied WAL.
template <class F>
double walPagesPerCommit(SQLite::Database& db, F&& commitOnce) {
    commitOnce();  // warms the caches
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    for (int i = 0; i < 10; ++i) commitOnce();
    return static_cast<double>(walFrames(db)) / 10.0;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace admit;
    constexpr const char* kUsage = "admit_checkin_bench [attendees=100000] [scans=2000]";
    const auto attendeeCount =
        static_cast<int>(bench::countArgument(argc, argv, 1, 100'000, "attendees", kUsage));
    const auto scans =
        static_cast<int>(bench::countArgument(argc, argv, 2, 2'000, "scans", kUsage));
    auto dir = std::filesystem::temp_directory_path() / "admit-checkin-bench";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);

    auto made = bench::makeBenchEvent(dir, attendeeCount, scans);
    SQLite::Database& org = made.org;
    const std::string& eventId = made.eventId;
    const std::vector<std::string>& tickets = made.tickets;
    std::printf("database: %d attendees with signed tickets, %d scans each\n", attendeeCount,
                scans);

    // pretix's key for the event and one pretix ticket per scan (item 1: the first ticket type).
    if (sodium_init() < 0) return std::fprintf(stderr, "libsodium failed\n"), 1;
    std::array<std::uint8_t, crypto_sign_PUBLICKEYBYTES> pretixPublic{};
    std::array<std::uint8_t, crypto_sign_SECRETKEYBYTES> pretixSecret{};
    crypto_sign_keypair(pretixPublic.data(), pretixSecret.data());
    store::PretixSettings(org).addKey(eventId, Bytes(pretixPublic.begin(), pretixPublic.end()));
    store::PretixSettings(org).mapItem(eventId, 1, 1);
    std::vector<std::string> pretixTickets;
    for (int i = 0; i < scans; ++i) {
        ticket::PretixTicketPayload payload;
        payload.seed = "bench" + std::to_string(1'000'000 + i);  // pretix's seeds: 9+ characters
        payload.item = 1;
        pretixTickets.push_back(ticket::encodePretixTicket(payload, pretixSecret));
    }
    ticket::PretixPublicKey pretixKey{};
    std::copy(pretixPublic.begin(), pretixPublic.end(), pretixKey.bytes.begin());
    const std::array<ticket::PretixPublicKey, 1> pretixKeys{pretixKey};

    // The kiosk's encrypted replica of the same event.
    auto key = replica::ReplicaKey::generate();
    // Each copy of the replica is set up as the kiosk sets its own up.
    const auto fill = [&](SQLite::Database& replicaDb) {
        store::applyConnectionSettings(replicaDb);
        (void)store::migrate(replicaDb);
        (void)organiser::exportReplica(org, eventId, replicaDb);
    };
    auto kiosk = replica::openReplica(dir / "kiosk.db", key, replica::OpenMode::kCreate);
    if (!kiosk) return std::fprintf(stderr, "%s\n", kiosk.error().message.c_str()), 1;
    fill(*kiosk);
    // A second copy that checkpoints between scans, as the kiosk does, not inside one.
    auto deferred =
        replica::openReplica(dir / "kiosk-deferred.db", key, replica::OpenMode::kCreate);
    if (!deferred) return std::fprintf(stderr, "%s\n", deferred.error().message.c_str()), 1;
    fill(*deferred);
    store::DeferredCheckpoints checkpoints(*deferred);

    // The same replica without encryption, with the page cache openReplica sets.
    auto plainCopy =
        store::openPlainDatabase((dir / "plain-copy.db").string(), store::OpenMode::kCreate);
    if (!plainCopy) return std::fprintf(stderr, "%s\n", plainCopy.error().message.c_str()), 1;
    plainCopy->exec("PRAGMA cache_size=-65536");
    fill(*plainCopy);

    auto bare = store::openPlainDatabase((dir / "bare.db").string(), store::OpenMode::kCreate);
    bare->exec("CREATE TABLE bare (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)");
    SQLite::Statement insertBare(*bare, "INSERT INTO bare (payload) VALUES (?)");

    auto eventKey = store::Events(org).keys(eventId).front();
    auto publicKey =
        ticket::PublicKey::fromBytes(std::span<const std::uint8_t, 32>(eventKey.publicKey));

    rules::CheckInEngine plainEngine(org);
    rules::CheckInEngine kioskEngine(*kiosk);
    rules::CheckInEngine deferredEngine(*deferred);
    rules::CheckInEngine copyEngine(*plainCopy);
    std::vector<double> plainMs, kioskMs, deferredMs, copyMs, bareMs, verifyMs;
    std::vector<double> pretixMs, pretixVerifyMs;
    int checkpointsRun = 0;
    int refused = 0;
    for (int i = 0; i < scans; ++i) {
        rules::ScanContext context{eventId, "Main", store::Direction::kEntry, "", 1'000'000 + i};
        const std::string& text = tickets[static_cast<std::size_t>(i)];
        plainMs.push_back(timeMs([&] {
            auto v = plainEngine.scan(text, context);
            refused += !(v && v->accepted);
        }));
        bareMs.push_back(timeMs([&] {
            SQLite::Transaction t(*bare, SQLite::TransactionBehavior::IMMEDIATE);
            insertBare.reset();
            insertBare.bind(1, text);
            insertBare.exec();
            t.commit();
        }));
        kioskMs.push_back(timeMs([&] {
            auto v = kioskEngine.scan(text, context);
            refused += !(v && v->accepted);
        }));
        deferredMs.push_back(timeMs([&] {
            auto v = deferredEngine.scan(text, context);
            refused += !(v && v->accepted);
        }));
        copyMs.push_back(timeMs([&] {
            auto v = copyEngine.scan(text, context);
            refused += !(v && v->accepted);
        }));
        checkpointsRun += checkpoints.due();
        (void)checkpoints.runIfDue();  // untimed: nobody waits for it
        verifyMs.push_back(timeMs([&] {
            auto parsed = ticket::parseSignedTicket(text);
            refused += !(parsed && ticket::verifyTicketSignature(*parsed, publicKey));
        }));
        const std::string& pretixText = pretixTickets[static_cast<std::size_t>(i)];
        pretixMs.push_back(timeMs([&] {
            auto v = kioskEngine.scan(pretixText, context);
            refused += !(v && v->accepted);
        }));
        pretixVerifyMs.push_back(timeMs(
            [&] { refused += !ticket::verifyPretixTicket(pretixText, pretixKeys, 1'000).ok(); }));
    }
    if (refused) std::printf("WARNING: %d scans were not accepted\n", refused);
    std::printf("%-34s p50 %7.3f ms  p99 %7.3f ms  max %7.3f ms\n",
                "bare 1-row transaction (floor)", percentile(bareMs, 0.5), percentile(bareMs, 0.99),
                percentile(bareMs, 1.0));
    report("verify + record, plain database", plainMs, bareMs);
    report("verify + record, encrypted replica", kioskMs, bareMs);
    report("  ... checkpoints between scans", deferredMs, bareMs);
    report("verify + record, plain replica copy", copyMs, bareMs);
    report("Ed25519 parse + verify alone", verifyMs, bareMs);
    report("pretix_sig1 verify + record, encr.", pretixMs, bareMs);
    report("pretix_sig1 parse + verify alone", pretixVerifyMs, bareMs);
    std::printf("(%d checkpoints ran between scans; the other databases ran theirs inside)\n",
                checkpointsRun);
    std::printf("pretix_sig1 / ours on the encrypted replica: p50 %.2fx  p99 %.2fx\n",
                percentile(pretixMs, 0.5) / percentile(kioskMs, 0.5),
                percentile(pretixMs, 0.99) / percentile(kioskMs, 0.99));
    std::printf("encryption: encrypted replica / plain replica copy: p50 %.2fx  p99 %.2fx\n",
                percentile(kioskMs, 0.5) / percentile(copyMs, 0.5),
                percentile(kioskMs, 0.99) / percentile(copyMs, 0.99));

    double barePages = walPagesPerCommit(*bare, [&] {
        SQLite::Transaction t(*bare, SQLite::TransactionBehavior::IMMEDIATE);
        insertBare.reset();
        insertBare.bind(1, tickets.back());
        insertBare.exec();
        t.commit();
    });
    // Tickets of attendees past those scanned: issued again (issuing is deterministic), never
    // scanned while scans + 11 <= attendees.
    int nextAttendee = scans + 1;
    double enginePages = walPagesPerCommit(org, [&] {
        auto text = organiser::issueTicket(org, eventId, nextAttendee++)->text;
        rules::ScanContext context{eventId, "Main", store::Direction::kEntry, "", 2'000'000};
        auto v = plainEngine.scan(text, context);
        refused += !(v && v->accepted);
    });
    std::printf("WAL pages per commit: bare %.1f, accepted check-in %.1f\n", barePages,
                enginePages);
    std::filesystem::remove_all(dir);
    return refused ? 1 : 0;
}
