#pragma once
// admit event show|set|pretix-keys, admit type add|rename|list|map-pretix, admit gate allow|list:
// an event's settings, ticket types, gate rules and what it needs for pretix tickets.

#include <string>

#include "command_context.hpp"

namespace admit::cli {

Outcome eventSettingsCommand(Context& c, const std::string& action);  // show, set
Outcome typeCommand(Context& c, const std::string& action);
Outcome gateCommand(Context& c, const std::string& action);
// type days --event ID --type TYPE [--days D1,D2|any]: the event days a type is valid on.
Outcome typeDaysCommand(Context& c);
// admit event pretix-keys [--add KEY | --remove KEY]: the event's pretix public keys.
Outcome pretixKeysCommand(Context& c);
// admit type map-pretix [--item N --type NAME]: which ticket type a pretix item is (or the list).
Outcome mapPretixCommand(Context& c);

}  // namespace admit::cli
