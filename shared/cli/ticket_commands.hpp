#pragma once
// admit ticket revoke|block|unblock|reissue: the organiser's changes to tickets.

#include <string>

#include "command_context.hpp"

namespace admit::cli {

Outcome ticketCommand(Context& c, const std::string& action);

}  // namespace admit::cli
