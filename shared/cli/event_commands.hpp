#pragma once
// admit event show|set, admit type add|rename|list, admit gate allow|list: an event's settings,
// ticket types and gate rules.

#include <string>

#include "command_context.hpp"

namespace admit::cli {

Outcome eventSettingsCommand(Context& c, const std::string& action);  // show, set
Outcome typeCommand(Context& c, const std::string& action);
Outcome gateCommand(Context& c, const std::string& action);

}  // namespace admit::cli
