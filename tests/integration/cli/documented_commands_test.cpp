// The README and `admit --help` name the same commands, and every command line the README shows
// parses: run with --help appended, `admit` accepts each one (every option it uses exists, the
// command is known) without running it.

#include <algorithm>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli_run.hpp"

namespace {

using admit::testing::admit;

// The commands that take a sub-command word ("ticket revoke").
const std::set<std::string> kGroups{"event",  "operator", "device", "quarantine", "replica",
                                    "ticket", "attendee", "type",   "gate"};

std::string readme() {
    std::ifstream in(std::string(ADMIT_SOURCE_DIR) + "/README.md");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::vector<std::string> words(const std::string& line) {
    std::vector<std::string> out;
    std::istringstream in(line);
    std::string word;
    while (in >> word) out.push_back(word);
    return out;
}

// "ticket revoke" or "import": the command a line of arguments names, skipping options and
// their values.
std::string commandOf(const std::string& arguments) {
    auto all = words(arguments);
    std::vector<std::string> positional;
    for (std::size_t i = 0; i < all.size(); ++i) {
        if (all[i].rfind("--", 0) == 0) {
            static const std::set<std::string> kFlags{"--json", "--exit", "--help", "--version",
                                                      "--checkin"};
            if (!kFlags.count(all[i])) ++i;
            continue;
        }
        positional.push_back(all[i]);
    }
    if (positional.empty()) return "";
    if (kGroups.count(positional[0]) && positional.size() > 1) {
        return positional[0] + " " + positional[1];
    }
    return positional[0];
}

// The arguments after `admit` of every command line in the README's shell blocks.
std::vector<std::string> readmeCommandLines() {
    std::vector<std::string> out;
    std::istringstream in(readme());
    std::string line;
    bool inShell = false;
    while (std::getline(in, line)) {
        if (line.rfind("```", 0) == 0) {
            inShell = line == "```sh";
            continue;
        }
        if (!inShell) continue;
        std::string rest;
        if (line.rfind("admit ", 0) == 0) {
            rest = line.substr(6);
        } else if (auto pipe = line.find("| admit "); pipe != std::string::npos) {
            rest = line.substr(pipe + 8);
        } else {
            continue;
        }
        if (auto comment = rest.find(" # "); comment != std::string::npos) rest.resize(comment);
        std::string cleaned;
        for (char ch : rest) {
            if (ch != '[' && ch != ']') cleaned.push_back(ch);
        }
        auto w = words(cleaned);
        // "admit --db org.db --key-file org.key ..." says how to open the database, nothing more.
        if (std::find(w.begin(), w.end(), "...") != w.end()) continue;
        out.push_back(cleaned);
    }
    return out;
}

// The commands `admit --help` lists: its lines with two spaces and a lower-case word.
std::set<std::string> helpCommands() {
    std::set<std::string> out;
    std::istringstream in(admit("--help").out);
    std::string line;
    static const std::regex kCommandLine(R"(^  [a-z][a-z-]*( .*)?$)");
    while (std::getline(in, line)) {
        if (!std::regex_match(line, kCommandLine)) continue;
        std::string arguments = line.substr(2);
        if (auto paren = arguments.find(" ("); paren != std::string::npos) arguments.resize(paren);
        // "replica create | open | check": one line for three sub-commands.
        std::vector<std::string> alternatives;
        for (std::size_t at; (at = arguments.rfind(" | ")) != std::string::npos;) {
            alternatives.push_back(arguments.substr(at + 3));
            arguments.resize(at);
        }
        std::string command = commandOf(arguments);
        out.insert(command);
        auto group = words(command);
        if (group.size() != 2) continue;
        for (const auto& alternative : alternatives) {
            auto first = words(alternative);
            if (!first.empty() && std::islower(static_cast<unsigned char>(first[0][0]))) {
                out.insert(group[0] + " " + first[0]);
            }
        }
    }
    return out;
}

TEST(DocumentedCommands, EveryReadmeCommandLineParses) {
    auto lines = readmeCommandLines();
    ASSERT_GT(lines.size(), 30U) << "the README's command lines were not found";
    for (const std::string& arguments : lines) {
        auto run = admit(arguments + " --help");
        EXPECT_EQ(run.exitCode, 0) << "admit " << arguments << "\n" << run.out;
        EXPECT_NE(run.out.find("usage: admit"), std::string::npos) << arguments;
    }
}

TEST(DocumentedCommands, TheReadmeAndTheHelpNameTheSameCommands) {
    std::set<std::string> documented;
    for (const std::string& arguments : readmeCommandLines()) {
        std::string command = commandOf(arguments);
        if (!command.empty()) documented.insert(command);
    }
    std::set<std::string> help = helpCommands();
    ASSERT_GT(help.size(), 30U);
    for (const auto& command : help)
        EXPECT_TRUE(documented.count(command)) << "not in the README: " << command;
    for (const auto& command : documented)
        EXPECT_TRUE(help.count(command)) << "not in admit --help: " << command;
}

TEST(DocumentedCommands, AnUnknownCommandOrOptionIsAUsageErrorEvenWithHelp) {
    EXPECT_EQ(admit("ticket destroy --event E --help").exitCode, 2);
    EXPECT_EQ(admit("attendee show --colour red --help").exitCode, 2);
    EXPECT_EQ(admit("frobnicate --help").exitCode, 2);
}

}  // namespace
