#include "admit/sync/server/upstream_relay.hpp"

#include <algorithm>
#include <iostream>
#include <variant>

#include <SQLiteCpp/Transaction.h>
#include <nlohmann/json.hpp>

#include "admit/store/meta.hpp"
#include "admit/store/schema.hpp"
#include "admit/sync/client/sync_state.hpp"
#include "admit/sync/store/server_store.hpp"
#include "admit/ticket/event_setup.hpp"

namespace admit::sync {
namespace {

constexpr const char* kUpstreamKey = "relay.upstream";
constexpr const char* kEventKey = "relay.event";
// What the relay calls its gate in its uploads (the upstream's device list shows it).
constexpr const char* kRelayGate = "relay";

}  // namespace

std::optional<RelayEnrolment> readRelayEnrolment(SQLite::Database& db) {
    auto upstream = store::readMeta(db, kUpstreamKey);
    auto event = store::readMeta(db, kEventKey);
    if (!upstream || !event || !readSyncState(db).hasDeviceToken) return std::nullopt;
    return RelayEnrolment{*event, *upstream};
}

Result<RelayEnrolment> enrolRelay(SQLite::Database& db, const std::string& upstream,
                                  std::string_view setupCode, const std::string& name) {
    if (auto known = readRelayEnrolment(db)) {
        // Enrolled already: only the upstream's address may have moved.
        if (known->upstreamUrl != upstream) {
            SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
            store::writeMeta(db, kUpstreamKey, upstream);
            transaction.commit();
            known->upstreamUrl = upstream;
        }
        return *known;
    }
    if (setupCode.empty()) {
        return fail(
            "this relay is not enrolled at its upstream yet: give its set-up code "
            "(--upstream-code-file, printed with admit setup-code --relay)");
    }
    auto decoded = ticket::decodeEventSetup(setupCode);
    if (!decoded) return fail("the relay's set-up code is not valid: " + decoded.error().detail);
    const auto* online = std::get_if<ticket::OnlineEnrolment>(&*decoded);
    if (!online) {
        return fail(
            "the relay's set-up code is an offline code; a relay needs an online one (admit "
            "setup-code --server URL --relay)");
    }
    const std::string eventId = ticket::eventIdToString(online->eventId);
    const ServerAddress address(upstream, online->serverKeySha256);
    // Marked a relay before anything arrives: its roster keeps a change log for its kiosks.
    store::writeMeta(db, kUpstreamKey, upstream);
    auto enrolled =
        SyncClient(address).enrol({eventId, online->enrolmentToken, store::deviceId(db), name});
    if (!enrolled) {
        return fail("the upstream " + upstream +
                    " refused or missed the relay's enrolment: " + enrolled.error().message);
    }
    // The token last (saveEnrolment commits it): it is what marks the relay enrolled.
    store::writeMeta(db, kEventKey, eventId);
    saveEnrolment(db, address, enrolled->deviceToken);
    return RelayEnrolment{eventId, upstream};
}

UpstreamRelay::UpstreamRelay(SQLite::Database& db, RelayEnrolment enrolment, RelayOptions options)
    : db_(db), enrolment_(std::move(enrolment)), options_(std::move(options)) {}

UpstreamRelay::~UpstreamRelay() { stop(); }

void UpstreamRelay::start() {
    // Read here, before the threads share the connection's owner.
    address_.emplace(enrolment_.upstreamUrl, readSyncState(db_).serverKeySha256);
    rounds_ = std::thread([this] { roundsOnRoundThread(); });
    waits_ = std::thread([this] { waitsOnWaitingThread(); });
}

void UpstreamRelay::nudge() {
    {
        std::lock_guard lock(mutex_);
        nudged_ = true;
    }
    changed_.notify_all();
}

void UpstreamRelay::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    changed_.notify_all();
    if (rounds_.joinable()) rounds_.join();
    if (waits_.joinable()) waits_.join();
}

void UpstreamRelay::roundsOnRoundThread() {
    auto log = [this](const std::string& line) {
        if (options_.log) {
            options_.log(line);
        } else {
            std::cerr << line << "\n";
        }
    };
    SyncClient client(*address_, options_.timeouts);
    std::chrono::milliseconds retry = options_.retryFirst;
    std::string lastError;
    bool everReached = false;
    for (;;) {
        {
            std::lock_guard lock(mutex_);
            if (stopping_) return;
            nudged_ = false;
        }
        const std::int64_t nowMs = options_.clock();
        auto round = client.runRound(db_, enrolment_.eventId, kRelayGate, nowMs);
        // After a failed round too: its download may have stored a page before a later step
        // failed, and a desk check-in at the relay joins the order here while the link is cut.
        std::int64_t joined = 0;
        try {
            joined = ServerStore(db_, StoreRole::kRelay)
                         .adoptUpstreamRound(enrolment_.eventId, options_.clock());
        } catch (const std::exception& e) {
            log(std::string("admit-server: relay: cannot pass the upstream's check-ins on: ") +
                e.what());
        }
        std::optional<WaitRequest> wait;
        bool reached = false;
        if (round) {
            reached = true;
            retry = options_.retryFirst;
            wait = SyncClient::prepareWait(db_, enrolment_.eventId);
            if (!lastError.empty() || !everReached || round->uploaded > 0 || joined > 0 ||
                round->rosterChanged) {
                log(nlohmann::json{{"relay", "upstream reached"},
                                   {"uploaded", round->uploaded},
                                   {"downloaded", round->downloaded},
                                   {"roster_version", round->rosterVersion}}
                        .dump());
            }
            lastError.clear();
            everReached = true;
        } else {
            const std::string line = round.error().step + ": " + round.error().message;
            if (line != lastError) {
                log(nlohmann::json{{"relay", "upstream not reached"}, {"error", line}}.dump());
                lastError = line;
            }
        }
        std::unique_lock lock(mutex_);
        reachable_ = reached;
        wait_ = std::move(wait);
        ++waitGeneration_;
        changed_.notify_all();
        const auto pause = reached ? options_.pollInterval : retry;
        // A kiosk's upload or the upstream's news start the next round at once, but only while
        // the upstream answers: a cut link is tried again on the retry clock alone.
        changed_.wait_for(lock, pause, [&] { return stopping_ || (reachable_ && nudged_); });
        if (!reached) retry = std::min(retry * 2, options_.retryMost);
    }
}

void UpstreamRelay::waitsOnWaitingThread() {
    SyncClient client(*address_, options_.timeouts);
    std::uint64_t used = 0;
    for (;;) {
        std::optional<WaitRequest> request;
        {
            std::unique_lock lock(mutex_);
            // A new request after each round; the same one again only after "nothing new".
            changed_.wait(lock, [&] { return stopping_ || (wait_ && waitGeneration_ != used); });
            if (stopping_) return;
            request = wait_;
            used = waitGeneration_;
        }
        request->cancelled = [this] {
            std::lock_guard lock(mutex_);
            return stopping_;
        };
        auto outcome = client.waitForNews(*request);
        std::unique_lock lock(mutex_);
        if (outcome && *outcome == WaitOutcome::kNews) {
            nudged_ = true;
            changed_.notify_all();
        } else if (outcome && *outcome == WaitOutcome::kNothingNew) {
            used = 0;  // wait again with the same request (generations start at 1)
        }
        // Not waiting (an older upstream) or failed: the rounds poll until the next one.
    }
}

}  // namespace admit::sync
