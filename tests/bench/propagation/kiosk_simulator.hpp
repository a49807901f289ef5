#pragma once
// Protocol-level kiosks for the sync benchmarks: many kiosks in one program, each speaking the
// sync protocol through the kiosk's own transport (sync::HttpClient, libcurl) without a replica
// or a screen. A fixture makes the organiser's database with one event and enrols the kiosks
// (through ServerStore, before the server starts); a writer kiosk uploads check-ins made in a
// real kiosk replica's outbox, and reader kiosks download them, either with waiting downloads
// (as the kiosk does when online) or by polling, noting when each check-in arrived.

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <SQLiteCpp/Transaction.h>

#include "admit/organiser/event_admin.hpp"
#include "admit/replica/replica.hpp"
#include "admit/replica/replica_key.hpp"
#include "admit/store/checkin_log.hpp"
#include "admit/store/clock.hpp"
#include "admit/store/hybrid_logical_clock.hpp"
#include "admit/store/outbox.hpp"
#include "admit/store/schema.hpp"
#include "admit/store/store.hpp"
#include "admit/sync/client/http_client.hpp"
#include "admit/sync/protocol/messages.hpp"
#include "admit/sync/protocol/roster.hpp"
#include "admit/sync/store/enrolment_tokens.hpp"
#include "admit/sync/store/server_store.hpp"

namespace admit::bench {

using SimClock = std::chrono::steady_clock;

[[noreturn]] inline void simDie(const std::string& message) {
    std::fprintf(stderr, "%s\n", message.c_str());
    std::exit(1);
}

struct SimDevice {
    std::string deviceId;
    std::string token;
};

// The organiser's database (encrypted, as admit-server wants it) with one event and `devices`
// enrolled kiosks; the first device's replica (kept, plain) makes the check-ins.
struct SimFixture {
    std::filesystem::path dir;
    std::string eventId;
    std::int64_t rosterVersion = 0;
    std::vector<SimDevice> devices;
    std::unique_ptr<SQLite::Database> writerReplica;
    // Every kiosk's replica, when asked for (makeSimFixture's keepReplicas).
    std::vector<std::unique_ptr<SQLite::Database>> replicas;

    std::string keyFile() const { return (dir / "server.key").string(); }
    std::string dbFile() const { return (dir / "server.db").string(); }
};

inline SimFixture makeSimFixture(const std::filesystem::path& dir, int devices,
                                 bool keepReplicas = false) {
    SimFixture f;
    f.dir = dir;
    auto key = replica::ReplicaKey::generate();
    if (!replica::writeKeyFile(dir / "server.key", key)) simDie("cannot write the key");
    auto db = replica::openReplica(dir / "server.db", key, replica::OpenMode::kCreate);
    if (!db) simDie(db.error().message);
    store::applyConnectionSettings(*db);
    if (!store::migrate(*db)) simDie("cannot migrate");
    auto event = organiser::createEvent(*db, {"Propagation Fest"}, 1000);
    if (!event) simDie(event.error().message);
    f.eventId = event->id;
    const std::int64_t now = store::systemTimeMs();
    for (int i = 0; i < devices; ++i) {
        // Every kiosk's replica is exported (its device id is its own); only the writer's is kept.
        auto kiosk = store::openPlainDatabase(
            (dir / ("kiosk-" + std::to_string(i) + ".db")).string(), store::OpenMode::kCreate);
        if (!kiosk || !organiser::exportReplica(*db, f.eventId, *kiosk)) simDie("cannot export");
        auto token = sync::EnrolmentTokens(*db).issue(f.eventId, now);
        if (!token) simDie(token.error().message);
        const std::string deviceId = store::deviceId(*kiosk);
        auto enrolled = sync::ServerStore(*db).enrol(
            {f.eventId, *token, deviceId, "kiosk " + std::to_string(i)}, now);
        if (!enrolled) simDie(enrolled.error().message);
        f.devices.push_back({deviceId, enrolled->deviceToken});
        if (keepReplicas) {
            f.replicas.push_back(std::make_unique<SQLite::Database>(std::move(*kiosk)));
        } else if (i == 0) {
            f.writerReplica = std::make_unique<SQLite::Database>(std::move(*kiosk));
        }
    }
    f.rosterVersion = sync::rosterVersion(*db, f.eventId);
    return f;
}

// The writer's next check-in: recorded in its replica (check-in log and outbox, as a scan
// does) and returned as a one-entry upload with its id.
struct SimCheckIn {
    std::string id;
    sync::UploadRequest upload;
};

inline SimCheckIn makeCheckIn(SimFixture& f, int n) {
    SQLite::Database& kiosk = *f.writerReplica;
    {
        SQLite::Transaction transaction(kiosk);
        store::HybridLogicalClock clock(kiosk);
        store::CheckInLog log(kiosk, clock);
        log.append({f.eventId, "ref-" + std::to_string(n), std::nullopt, "A",
                    store::Direction::kEntry, ""},
                   store::systemTimeMs());
        transaction.commit();
    }
    store::Outbox outbox(kiosk);
    auto items = outbox.pending(1);
    if (items.empty()) simDie("no outbox entry");
    auto& item = items.front();
    SimCheckIn c{item.recordId, {f.devices[0].deviceId, "A", {}}};
    c.upload.entries.push_back({item.seq, item.kind, item.recordId, item.hlc, item.payload});
    outbox.markSentThrough(item.seq, store::systemTimeMs());
    return c;
}

// `count` check-ins of kiosk `device`, recorded in its replica now (one transaction) and
// returned as one-entry uploads, in order: a load run sends them without touching a replica.
inline std::vector<SimCheckIn> prepareCheckIns(SimFixture& f, std::size_t device, int count) {
    SQLite::Database& kiosk = *f.replicas.at(device);
    {
        SQLite::Transaction transaction(kiosk);
        store::HybridLogicalClock clock(kiosk);
        store::CheckInLog log(kiosk, clock);
        for (int n = 0; n < count; ++n) {
            log.append({f.eventId, "ref-" + std::to_string(device) + "-" + std::to_string(n),
                        std::nullopt, "G" + std::to_string(device), store::Direction::kEntry, ""},
                       store::systemTimeMs());
        }
        transaction.commit();
    }
    std::vector<SimCheckIn> out;
    for (auto& item : store::Outbox(kiosk).pending(static_cast<std::size_t>(count))) {
        SimCheckIn c{item.recordId, {f.devices[device].deviceId, "G" + std::to_string(device), {}}};
        c.upload.entries.push_back({item.seq, item.kind, item.recordId, item.hlc, item.payload});
        out.push_back(std::move(c));
    }
    return out;
}

inline sync::HttpRequest simRequest(const std::string& url, const std::string& token) {
    sync::HttpRequest r;
    r.url = url;
    r.bearerToken = token;
    r.timeout = std::chrono::milliseconds(60'000);
    return r;
}

// When each check-in id arrived at each reader (ms since `origin`); with `tracked`, only those
// ids (a sample, so that many kiosks do not make the log the bottleneck).
class ArrivalLog {
  public:
    ArrivalLog() = default;
    explicit ArrivalLog(std::set<std::string> tracked) : tracked_(std::move(tracked)) {}
    void arrived(std::size_t reader, const std::string& id, double ms) {
        if (!tracked_.empty() && !tracked_.count(id)) return;
        std::lock_guard lock(mutex_);
        arrivals_[id][reader] = ms;
    }
    std::map<std::string, std::map<std::size_t, double>> snapshot() const {
        std::lock_guard lock(mutex_);
        return arrivals_;
    }

  private:
    std::set<std::string> tracked_;
    mutable std::mutex mutex_;
    std::map<std::string, std::map<std::size_t, double>> arrivals_;
};

// A reader kiosk's loop until `stop`: waiting downloads (wait > 0 s) or polls every `poll`.
// Failed requests are counted and retried after a second.
inline void runReader(const std::string& serverUrl, const SimFixture& f, const SimDevice& device,
                      std::size_t reader, std::chrono::seconds wait, std::chrono::milliseconds poll,
                      std::chrono::milliseconds firstPollAfter, SimClock::time_point origin,
                      const std::atomic<bool>& stop, ArrivalLog& log, std::atomic<long>& failures) {
    sync::HttpClient http;
    std::int64_t cursor = 0;
    auto sleepUntil = [&](SimClock::time_point until) {
        while (!stop && SimClock::now() < until) {
            std::this_thread::sleep_for(std::min<SimClock::duration>(
                until - SimClock::now(), std::chrono::milliseconds(50)));
        }
    };
    if (wait.count() == 0) sleepUntil(SimClock::now() + firstPollAfter);
    while (!stop) {
        std::string url =
            serverUrl + sync::checkinsPath(f.eventId) + "?after=" + std::to_string(cursor);
        if (wait.count() > 0) {
            url += "&wait=" + std::to_string(wait.count()) +
                   "&roster=" + std::to_string(f.rosterVersion);
        }
        auto request = simRequest(url, device.token);
        request.cancelled = [&stop] { return stop.load(); };
        auto answer = http.perform(request);
        const double at =
            std::chrono::duration<double, std::milli>(SimClock::now() - origin).count();
        std::optional<sync::DownloadResponse> page;
        if (answer && answer->status == 200) {
            auto parsed = sync::parseDownloadResponse(answer->body);
            if (parsed) page = std::move(*parsed);
        }
        if (!page) {
            if (stop) break;
            ++failures;
            sleepUntil(SimClock::now() + std::chrono::seconds(1));
            continue;
        }
        for (const auto& record : page->checkins) log.arrived(reader, record.checkIn.id, at);
        cursor = page->next;
        if (page->more) continue;
        if (wait.count() == 0) sleepUntil(SimClock::now() + poll);
    }
}

}  // namespace admit::bench
