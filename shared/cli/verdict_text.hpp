#pragma once
// How the CLI shows a verdict: one line of text, or a JSON object.

#include <string>

#include <nlohmann/json.hpp>

#include "admit/rules/verdict.hpp"

namespace admit::cli {

std::string verdictText(const rules::Verdict& verdict);
nlohmann::json verdictJson(const rules::Verdict& verdict);

}  // namespace admit::cli
