#include "command_context.hpp"

#include <pwd.h>
#include <unistd.h>

#include <ctime>
#include <iostream>

#include "admit/replica/replica.hpp"
#include "admit/replica/replica_key.hpp"
#include "admit/store/clock.hpp"
#include "admit/store/schema.hpp"
#include "admit/store/store.hpp"

namespace admit::cli {

CommandError failed(std::string message) {
    return {CommandError::Kind::kFailed, std::move(message)};
}

CommandError usage(std::string message) {
    return {CommandError::Kind::kBadUsage, std::move(message)};
}

Result<std::string, CommandError> requireOption(const Context& c, const std::string& name) {
    auto value = c.args.required(name);
    if (!value) return fail(usage(value.error().message));
    return std::move(value).value();
}

Result<std::int64_t, CommandError> wholeNumberOption(const Context& c, const std::string& name) {
    auto text = requireOption(c, name);
    if (!text) return fail(text.error());
    if (text->empty() || text->size() > 18 ||
        text->find_first_not_of("0123456789") != std::string::npos) {
        return fail(usage("--" + name + " needs a whole number"));
    }
    return std::stoll(*text);
}

Result<std::int64_t, CommandError> timeOption(const Context& c, const std::string& name) {
    auto text = requireOption(c, name);
    if (!text) return fail(text.error());
    if (!text->empty() && text->size() <= 12 &&
        text->find_first_not_of("0123456789") == std::string::npos) {
        return std::stoll(*text);
    }
    std::tm tm{};
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    char zone = 0;
    int fields = std::sscanf(text->c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &year, &month, &day, &hour,
                             &minute, &second, &zone);
    bool shortForm = fields == 5 && text->size() == 16;
    bool zoned = fields == 7 && zone == 'Z' && text->size() == 20;
    bool plain = fields == 6 && text->size() == 19;
    if (!(shortForm || zoned || plain) || month < 1 || month > 12 || day < 1 || day > 31 ||
        hour > 23 || minute > 59 || second > 60) {
        return fail(usage("--" + name +
                          " needs Unix seconds or a UTC time such as 2026-07-04T18:30, not '" +
                          *text + "'"));
    }
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_sec = second;
    return static_cast<std::int64_t>(timegm(&tm));
}

// The key of an encrypted database: --key-file or --key-credential; nullopt when neither is
// given (a plain database).
Result<std::optional<replica::ReplicaKey>, CommandError> databaseKey(const Context& c) {
    auto keyFile = c.args.option("key-file");
    auto credential = c.args.option("key-credential");
    if (keyFile && credential) {
        return fail(usage("give at most one of --key-file and --key-credential"));
    }
    if (!keyFile && !credential) return std::optional<replica::ReplicaKey>{};
    auto key =
        keyFile ? replica::loadKeyFile(*keyFile) : replica::loadKeyFromCredential(*credential);
    if (!key) return fail(failed(key.error()));
    return std::optional<replica::ReplicaKey>{std::move(key).value()};
}

Result<SQLite::Database, CommandError> openDatabase(const Context& c, bool create) {
    auto path = requireOption(c, "db");
    if (!path) return fail(path.error());
    auto key = databaseKey(c);
    if (!key) return fail(key.error());
    if (*key) {
        auto db = replica::openReplica(
            *path, **key, create ? replica::OpenMode::kCreate : replica::OpenMode::kReadWrite);
        if (!db) return fail(failed(db.error()));
        store::applyConnectionSettings(*db);
        if (auto migrated = store::migrate(*db); !migrated) return fail(failed(migrated.error()));
        return std::move(db).value();
    }
    auto db = store::openPlainDatabase(
        *path, create ? store::OpenMode::kCreate : store::OpenMode::kExisting);
    if (!db) return fail(failed(db.error()));
    return std::move(db).value();
}

Result<EventDatabase, CommandError> openForEvent(const Context& c) {
    auto db = openDatabase(c, false);
    if (!db) return fail(db.error());
    auto eventId = requireOption(c, "event");
    if (!eventId) return fail(eventId.error());
    return EventDatabase{std::move(db).value(), std::move(eventId).value()};
}

organiser::Actor actor(const Context& c) {
    std::string name;
    if (auto given = c.args.option("operator")) {
        name = *given;
    } else if (const passwd* user = getpwuid(geteuid()); user && user->pw_name) {
        name = user->pw_name;
    } else {
        name = "uid " + std::to_string(geteuid());
    }
    return {name, store::systemTimeMs()};
}

void print(const Context& c, const nlohmann::json& value, const std::string& text) {
    if (c.json) {
        std::cout << value.dump() << "\n";
    } else {
        std::cout << text << (text.empty() || text.back() == '\n' ? "" : "\n");
    }
}

}  // namespace admit::cli
