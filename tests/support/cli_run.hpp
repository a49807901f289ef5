#pragma once
// Runs the real `admit` program (ADMIT_CLI_PATH) with arguments, optionally feeding a line on
// standard input, and returns its exit code and everything it printed.

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace admit::testing {

struct CliRun {
    int exitCode = -1;
    std::string out;  // stdout and stderr together
};

inline CliRun admit(const std::string& arguments, const std::string& stdinText = "") {
    std::string command = std::string(ADMIT_CLI_PATH) + " " + arguments + " 2>&1";
    if (!stdinText.empty()) command = "printf '%s\\n' '" + stdinText + "' | " + command;
    CliRun run;
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) return run;
    std::array<char, 4096> buffer{};
    std::size_t n = 0;
    while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) run.out.append(buffer.data(), n);
    int status = pclose(pipe);
    run.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return run;
}

}  // namespace admit::testing
