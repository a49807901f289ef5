#pragma once
// admit operator list|remove|set-pin|unlock (operator add stays in main.cpp's dispatch).

#include <string>

#include "command_context.hpp"

namespace admit::cli {

Outcome operatorCommand(Context& c, const std::string& action);

}  // namespace admit::cli
