#pragma once
// pretix_sig1 tickets and keys from pretix's own test fixtures, handed to the project beside it
// (../shared/testdata/pretix-sig1/vectors.json). The target defines ADMIT_TESTDATA_DIR.

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace admit::testing {

inline const std::filesystem::path kPretixVectors =
    std::filesystem::path(ADMIT_TESTDATA_DIR) / "pretix-sig1" / "vectors.json";

inline nlohmann::json readPretixVectors() {
    std::ifstream in(kPretixVectors);
    if (!in) throw std::runtime_error("cannot read " + kPretixVectors.string());
    return nlohmann::json::parse(in);
}

// "2023-02-03T22:59:59Z" -> Unix seconds.
inline std::int64_t unixSecondsOf(const std::string& isoUtc) {
    std::tm tm{};
    if (!strptime(isoUtc.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm)) {
        throw std::runtime_error("not an ISO UTC time: " + isoUtc);
    }
    return static_cast<std::int64_t>(timegm(&tm));
}

}  // namespace admit::testing
