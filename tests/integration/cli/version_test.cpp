// The three programs' --version: the version and the commit CMake saw when it configured
// (cmake/AdmitVersion.cmake), one line on stdout, exit 0; and their --help on stdout, exit 0.

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace admit::testing {
namespace {

struct Run {
    int exitCode = -1;
    std::string out;  // stdout only
};

Run run(const std::string& program, const std::string& arguments) {
    std::string command = program + " " + arguments + " 2>/dev/null";
    Run result;
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) return result;
    std::array<char, 4096> buffer{};
    std::size_t n = 0;
    while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
        result.out.append(buffer.data(), n);
    }
    int status = pclose(pipe);
    result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

void expectVersion(const std::string& path, const std::string& name) {
    Run version = run(path, "--version");
    EXPECT_EQ(version.exitCode, 0);
    EXPECT_EQ(version.out,
              name + " " + ADMIT_EXPECTED_VERSION + " (commit " + ADMIT_EXPECTED_COMMIT + ")\n");
    Run help = run(path, "--help");
    EXPECT_EQ(help.exitCode, 0);
    EXPECT_EQ(help.out.rfind("usage: " + name + " ", 0), 0U) << help.out;
}

TEST(Version, AdmitPrintsVersionAndCommit) { expectVersion(ADMIT_CLI_PATH, "admit"); }

TEST(Version, AdmitServerPrintsVersionAndCommit) {
    expectVersion(ADMIT_SERVER_PATH, "admit-server");
}

TEST(Version, AdmitKioskPrintsVersionAndCommit) { expectVersion(ADMIT_KIOSK_PATH, "admit-kiosk"); }

}  // namespace
}  // namespace admit::testing
