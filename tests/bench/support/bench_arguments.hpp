#pragma once
// The positional arguments of a benchmark: whole numbers with defaults, checked, so that a typo
// or --help prints the usage instead of dying on an exception.

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace admit::bench {

// Prints `usage` and exits 0 if any argument asks for help.
inline void answerHelp(int argc, char** argv, const char* usage) {
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg(argv[i]);
        if (arg == "--help" || arg == "-h") {
            std::printf("usage: %s\n", usage);
            std::exit(0);
        }
    }
}

// The positional argument `index` (1-based) as a positive whole number, or `fallback` when it
// is absent. Anything else prints which argument is wrong and the usage, and exits 2.
inline std::int64_t countArgument(int argc, char** argv, int index, std::int64_t fallback,
                                  const char* name, const char* usage) {
    answerHelp(argc, argv, usage);
    if (argc <= index) return fallback;
    const std::string_view text(argv[index]);
    std::int64_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || value <= 0) {
        std::fprintf(stderr, "%s must be a positive whole number, not '%s'\nusage: %s\n", name,
                     argv[index], usage);
        std::exit(2);
    }
    return value;
}

}  // namespace admit::bench
