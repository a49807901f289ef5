#pragma once
// What the verdict screen shows (and the headless mode prints) for one scan or search check-in:
// a kind that picks colour, icon and sound, and the words, already in plain language.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "admit/store/checkin_log.hpp"

namespace admit::kiosk {

enum class VerdictKind {
    kAccepted,   // green: come in
    kDenied,     // red: not admitted, with the reason
    kAttention,  // amber: a human must look (attention note, event switch needs an organiser)
    kSetup,      // the kiosk was set up (or switched) by an event code
    kInfo,       // nothing decided: e.g. "scan the event code first"
    kError,      // storage failure: neither accepted nor denied, try again
};

// Stable machine name: "accepted", "denied", "attention", "setup", "info", "error".
std::string_view verdictKindName(VerdictKind kind);

// The code of a verdict that recorded a check-in.
inline constexpr std::string_view kAcceptedCode = "accepted";

struct ShownVerdict {
    // What colour, icon and sound say. An accepted check-in with an attention note is
    // kAttention, so the kind alone does not tell whether someone was let in: the code does.
    VerdictKind kind = VerdictKind::kInfo;
    // The one source of truth for the outcome: kAcceptedCode (a check-in was recorded), a
    // denial code ("already_checked_in", ...) or a message's ("setup_code_invalid", ...).
    std::string code;
    std::string headline;    // "Welcome", "Not admitted", ...
    std::string name;        // attendee name, may be empty
    std::string ticketType;  // may be empty
    std::string reason;      // plain words: "Already checked in at 10:42, Gate B"
    std::string note;        // attention note for a human
    std::string detail;      // technical particulars (logs, JSON), not shown large
    std::string ticketRef;
    store::Direction direction = store::Direction::kEntry;
    std::string via = "scan";  // "scan" or "search"
    std::string format;        // the code's: "admit", "pretix_sig1", "opaque"; empty if none
    std::int64_t atMs = 0;
    std::uint64_t sequence = 0;  // 1, 2, ... per kiosk run

    bool accepted() const { return code == kAcceptedCode; }

    // Timing (steady clock), for the latency figures in docs/performance.md. A code read by the
    // scanning pipeline: when the frame it was read from was handed to the pipeline and how long
    // QrReader::read took on it; unset for typed codes and search check-ins.
    std::optional<std::chrono::steady_clock::time_point> frameCaptured;
    std::chrono::microseconds readDuration{};
    // When the verdict was decided (after the check-in was committed) and queued for the screen.
    std::chrono::steady_clock::time_point decidedAt{};
};

}  // namespace admit::kiosk
