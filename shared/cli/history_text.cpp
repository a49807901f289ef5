#include "history_text.hpp"

#include <array>
#include <ctime>

namespace admit::cli {
namespace {

std::string utc(std::int64_t ms) {
    std::time_t t = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::array<char, 32> out{};
    std::strftime(out.data(), out.size(), "%Y-%m-%d %H:%M:%S", &tm);
    return out.data();
}

// The detail as JSON, or as the text it is when it is not JSON.
nlohmann::json detail(const std::string& text) {
    auto parsed = nlohmann::json::parse(text, nullptr, false);
    return parsed.is_discarded() ? nlohmann::json(text) : parsed;
}

}  // namespace

nlohmann::json historyJson(const std::vector<organiser::HistoryLine>& lines) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& l : lines) {
        out.push_back({{"time_ms", l.wallTimeMs},
                       {"action", l.action},
                       {"operator", l.operatorName},
                       {"device_id", l.deviceId},
                       {"subject", l.subject},
                       {"gate", l.gate},
                       {"text", l.text},
                       {"detail", detail(l.detail)}});
    }
    return out;
}

std::string historyText(const std::vector<organiser::HistoryLine>& lines, const std::string& none) {
    if (lines.empty()) return none;
    std::string text;
    for (const auto& l : lines) text += utc(l.wallTimeMs) + " UTC  " + l.text + "\n";
    return text;
}

}  // namespace admit::cli
