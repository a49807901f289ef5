#pragma once
// Reads a PIN without it ever being on the command line: from the terminal with echo off, or
// one line from standard input when that is not a terminal (scripts, tests).

#include <string>

#include "admit/base/result.hpp"

namespace admit::cli {

Result<std::string> readPin(const std::string& prompt);

}  // namespace admit::cli
