#pragma once
// What every `admit` command works with: the parsed command line, how it ends (an exit code or
// a CommandError), the database it opens and how it prints. One file per command group uses it
// (ticket_commands.cpp, attendee_commands.cpp, ...); main.cpp only dispatches.

#include <cstdint>
#include <optional>
#include <string>

#include <SQLiteCpp/Database.h>
#include <nlohmann/json.hpp>

#include "admit/base/result.hpp"
#include "admit/organiser/admin_error.hpp"
#include "admit/replica/replica_key.hpp"
#include "arguments.hpp"

namespace admit::cli {

struct Context {
    Arguments args;
    bool json = false;
};

// Why a command stopped. The kind decides the exit code (and whether the usage is printed);
// it is chosen where the error is made, by what went wrong, never from the message's words.
struct CommandError {
    enum class Kind {
        kFailed,    // exit 1: the command could not do its work (message says why)
        kBadUsage,  // exit 2: the command line is wrong; the usage follows the message
    };
    Kind kind = Kind::kFailed;
    std::string message;
};

CommandError failed(std::string message);
// Any library's error value (admit::Error, replica::ReplicaError, rules::CheckInError,
// organiser::AdminError...): the command could not do its work.
template <class E>
requires requires(const E& error) { error.message; }
CommandError failed(const E& error) { return failed(error.message); }
CommandError usage(std::string message);

// What a command ends with: its exit code, or why it stopped.
using Outcome = Result<int, CommandError>;

Result<std::string, CommandError> requireOption(const Context& c, const std::string& name);
Result<std::int64_t, CommandError> wholeNumberOption(const Context& c, const std::string& name);
// A point in time: Unix seconds, or UTC as 2026-07-04T18:30[:00][Z].
Result<std::int64_t, CommandError> timeOption(const Context& c, const std::string& name);

// The key of an encrypted database (--key-file or --key-credential); nullopt for a plain one.
Result<std::optional<replica::ReplicaKey>, CommandError> databaseKey(const Context& c);
// The database --db names, migrated; created when `create` (an event create).
Result<SQLite::Database, CommandError> openDatabase(const Context& c, bool create);

// The database and the --event a command works on, in that order of complaint.
struct EventDatabase {
    SQLite::Database db;
    std::string eventId;
};
Result<EventDatabase, CommandError> openForEvent(const Context& c);

// Who makes a change: --operator, else the name of the user running admit; and now.
organiser::Actor actor(const Context& c);

void print(const Context& c, const nlohmann::json& value, const std::string& text);

}  // namespace admit::cli
