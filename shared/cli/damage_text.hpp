#pragma once
// How the CLI shows a damaged replica: what `replica check` found and what `replica salvage`
// copied, as text or as a JSON object. The outbox comes first: its entries are check-ins only
// the kiosk holds until they are uploaded.

#include <string>

#include <nlohmann/json.hpp>

#include "admit/replica/replica.hpp"
#include "admit/replica/salvage.hpp"

namespace admit::cli {

// `replica check` of a damaged replica: the problems, then what each table still holds, then
// the salvage command (naming the key file, never the key).
std::string damagedCheckText(const std::string& path, const std::string& keyFile,
                             const replica::IntegrityReport& report);
nlohmann::json damagedCheckJson(const replica::IntegrityReport& report);

// `replica salvage`: per table what was copied, what failed, and whether rows were lost.
std::string salvageText(const std::string& from, const std::string& to,
                        const replica::SalvageReport& report);
nlohmann::json salvageJson(const std::string& from, const std::string& to,
                           const replica::SalvageReport& report);

}  // namespace admit::cli
