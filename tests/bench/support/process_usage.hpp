#pragma once
// What a benchmark's child process (the server) has used, from /proc.

#include <sys/types.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>

namespace admit::bench {

// The process's user + system CPU time so far, in ms (0 if it cannot be read).
inline double processCpuMs(pid_t pid) {
    // Read with stdio: an istreambuf_iterator here trips -Wnull-dereference at -O2.
    char text[1024] = {};
    FILE* file = std::fopen(("/proc/" + std::to_string(pid) + "/stat").c_str(), "r");
    if (!file) return 0;
    const std::size_t n = std::fread(text, 1, sizeof text - 1, file);
    std::fclose(file);
    const std::string stat(text, n);
    // Fields after the command (which is in parentheses and may hold spaces): utime is the
    // 14th field and stime the 15th, in clock ticks.
    std::istringstream fields(stat.substr(stat.rfind(')') + 2));
    std::string field;
    long ticks = 0;
    for (int i = 3; i <= 15 && fields >> field; ++i) {
        if (i == 14 || i == 15) ticks += std::stol(field);
    }
    return static_cast<double>(ticks) * 1000.0 / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// A field of /proc/<pid>/status in KiB (VmRSS, VmHWM...), 0 if it cannot be read.
inline long processStatusKib(pid_t pid, const char* name) {
    FILE* file = std::fopen(("/proc/" + std::to_string(pid) + "/status").c_str(), "r");
    if (!file) return 0;
    char line[256];
    long kib = 0;
    const std::string prefix = std::string(name) + ":";
    while (std::fgets(line, sizeof line, file)) {
        if (std::string(line).rfind(prefix, 0) == 0) {
            kib = std::atol(line + prefix.size());
            break;
        }
    }
    std::fclose(file);
    return kib;
}

}  // namespace admit::bench
