#include "admit/rules/checkin_engine.hpp"

#include <algorithm>
#include <array>

#include <SQLiteCpp/Transaction.h>
#include <nlohmann/json.hpp>

#include "admit/replica/replica_error.hpp"
#include "admit/rules/event_calendar.hpp"
#include "admit/store/audit_log.hpp"
#include "admit/store/events.hpp"
#include "admit/ticket/blind_index.hpp"
#include "admit/ticket/code_format.hpp"
#include "admit/ticket/pretix_ticket.hpp"
#include "admit/ticket/signed_ticket.hpp"

namespace admit::rules {
namespace {

// Longer than any code we or a ticketing system would print; longer text is not a ticket.
constexpr std::size_t kMaxScannedLength = 2048;

std::string_view trimmed(std::string_view text) {
    auto isSpace = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!text.empty() && isSpace(text.front())) text.remove_prefix(1);
    while (!text.empty() && isSpace(text.back())) text.remove_suffix(1);
    return text;
}

Verdict& deny(Verdict& verdict, Denial denial, std::string detail = {}) {
    verdict.accepted = false;
    verdict.denial = denial;
    verdict.detail = std::move(detail);
    return verdict;
}

// A database failure while deciding or recording, by kind: damage to the replica is cured by a
// re-sync, anything else by trying again.
CheckInError storageError(const std::string& doing, const SQLite::Exception& e,
                          SQLite::Database& db) {
    if (auto damage = replica::replicaFailure(e, db)) {
        return {CheckInError::Kind::kDamaged, doing + damage->message};
    }
    return {CheckInError::Kind::kStorage, doing + e.what()};
}

std::string utcTime(std::int64_t unixSeconds) {
    std::time_t t = static_cast<std::time_t>(unixSeconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::array<char, 32> out{};
    std::strftime(out.data(), out.size(), "%Y-%m-%d %H:%M:%S UTC", &tm);
    return out.data();
}

// The event's calendar; a zone this device's tzdb lacks counts days in UTC (the organiser's
// `admit event set` accepts only zones its own tzdb has), and a day start out of range is the
// schema's CHECK's to refuse.
EventCalendar calendarFor(const store::EventSettings& settings) {
    if (auto calendar = EventCalendar::make(settings.timeZone, settings.dayStartsAt)) {
        return *calendar;
    }
    return EventCalendar::utc(settings.dayStartsAt);
}

}  // namespace

CheckInEngine::CheckInEngine(SQLite::Database& db)
    : db_(db), clock_(db), events_(db), attendees_(db), codeLists_(db), pretix_(db) {}

Result<Verdict, CheckInError> CheckInEngine::scan(std::string_view text,
                                                  const ScanContext& context) {
    return decideAndRecord(context, Mode::kRecord, [&](const store::EventInfo& event) {
        return Result<Verdict, CheckInError>(decide(text, event, context));
    });
}

Result<Verdict, CheckInError> CheckInEngine::evaluate(std::string_view text,
                                                      const ScanContext& context) {
    return decideAndRecord(context, Mode::kDryRun, [&](const store::EventInfo& event) {
        return Result<Verdict, CheckInError>(decide(text, event, context));
    });
}

Result<Verdict, CheckInError> CheckInEngine::checkInAttendee(std::int64_t attendeeId,
                                                             const ScanContext& context) {
    return decideAndRecord(context, Mode::kRecord, [&](const store::EventInfo& event) {
        return decideForAttendee(attendeeId, event, context);
    });
}

Result<Verdict, CheckInError> CheckInEngine::evaluateAttendee(std::int64_t attendeeId,
                                                              const ScanContext& context) {
    return decideAndRecord(context, Mode::kDryRun, [&](const store::EventInfo& event) {
        return decideForAttendee(attendeeId, event, context);
    });
}

template <class DecideFor>
Result<Verdict, CheckInError> CheckInEngine::decideAndRecord(const ScanContext& context, Mode mode,
                                                             DecideFor&& decideFor) {
    try {
        std::optional<SQLite::Transaction> transaction;
        if (mode == Mode::kRecord) transaction.emplace(db_, SQLite::TransactionBehavior::IMMEDIATE);
        auto event = events_.find(context.eventId);
        if (!event) {
            return fail(CheckInError{CheckInError::Kind::kNotFound,
                                     "event " + context.eventId + " is not in this database"});
        }
        Result<Verdict, CheckInError> verdict = decideFor(*event);
        if (verdict && transaction) {
            record(*verdict, context);
            transaction->commit();
        }
        return verdict;
    } catch (const SQLite::Exception& e) {
        return fail(storageError("could not record the check-in: ", e, db_));
    }
}

Result<Verdict, CheckInError> CheckInEngine::decideForAttendee(std::int64_t attendeeId,
                                                               const store::EventInfo& event,
                                                               const ScanContext& context) {
    auto attendee = attendees_.find(attendeeId);
    if (!attendee || attendee->eventId != event.id) {
        return fail(CheckInError{
            CheckInError::Kind::kNotFound,
            "attendee " + std::to_string(attendeeId) + " is not at event " + event.id});
    }
    auto decideOn = [&](std::string ref) {
        Verdict verdict;
        verdict.direction = context.direction;
        verdict.ticketRef = std::move(ref);
        verdict.attendee = attendee;
        decideForTicket(verdict, event, context, std::nullopt);
        return verdict;
    };
    auto tickets = attendees_.ticketsOf(attendeeId);
    if (tickets.empty()) return decideOn("attendee:" + std::to_string(attendeeId));
    // Several tickets: a reissued code beside the revoked one, or one per day. The first the
    // rules accept; when none, the refusal of a code still in use (already in, wrong gate)
    // says more than the revoked code's.
    const auto withdrawn = [](const Verdict& v) {
        return v.denial == Denial::kRevoked || v.denial == Denial::kBlocked;
    };
    std::optional<Verdict> refusal;
    for (const auto& t : tickets) {
        Verdict verdict = decideOn(t.ref);
        if (verdict.accepted) return verdict;
        if (!refusal || (withdrawn(*refusal) && !withdrawn(verdict))) refusal = std::move(verdict);
    }
    return *refusal;
}

Verdict CheckInEngine::decide(std::string_view rawText, const store::EventInfo& event,
                              const ScanContext& context) {
    Verdict verdict;
    verdict.direction = context.direction;
    std::string_view text = trimmed(rawText);
    if (text.empty()) return deny(verdict, Denial::kMalformed, "the code is empty");
    if (text.size() > kMaxScannedLength) {
        return deny(verdict, Denial::kMalformed,
                    "the code is " + std::to_string(text.size()) + " characters long");
    }
    verdict.format = ticket::recogniseCode(text);
    if (verdict.format == ticket::CodeFormat::kEventSetup) {
        return deny(verdict, Denial::kEventSetupCode);
    }

    if (verdict.format == ticket::CodeFormat::kAdmitTicket) {
        auto parsed = ticket::parseSignedTicket(text);
        if (!parsed) return deny(verdict, Denial::kMalformed, parsed.error().detail);
        const ticket::TicketPayload& payload = parsed->payload;
        verdict.ticketRef = ticket::ticketIdToString(payload.ticketId);
        std::string ticketEvent = ticket::eventIdToString(payload.eventId);
        if (ticketEvent != context.eventId) {
            return deny(verdict, Denial::kOtherEvent, "the ticket is for event " + ticketEvent);
        }
        auto key = events_.findKey(context.eventId, payload.keyId);
        if (!key || key->publicKey.size() != 32) {
            return deny(verdict, Denial::kUnknownKey,
                        "no public key with id " + std::to_string(payload.keyId));
        }
        auto publicKey =
            ticket::PublicKey::fromBytes(std::span<const std::uint8_t, 32>(key->publicKey));
        if (!ticket::verifyTicketSignature(*parsed, publicKey)) {
            return deny(verdict, Denial::kBadSignature);
        }
        std::int64_t nowSeconds = context.nowMs / 1000;
        if (payload.validFrom && nowSeconds < *payload.validFrom) {
            return deny(verdict, Denial::kNotYetValid, "valid from " + utcTime(*payload.validFrom));
        }
        if (payload.validUntil && nowSeconds > *payload.validUntil) {
            return deny(verdict, Denial::kExpired, "valid until " + utcTime(*payload.validUntil));
        }
        // A valid signature is proof enough: a ticket issued after this replica was made has
        // no row yet, and is admitted without a name.
        if (auto row = attendees_.findTicket(context.eventId, verdict.ticketRef)) {
            verdict.attendee = attendees_.find(row->attendeeId);
        }
        decideForTicket(verdict, event, context, payload.ticketType);
        return verdict;
    }

    if (verdict.format == ticket::CodeFormat::kPretixSig1) {
        return decidePretix(verdict, text, event, context);
    }
    return decideOpaque(verdict, text, event, context);
}

Verdict& CheckInEngine::decidePretix(Verdict& verdict, std::string_view text,
                                     const store::EventInfo& event, const ScanContext& context) {
    std::vector<ticket::PretixPublicKey> keys;
    for (const Bytes& bytes : pretix_.keys(context.eventId)) {
        ticket::PretixPublicKey key{};
        if (bytes.size() != key.bytes.size()) continue;  // the schema's CHECK keeps this out
        std::copy(bytes.begin(), bytes.end(), key.bytes.begin());
        keys.push_back(key);
    }
    // An event without pretix keys imported pretix's barcodes as opaque codes, if any.
    if (keys.empty()) return decideOpaque(verdict, text, event, context);
    auto verified = ticket::verifyPretixTicket(text, keys, context.nowMs / 1000);
    if (!verified) {
        const std::string& detail = verified.error().detail;
        switch (verified.error().failure) {
            case ticket::PretixTicketFailure::kBadEncoding:
            case ticket::PretixTicketFailure::kUnsupportedVersion:
                return deny(verdict, Denial::kMalformed, detail);
            case ticket::PretixTicketFailure::kUnknownKey:
                return deny(verdict, Denial::kUnknownKey, detail);
            case ticket::PretixTicketFailure::kBadSignature:
                return deny(verdict, Denial::kBadSignature, detail);
            case ticket::PretixTicketFailure::kNotYetValid:
                return deny(verdict, Denial::kNotYetValid, detail);
            case ticket::PretixTicketFailure::kExpired:
                return deny(verdict, Denial::kExpired, detail);
        }
        return deny(verdict, Denial::kMalformed, detail);
    }
    if (event.blindIndexKey.size() != 32) {
        return deny(verdict, Denial::kUnknownTicket, "the event has no blind index key");
    }
    auto indexKey =
        ticket::BlindIndexKey::fromBytes(std::span<const std::uint8_t, 32>(event.blindIndexKey));
    // pretix's secret is the whole text: the same ref as its barcode imported with an export.
    verdict.ticketRef = ticket::blindIndex(indexKey, text);
    if (auto row = attendees_.findTicket(context.eventId, verdict.ticketRef)) {
        verdict.attendee = attendees_.find(row->attendeeId);
    }
    // The item's mapped type; an unmapped item of an imported attendee is the attendee's type.
    auto type = pretix_.typeForItem(context.eventId, verified->item);
    decideForTicket(verdict, event, context, type);
    if (verdict.denial == Denial::kUnknownTicket) {
        verdict.detail = "pretix item " + std::to_string(verified->item) +
                         " is not mapped to a ticket type (admit type map-pretix)";
    }
    return verdict;
}

Verdict& CheckInEngine::decideOpaque(Verdict& verdict, std::string_view text,
                                     const store::EventInfo& event, const ScanContext& context) {
    if (event.blindIndexKey.size() != 32) {
        return deny(verdict, Denial::kUnknownTicket, "the event has no blind index key");
    }
    auto indexKey =
        ticket::BlindIndexKey::fromBytes(std::span<const std::uint8_t, 32>(event.blindIndexKey));
    verdict.ticketRef = ticket::blindIndex(indexKey, text);
    auto row = attendees_.findTicket(context.eventId, verdict.ticketRef);
    if (row) verdict.attendee = attendees_.find(row->attendeeId);
    decideForTicket(verdict, event, context, std::nullopt);
    return verdict;
}

void CheckInEngine::decideForTicket(Verdict& verdict, const store::EventInfo& event,
                                    const ScanContext& context,
                                    std::optional<std::uint16_t> signedType) {
    if (auto reason =
            codeLists_.find(store::CodeList::kRevoked, context.eventId, verdict.ticketRef)) {
        deny(verdict, Denial::kRevoked, *reason);
        return;
    }
    if (auto reason =
            codeLists_.find(store::CodeList::kBlocked, context.eventId, verdict.ticketRef)) {
        deny(verdict, Denial::kBlocked, *reason);
        return;
    }
    if (!verdict.attendee && !signedType) {
        deny(verdict, Denial::kUnknownTicket);
        return;
    }
    // The event's check-in window (admit event set) closes the door to entries, not exits; so do
    // its days (a ticket type's valid days, once per day).
    std::optional<store::EventSettings> settings;
    if (context.direction == store::Direction::kEntry) {
        settings = events_.settings(context.eventId);
        const store::EventSettings& window = *settings;
        const std::int64_t nowSeconds = context.nowMs / 1000;
        if (window.validFrom && nowSeconds < *window.validFrom) {
            deny(verdict, Denial::kNotYetValid,
                 "the event admits from " + utcTime(*window.validFrom));
            return;
        }
        if (window.validUntil && nowSeconds > *window.validUntil) {
            deny(verdict, Denial::kExpired,
                 "the event admitted until " + utcTime(*window.validUntil));
            return;
        }
    }
    if (verdict.attendee) {
        verdict.attentionNote = verdict.attendee->attentionNote;
        switch (verdict.attendee->status) {
            case store::AttendeeStatus::kCancelled:
                deny(verdict, Denial::kCancelled);
                return;
            case store::AttendeeStatus::kPending:
                deny(verdict, Denial::kPendingApproval);
                return;
            case store::AttendeeStatus::kRejected:
                deny(verdict, Denial::kRejected);
                return;
            case store::AttendeeStatus::kApproved:
                break;
        }
    }
    std::uint16_t type = signedType ? *signedType : verdict.attendee->ticketType;
    auto typeInfo = events_.findTicketType(context.eventId, type);
    verdict.ticketTypeName = typeInfo ? typeInfo->name : "Type " + std::to_string(type);
    if (!events_.isTypeAllowedAtGate(context.eventId, type, context.gate)) {
        deny(verdict, Denial::kTypeNotAllowedAtGate,
             verdict.ticketTypeName + " may not use gate " + context.gate);
        return;
    }

    // The calendar is made only for an entry the event's days matter to (most events have no
    // day rules, and their scans pay one probe of ticket_type_days).
    const auto policy = event.reentryPolicy;
    std::optional<EventCalendar> calendar;
    std::string today;
    if (settings) {
        const std::vector<std::string> days = events_.typeDays(context.eventId, type);
        if (!days.empty() || policy == store::ReentryPolicy::kOncePerDay) {
            calendar = calendarFor(*settings);
            today = calendar->dayOf(context.nowMs);
        }
        if (!days.empty() && std::find(days.begin(), days.end(), today) == days.end()) {
            for (const std::string& day : days) verdict.validDays.push_back(shortDayName(day));
            std::string list;
            for (const std::string& day : days) list += (list.empty() ? "" : ", ") + day;
            deny(verdict, Denial::kNotValidToday,
                 verdict.ticketTypeName + " is valid on " + list + ", not on " + today + " (" +
                     settings->timeZone + ")");
            return;
        }
    }

    auto history = checkInLog().history(context.eventId, verdict.ticketRef);
    bool inside = !history.empty() && history.back().direction == store::Direction::kEntry;
    if (context.direction == store::Direction::kEntry) {
        auto lastEntry = std::find_if(history.rbegin(), history.rend(), [](const auto& c) {
            return c.direction == store::Direction::kEntry;
        });
        bool refused = (policy == store::ReentryPolicy::kSingle && lastEntry != history.rend()) ||
                       (policy == store::ReentryPolicy::kAfterExit && inside);
        if (refused) {
            verdict.previous = *lastEntry;
            deny(verdict, Denial::kAlreadyCheckedIn);
            return;
        }
        if (policy == store::ReentryPolicy::kOncePerDay && lastEntry != history.rend() &&
            calendar->dayOf(lastEntry->wallTimeMs) == today) {
            verdict.previous = *lastEntry;
            verdict.previousTimeOfDay = calendar->timeOfDay(lastEntry->wallTimeMs);
            deny(verdict, Denial::kAlreadyEnteredToday,
                 "entered on " + today + " at " + verdict.previousTimeOfDay + " (" +
                     settings->timeZone + "), gate " + lastEntry->gate);
            return;
        }
    } else if (!inside) {
        deny(verdict, Denial::kNotCheckedIn);
        return;
    }
    verdict.accepted = true;
    verdict.denial.reset();
}

void CheckInEngine::record(Verdict& verdict, const ScanContext& context) {
    if (verdict.accepted) {
        std::optional<std::int64_t> attendeeId;
        if (verdict.attendee) attendeeId = verdict.attendee->id;
        verdict.checkIn =
            checkInLog().append({context.eventId, verdict.ticketRef, attendeeId, context.gate,
                                 context.direction, context.operatorName},
                                context.nowMs);
        return;
    }
    deniedScanLog().append(
        {context.eventId, verdict.ticketRef, context.gate, context.direction, context.operatorName,
         std::string(denialCode(*verdict.denial)), verdict.detail},
        context.nowMs);
}

Result<store::CheckIn, CheckInError> CheckInEngine::undoLast(const ScanContext& context) {
    try {
        SQLite::Transaction transaction(db_, SQLite::TransactionBehavior::IMMEDIATE);
        auto last = checkInLog().lastOnThisDevice(context.eventId);
        if (!last) {
            return fail(CheckInError{CheckInError::Kind::kNothingToUndo,
                                     "there is no check-in on this device to undo"});
        }
        checkInLog().annul(*last, context.operatorName, context.nowMs);
        transaction.commit();
        return *last;
    } catch (const SQLite::Exception& e) {
        return fail(storageError("could not undo the check-in: ", e, db_));
    }
}

store::CheckInLog& CheckInEngine::checkInLog() {
    if (!checkInLog_) checkInLog_.emplace(db_, clock_);
    return *checkInLog_;
}

store::DeniedScanLog& CheckInEngine::deniedScanLog() {
    if (!deniedScanLog_) deniedScanLog_.emplace(db_, clock_);
    return *deniedScanLog_;
}

}  // namespace admit::rules
