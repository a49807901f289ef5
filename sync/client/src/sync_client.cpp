#include "admit/sync/client/sync_client.hpp"

#include <algorithm>
#include <exception>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include "admit/base/version.hpp"
#include "admit/replica/replica_error.hpp"
#include "admit/store/outbox.hpp"
#include "admit/store/schema.hpp"
#include "admit/sync/client/http_client.hpp"
#include "admit/sync/client/sync_state.hpp"
#include "admit/sync/protocol/heartbeat.hpp"
#include "admit/sync/protocol/roster.hpp"
#include "downloaded_page.hpp"
#include "meta.hpp"
#include "secret_text.hpp"

namespace admit::sync {
namespace {

// 100,000 attendees are about 12 MB of roster JSON; other answers are far smaller (a download
// page of 2,000 check-ins is under 1 MB). The limits only stop a runaway answer.
constexpr std::size_t kRosterMaxBytes = 512u << 20;
constexpr std::size_t kAnswerMaxBytes = 32u << 20;

using Method = HttpRequest::Method;

SyncError syncError(SyncError::Kind kind, std::string step, std::string message) {
    return {kind, std::move(step), std::move(message), std::nullopt};
}

// The replica `db` failed; a replica failure (damage) keeps its kind.
SyncError localError(const std::string& step, const std::exception& e, SQLite::Database& db) {
    SyncError error = syncError(SyncError::Kind::kLocal, step, "cannot use the replica: ");
    const auto* sqlite = dynamic_cast<const SQLite::Exception*>(&e);
    if (auto failure = sqlite ? replica::replicaFailure(*sqlite, db) : std::nullopt) {
        error.replicaKind = failure->kind;
        error.message += failure->message;
    } else {
        error.message += e.what();
    }
    return error;
}

// A roster answer not applied: another protocol version, or an answer that does not fit.
SyncError rosterRefused(const std::string& step, const RosterError& error) {
    if (error.kind == RosterError::Kind::kProtocol) {
        return syncError(SyncError::Kind::kProtocolMismatch, step, error.message);
    }
    return syncError(SyncError::Kind::kBadResponse, step,
                     "the roster from the server was refused: " + error.message);
}

SyncError badResponse(const std::string& step, const std::string& what) {
    return syncError(SyncError::Kind::kBadResponse, step,
                     "the server's answer could not be used: " + what);
}

std::string withoutTrailingSlash(std::string url) {
    while (!url.empty() && url.back() == '/') url.pop_back();
    return url;
}

// Sends one request; anything but a 2xx answer is an error naming the step.
Result<HttpResponse, SyncError> exchange(HttpClient& http, const std::string& step,
                                         HttpRequest request, const std::string& secret) {
    auto answer = http.perform(request);
    if (!answer) {
        const auto kind = [&] {
            switch (answer.error().kind) {
                case HttpError::Kind::kLocal:
                    return SyncError::Kind::kLocal;
                case HttpError::Kind::kTooLarge:
                case HttpError::Kind::kBadAnswer:
                case HttpError::Kind::kStopped:
                    return SyncError::Kind::kBadResponse;
                case HttpError::Kind::kWrongServerKey:
                    return SyncError::Kind::kWrongServerKey;
                case HttpError::Kind::kCertificateRefused:
                    return SyncError::Kind::kCertificateRefused;
                case HttpError::Kind::kCancelled:
                case HttpError::Kind::kUnreachable:
                    break;
            }
            return SyncError::Kind::kUnreachable;
        }();
        return fail(syncError(kind, step, detail::withoutSecret(answer.error().message, secret)));
    }
    const long status = answer->status;
    if (status >= 200 && status < 300) return std::move(answer).value();

    const std::string code = std::to_string(status);
    SyncError error;
    error.step = step;
    auto body = parseErrorBody(answer->body);
    if (answer->retryAfterSeconds)
        error.retryAfter = std::chrono::seconds(*answer->retryAfterSeconds);
    if (body && body->kind == ErrorKind::kDeviceRevoked) {
        error.kind = SyncError::Kind::kRevoked;
        error.message = "the organiser removed this kiosk (" + code + ")";
    } else if (body && body->kind == ErrorKind::kProtocolMismatch) {
        error.kind = SyncError::Kind::kProtocolMismatch;
        error.message = "the server speaks another sync protocol version (" + code + ")";
    } else if (status == 401 || status == 403 || status == 410) {
        error.kind = SyncError::Kind::kRefused;
        error.message = std::string("the server refused the ") +
                        (step == "enrol" ? "enrolment" : "device") + " token (" + code + ")";
    } else {
        error.kind = SyncError::Kind::kServer;
        error.message = "the server answered " + code;
    }
    if (body) error.message += ": " + body->sentence;
    error.message = detail::withoutSecret(std::move(error.message), secret);
    return fail(std::move(error));
}

class Round {
  public:
    Round(ServerAddress server, const Timeouts& timeouts, SQLite::Database& db, std::string eventId,
          std::string gate, std::int64_t nowMs, std::string token)
        : server_(std::move(server)),
          timeouts_(timeouts),
          db_(db),
          eventId_(std::move(eventId)),
          gate_(std::move(gate)),
          nowMs_(nowMs),
          token_(std::move(token)) {}

    Status<SyncError> upload(RoundReport& report) {
        const std::string step = "upload";
        try {
            store::Outbox outbox(db_);
            const std::string deviceId = store::deviceId(db_);
            for (;;) {
                auto items = outbox.pending(static_cast<int>(kMaxUploadEntries));
                if (items.empty()) return Ok{};
                UploadRequest request{deviceId, gate_, {}};
                for (auto& item : items) {
                    request.entries.push_back(
                        {item.seq, item.kind, item.recordId, item.hlc, std::move(item.payload)});
                }
                auto answer = exchange(http_, step,
                                       this->request(Method::kPost, checkinsPath(eventId_),
                                                     toJson(request), timeouts_.request),
                                       token_);
                if (!answer) return fail(answer.error());
                auto parsed = parseUploadResponse(answer->body);
                if (!parsed) return fail(badResponse(step, parsed.error().message));
                const std::int64_t first = items.front().seq;
                const std::int64_t last = items.back().seq;
                const std::int64_t through = parsed->acknowledgedThrough;
                // Moving the cursor past an entry the server never saw would lose it; not
                // moving it at all would send the same batch forever.
                if (through > last || through < first) {
                    return fail(
                        badResponse(step, "it acknowledged entry " + std::to_string(through) +
                                              " for a batch of entries " + std::to_string(first) +
                                              " to " + std::to_string(last)));
                }
                outbox.markSentThrough(through, nowMs_);
                report.uploaded += std::count_if(items.begin(), items.end(),
                                                 [&](const auto& i) { return i.seq <= through; });
            }
        } catch (const std::exception& e) {
            return fail(localError(step, e, db_));
        }
    }

    Status<SyncError> download(RoundReport& report) {
        const std::string step = "download";
        try {
            std::int64_t cursor = detail::readMetaInt(db_, detail::kCheckinsAfter).value_or(0);
            for (;;) {
                auto answer =
                    exchange(http_, step,
                             request(Method::kGet,
                                     checkinsPath(eventId_) + "?after=" + std::to_string(cursor) +
                                         "&limit=" + std::to_string(kDefaultDownloadLimit),
                                     "", timeouts_.request),
                             token_);
                if (!answer) return fail(answer.error());
                auto page = parseDownloadResponse(answer->body);
                if (!page) return fail(badResponse(step, page.error().message));
                if (!page->order.empty()) {
                    const auto known = detail::readMeta(db_, detail::kDownloadOrder);
                    if (known != page->order) {
                        detail::writeMeta(db_, detail::kDownloadOrder, page->order);
                        if (known && cursor != 0) {
                            // A restored server: its seqs are not the ones the cursor counted.
                            // Read from the start; what is here already is ignored.
                            detail::writeMeta(db_, detail::kCheckinsAfter, "0");
                            cursor = 0;
                            ++report.orderRestarts;
                            continue;
                        }
                    }
                }
                if (page->next < cursor || (page->more && page->next == cursor)) {
                    return fail(badResponse(step, "its cursor went from " + std::to_string(cursor) +
                                                      " to " + std::to_string(page->next)));
                }
                if (page->deviceAcknowledgedThrough) {
                    // The server says how far it holds this device's outbox; less than the
                    // cursor means it lost what it had acknowledged.
                    store::Outbox outbox(db_);
                    const std::int64_t sent = outbox.sentThrough();
                    if (*page->deviceAcknowledgedThrough < sent) {
                        outbox.resendAfter(*page->deviceAcknowledgedThrough);
                        report.resent += sent - *page->deviceAcknowledgedThrough;
                    }
                }
                for (const auto& record : page->checkins) {
                    if (record.checkIn.eventId != eventId_) {
                        return fail(badResponse(
                            step, "check-in " + record.checkIn.id + " belongs to another event"));
                    }
                }
                report.downloaded +=
                    detail::storeDownloadedPage(db_, page->checkins, page->next, nowMs_);
                cursor = page->next;
                if (!page->more) return Ok{};
            }
        } catch (const std::exception& e) {
            return fail(localError(step, e, db_));
        }
    }

    Status<SyncError> roster(RoundReport& report) {
        const std::string step = "roster";
        try {
            const std::int64_t have = detail::readMetaInt(db_, detail::kRosterVersion).value_or(0);
            // The changes since `have` may come in pages; they are applied together, once all
            // are in (or the whole roster, if the server sends that instead).
            RosterDownload download(eventId_, have);
            std::optional<std::int64_t> after;
            do {
                std::string path = rosterPath(eventId_) +
                                   "?protocol=" + std::to_string(kProtocolVersion) +
                                   "&have=" + std::to_string(have);
                if (after) path += "&after=" + std::to_string(*after);
                HttpRequest get = request(Method::kGet, path, "", timeouts_.roster);
                get.maxResponseBytes = kRosterMaxBytes;
                if (have != 0) {
                    // A kiosk that holds a roster may be scanning: a whole roster sent in place
                    // of changes (away past the change log, a server restored from a backup) is
                    // read whole and compared before the write lock is taken, so check-ins wait
                    // for the rows that differ, not for the download (docs/sync.md).
                    auto answer = exchange(http_, step, std::move(get), token_);
                    if (!answer) return fail(answer.error());
                    auto next = download.add(answer->body);
                    if (!next) return fail(rosterRefused(step, next.error()));
                    after = *next;
                    continue;
                }
                // The first roster, before any scan: parsed and written as it arrives, never
                // held whole.
                auto receiver = download.receive(db_);
                bool refused = false;
                get.onBody = [&](std::string_view piece) {
                    refused = refused || !receiver->feed(piece);
                    return !refused;
                };
                auto answer = exchange(http_, step, std::move(get), token_);
                auto next = receiver->finish();
                receiver.reset();
                // A transfer stopped by the receiver is its refusal; any other failure is the
                // exchange's (a body cut short is then also unparsable).
                if (!answer && !refused) return fail(answer.error());
                if (!next) return fail(rosterRefused(step, next.error()));
                after = *next;
            } while (after);
            auto applied = download.apply(db_);
            if (!applied) {
                if (applied.error().kind == RosterError::Kind::kLocal) {
                    const std::runtime_error cause(applied.error().message);
                    return fail(localError(step, cause, db_));
                }
                return fail(rosterRefused(step, applied.error()));
            }
            report.rosterChanged = applied->changed;
            report.rosterVersion = applied->version;
            return Ok{};
        } catch (const std::exception& e) {
            return fail(localError(step, e, db_));
        }
    }

    Status<SyncError> devices() {
        const std::string step = "devices";
        try {
            auto answer = exchange(
                http_, step, request(Method::kGet, devicesPath(eventId_), "", timeouts_.request),
                token_);
            if (!answer) return fail(answer.error());
            auto parsed = parseDevicesResponse(answer->body);
            if (!parsed) return fail(badResponse(step, parsed.error().message));
            detail::writeMeta(db_, detail::kDevices, toJson(*parsed));
            detail::writeMeta(db_, detail::kDevicesAt, std::to_string(nowMs_));
            return Ok{};
        } catch (const std::exception& e) {
            return fail(localError(step, e, db_));
        }
    }

  private:
    HttpRequest request(Method method, const std::string& path, std::string body,
                        std::chrono::milliseconds timeout) const {
        HttpRequest r;
        r.method = method;
        r.url = server_.url + path;
        r.serverKeySha256 = server_.keySha256;
        r.body = std::move(body);
        r.bearerToken = token_;
        r.connectTimeout = timeouts_.connect;
        r.timeout = timeout;
        r.maxResponseBytes = kAnswerMaxBytes;
        r.fields = heartbeatFields(heartbeat());
        return r;
    }

    // What this device tells the server with each request: its clock now (the round's time
    // moved on by the time the round has taken), its version and its outbox's unsent entries.
    DeviceHeartbeat heartbeat() const {
        const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - started_);
        DeviceHeartbeat h;
        h.clockMs = nowMs_ + elapsed.count();
        h.appVersion = std::string(admit::version());
        h.outboxDepth = store::Outbox(db_).pendingCount();
        return h;
    }

    ServerAddress server_;
    Timeouts timeouts_;
    SQLite::Database& db_;
    std::string eventId_;
    std::string gate_;
    std::int64_t nowMs_;
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
    std::string token_;
    HttpClient http_;  // one handle per round: its requests share a connection
};

bool hasEvent(SQLite::Database& db, const std::string& eventId) {
    SQLite::Statement query(db, "SELECT 1 FROM events WHERE id = ?");
    query.bind(1, eventId);
    return query.executeStep();
}

// Best effort: the round's own error is what the caller needs even if this write fails.
void recordFailure(SQLite::Database& db, const SyncError& error, std::int64_t nowMs) {
    try {
        detail::writeMeta(db, detail::kLastError, error.step + " failed: " + error.message);
        // Kept until the kiosk enrols again, so a restarted kiosk still says it was removed
        // (and sends nothing) even with the server out of reach.
        if (error.kind == SyncError::Kind::kRevoked) detail::writeMeta(db, detail::kRevoked, "1");
        if (error.retryAfter) {
            detail::writeMeta(db, detail::kRetryNotBefore,
                              std::to_string(nowMs + error.retryAfter->count() * 1000));
        }
    } catch (const std::exception&) {
    }
}

// The server asked for a pause that has not passed: the error to fail with, sending nothing.
std::optional<SyncError> stillAskedToWait(SQLite::Database& db, std::int64_t nowMs) {
    auto notBefore = detail::readMetaInt(db, detail::kRetryNotBefore);
    if (!notBefore || nowMs >= *notBefore) return std::nullopt;
    const std::int64_t seconds = (*notBefore - nowMs + 999) / 1000;
    SyncError error =
        syncError(SyncError::Kind::kServer, "round",
                  "the server asked to wait; next try in " + std::to_string(seconds) + " s");
    error.retryAfter = std::chrono::seconds(seconds);
    return error;
}

}  // namespace

std::optional<WaitRequest> SyncClient::prepareWait(SQLite::Database& replica,
                                                   const std::string& eventId) {
    try {
        auto token = readDeviceToken(replica);
        if (!token || detail::readMeta(replica, detail::kRevoked)) return std::nullopt;
        WaitRequest request;
        request.eventId = eventId;
        request.deviceToken = *token;
        request.after = detail::readMetaInt(replica, detail::kCheckinsAfter).value_or(0);
        request.rosterVersion = detail::readMetaInt(replica, detail::kRosterVersion).value_or(0);
        return request;
    } catch (const std::exception&) {
        return std::nullopt;  // the round that follows reports the replica's failure
    }
}

Result<WaitOutcome, SyncError> SyncClient::waitForNews(const WaitRequest& wait) {
    const std::string step = "wait";
    HttpClient http;
    HttpRequest get;
    get.url = server_.url + checkinsPath(wait.eventId) + "?after=" + std::to_string(wait.after) +
              "&limit=1&wait=" + std::to_string(wait.wait.count()) +
              "&roster=" + std::to_string(wait.rosterVersion);
    get.serverKeySha256 = server_.keySha256;
    get.bearerToken = wait.deviceToken;
    get.connectTimeout = timeouts_.connect;
    // The server answers within `wait`; the rest is for the answer itself.
    get.timeout =
        std::chrono::duration_cast<std::chrono::milliseconds>(wait.wait) + timeouts_.request;
    get.maxResponseBytes = kAnswerMaxBytes;
    get.cancelled = wait.cancelled;
    auto answer = exchange(http, step, std::move(get), wait.deviceToken);
    if (!answer) return fail(answer.error());
    auto page = parseDownloadResponse(answer->body);
    if (!page) return fail(badResponse(step, page.error().message));
    // A server that does not know `wait` answers at once without the roster version.
    if (!page->rosterVersion) return WaitOutcome::kNotWaiting;
    if (!page->checkins.empty() || page->next != wait.after ||
        *page->rosterVersion != wait.rosterVersion) {
        return WaitOutcome::kNews;
    }
    return WaitOutcome::kNothingNew;
}

SyncClient::SyncClient(ServerAddress server, Timeouts timeouts)
    : server_(withoutTrailingSlash(std::move(server.url)), server.keySha256), timeouts_(timeouts) {}

Result<EnrolResponse, SyncError> SyncClient::enrol(const EnrolRequest& request) {
    const std::string step = "enrol";
    HttpClient http;
    HttpRequest post;
    post.method = Method::kPost;
    post.url = server_.url + std::string(kEnrolPath);
    post.serverKeySha256 = server_.keySha256;
    post.body = toJson(request);
    post.connectTimeout = timeouts_.connect;
    post.timeout = timeouts_.request;
    post.maxResponseBytes = kAnswerMaxBytes;
    auto answer = exchange(http, step, std::move(post), request.enrolmentToken);
    if (!answer) return fail(answer.error());
    auto parsed = parseEnrolResponse(answer->body);
    if (!parsed) {
        return fail(badResponse(
            step, detail::withoutSecret(parsed.error().message, request.enrolmentToken)));
    }
    return std::move(parsed).value();
}

Result<RoundReport, SyncError> SyncClient::runRound(SQLite::Database& replica,
                                                    const std::string& eventId,
                                                    const std::string& gate, std::int64_t nowMs) {
    std::optional<std::string> token;
    bool eventKnown = false;
    bool devicesDue = true;
    std::optional<SyncError> waiting;
    try {
        waiting = stillAskedToWait(replica, nowMs);
        if (!waiting) detail::writeMeta(replica, detail::kLastAttemptAt, std::to_string(nowMs));
        token = readDeviceToken(replica);
        eventKnown = hasEvent(replica, eventId);
        // A clock set back makes the list due at once, not after the time it went back.
        if (auto at = detail::readMetaInt(replica, detail::kDevicesAt)) {
            devicesDue = nowMs < *at || nowMs - *at >= kDeviceListEveryMs;
        }
    } catch (const std::exception& e) {
        SyncError error = localError("round", e, replica);
        recordFailure(replica, error, nowMs);
        return fail(std::move(error));
    }
    if (waiting) return fail(std::move(*waiting));
    if (!token) {
        // Like a refused token: no automatic rounds until the kiosk is enrolled.
        SyncError error = syncError(SyncError::Kind::kRefused, "round",
                                    "this kiosk is not enrolled with a sync server");
        recordFailure(replica, error, nowMs);
        return fail(std::move(error));
    }

    Round round(server_, timeouts_, replica, eventId, gate, nowMs, *token);
    RoundReport report;
    try {
        report.rosterVersion = detail::readMetaInt(replica, detail::kRosterVersion).value_or(0);
    } catch (const std::exception& e) {
        SyncError error = localError("round", e, replica);
        recordFailure(replica, error, nowMs);
        return fail(std::move(error));
    }
    auto finish = [&](Status<SyncError> status) -> std::optional<SyncError> {
        if (status) return std::nullopt;
        SyncError error = status.error();
        error.progress = report;
        recordFailure(replica, error, nowMs);
        return error;
    };
    if (auto error = finish(round.upload(report))) return fail(std::move(*error));
    // Check-ins name their event (a foreign key), so a replica that does not have the event
    // yet (first round after an online enrolment) gets the roster before the check-ins.
    if (!eventKnown) {
        if (auto error = finish(round.roster(report))) return fail(std::move(*error));
    }
    if (auto error = finish(round.download(report))) return fail(std::move(*error));
    if (eventKnown) {
        if (auto error = finish(round.roster(report))) return fail(std::move(*error));
    }
    if (devicesDue) {
        if (auto error = finish(round.devices())) return fail(std::move(*error));
    }

    try {
        SQLite::Transaction transaction(replica, SQLite::TransactionBehavior::IMMEDIATE);
        detail::writeMeta(replica, detail::kLastSuccessAt, std::to_string(nowMs));
        detail::eraseMeta(replica, detail::kLastError);
        transaction.commit();
    } catch (const std::exception& e) {
        SyncError error = localError("round", e, replica);
        recordFailure(replica, error, nowMs);
        return fail(std::move(error));
    }
    report.finishedAtMs = nowMs;
    return report;
}

}  // namespace admit::sync
