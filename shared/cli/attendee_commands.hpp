#pragma once
// admit attendee list|show|search|add|set|history: the desk's view of attendees and changes.

#include <string>

#include "command_context.hpp"

namespace admit::cli {

Outcome attendeeCommand(Context& c, const std::string& action);

}  // namespace admit::cli
