#include "admit/sync/protocol/heartbeat.hpp"

#include <charconv>

#include "admit/store/hybrid_logical_clock.hpp"

namespace admit::sync {

std::vector<std::pair<std::string, std::string>> heartbeatFields(const DeviceHeartbeat& h) {
    std::vector<std::pair<std::string, std::string>> out;
    if (h.clockMs) out.emplace_back(kClockField, std::to_string(*h.clockMs));
    if (!h.appVersion.empty()) out.emplace_back(kVersionField, h.appVersion);
    if (h.outboxDepth) out.emplace_back(kOutboxField, std::to_string(*h.outboxDepth));
    return out;
}

namespace {

// A whole number of at most 18 digits (a clock in ms has 13), negative only when `signedValue`.
std::optional<std::int64_t> wholeNumber(std::string_view text, bool signedValue) {
    const std::size_t digits = text.size() - (!text.empty() && text.front() == '-' ? 1 : 0);
    if (digits == 0 || digits > 18) return std::nullopt;
    std::int64_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    if (value < 0 && !signedValue) return std::nullopt;
    return value;
}

}  // namespace

Result<DeviceHeartbeat> parseHeartbeat(std::string_view clock, std::string_view version,
                                       std::string_view outbox) {
    DeviceHeartbeat h;
    if (!clock.empty()) {
        h.clockMs = wholeNumber(clock, true);
        if (!h.clockMs) {
            return fail("header field " + std::string(kClockField) +
                        " must be a whole number of milliseconds");
        }
    }
    if (!version.empty()) {
        if (version.size() > 64) {
            return fail("header field " + std::string(kVersionField) +
                        " is longer than 64 characters");
        }
        for (char ch : version) {
            if (ch < 0x21 || ch > 0x7e) {
                return fail("header field " + std::string(kVersionField) +
                            " must be printable ASCII without spaces");
            }
        }
        h.appVersion = std::string(version);
    }
    if (!outbox.empty()) {
        h.outboxDepth = wholeNumber(outbox, false);
        if (!h.outboxDepth) {
            return fail("header field " + std::string(kOutboxField) +
                        " must be a whole number of entries");
        }
    }
    return h;
}

bool clockIsOff(std::optional<std::int64_t> clockOffsetMs) {
    return clockOffsetMs &&
           (*clockOffsetMs > store::kMaxMergedLeadMs || *clockOffsetMs < -store::kMaxMergedLeadMs);
}

std::string clockOffsetText(std::int64_t clockOffsetMs) {
    // Rounded: a request's travel time takes a few milliseconds off an offset of whole minutes.
    const std::int64_t minutes =
        ((clockOffsetMs < 0 ? -clockOffsetMs : clockOffsetMs) + 30'000) / 60'000;
    std::string amount;
    if (minutes < 120) {
        amount = std::to_string(minutes) + " min";
    } else if (minutes < 48 * 60) {
        amount = std::to_string(minutes / 60) + " h";
    } else {
        amount = std::to_string(minutes / (24 * 60)) + " days";
    }
    return "clock " + amount + (clockOffsetMs < 0 ? " behind" : " ahead");
}

}  // namespace admit::sync
