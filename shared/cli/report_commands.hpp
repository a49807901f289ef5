#pragma once
// admit audit and admit export: who did what, and the reports for after the event.

#include "command_context.hpp"

namespace admit::cli {

Outcome auditCommand(Context& c);
Outcome exportCommand(Context& c);

}  // namespace admit::cli
