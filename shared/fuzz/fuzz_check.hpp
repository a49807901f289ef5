#pragma once
// Fuzz helper: a violated property is a crash, which libFuzzer records as a finding.

#include <cstdio>
#include <cstdlib>

#define ADMIT_FUZZ_CHECK(condition)                                                    \
    do {                                                                               \
        if (!(condition)) {                                                            \
            std::fprintf(stderr, "%s:%d: property violated: %s\n", __FILE__, __LINE__, \
                         #condition);                                                  \
            std::abort();                                                              \
        }                                                                              \
    } while (false)
