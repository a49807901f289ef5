#pragma once
// Helpers shared by the replica tests: raw file access (and the shared TempDir).

#include <sodium.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "admit/base/bytes.hpp"
#include "temp_dir.hpp"

namespace admit::replica::testing {

using ::admit::testing::TempDir;

inline std::vector<std::uint8_t> readAll(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void writeAll(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
}

inline bool containsText(const std::vector<std::uint8_t>& haystack, std::string_view needle) {
    return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                       [](std::uint8_t a, char b) { return a == static_cast<std::uint8_t>(b); }) !=
           haystack.end();
}

inline void flipByte(const std::filesystem::path& path, std::size_t offset,
                     std::uint8_t mask = 0x01) {
    std::vector<std::uint8_t> bytes = readAll(path);
    bytes.at(offset) = static_cast<std::uint8_t>(bytes.at(offset) ^ mask);
    writeAll(path, bytes);
}

inline void copyFile(const std::filesystem::path& from, const std::filesystem::path& to) {
    std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing);
}

}  // namespace admit::replica::testing
