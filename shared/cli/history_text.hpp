#pragma once
// How `admit audit` and `admit attendee history` print history lines.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "admit/organiser/history.hpp"

namespace admit::cli {

nlohmann::json historyJson(const std::vector<organiser::HistoryLine>& lines);
// One line each: UTC time, then the sentence; `none` when there are no lines.
std::string historyText(const std::vector<organiser::HistoryLine>& lines, const std::string& none);

}  // namespace admit::cli
