#pragma once
// admit operator add|list|remove|set-pin|unlock.

#include <string>

#include "command_context.hpp"

namespace admit::cli {

Outcome operatorCommand(Context& c, const std::string& action);

}  // namespace admit::cli
