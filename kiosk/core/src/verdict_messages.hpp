#pragma once
// The ShownVerdicts the core makes: the engine's verdict in plain words, a notice with a code,
// and "not saved, try again".

#include <cstdint>
#include <string>

#include "admit/kiosk/shown_verdict.hpp"
#include "admit/rules/verdict.hpp"

namespace admit::kiosk {

// Accepted (green, or amber with an attention note) or denied with the reason.
ShownVerdict fromEngineVerdict(const rules::Verdict& verdict, std::int64_t nowMs, std::string via);

// A notice that decides nothing ("setup_code_invalid", "no_event", ...).
ShownVerdict messageVerdict(VerdictKind kind, std::string code, std::string headline,
                            std::string reason, std::int64_t nowMs);

// "Not saved, try again", with what failed.
ShownVerdict storageErrorVerdict(std::string detail, std::int64_t nowMs);

}  // namespace admit::kiosk
