#include "admit/rules/event_calendar.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <stdexcept>

#include <date/date.h>
#include <date/tz.h>

namespace admit::rules {

std::optional<EventCalendar> EventCalendar::make(const std::string& timeZone, int dayStartsAt) {
    if (dayStartsAt < 0 || dayStartsAt >= 24 * 60) return std::nullopt;
    try {
        return EventCalendar(date::locate_zone(timeZone), dayStartsAt);
    } catch (const std::exception&) {
        return std::nullopt;  // not in the system's tzdb, or no tzdb
    }
}

EventCalendar EventCalendar::utc(int dayStartsAt) {
    return EventCalendar(nullptr, std::clamp(dayStartsAt, 0, 24 * 60 - 1));
}

namespace {

date::local_time<std::chrono::milliseconds> localTime(const date::time_zone* zone,
                                                      std::int64_t unixMs) {
    const date::sys_time<std::chrono::milliseconds> instant{std::chrono::milliseconds{unixMs}};
    if (zone == nullptr) {
        return date::local_time<std::chrono::milliseconds>{instant.time_since_epoch()};
    }
    return zone->to_local(instant);
}

}  // namespace

std::string EventCalendar::dayOf(std::int64_t unixMs) const {
    // On local wall-clock time, so a day that DST makes 23 or 25 hours long still begins at
    // the same local time.
    const auto local = localTime(zone_, unixMs) - std::chrono::minutes{dayStartsAt_};
    const date::year_month_day ymd{date::floor<date::days>(local)};
    std::array<char, 16> out{};
    std::snprintf(out.data(), out.size(), "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    return out.data();
}

std::string EventCalendar::timeOfDay(std::int64_t unixMs) const {
    const auto local = localTime(zone_, unixMs);
    const date::hh_mm_ss time{local - date::floor<date::days>(local)};
    std::array<char, 8> out{};
    std::snprintf(out.data(), out.size(), "%02d:%02d", static_cast<int>(time.hours().count()),
                  static_cast<int>(time.minutes().count()));
    return out.data();
}

namespace {

std::optional<date::year_month_day> parseDay(std::string_view day) {
    if (day.size() != 10 || day[4] != '-' || day[7] != '-') return std::nullopt;
    auto number = [&](std::size_t at, std::size_t length) -> std::optional<int> {
        int value = 0;
        for (std::size_t i = at; i < at + length; ++i) {
            if (day[i] < '0' || day[i] > '9') return std::nullopt;
            value = value * 10 + (day[i] - '0');
        }
        return value;
    };
    auto y = number(0, 4);
    auto m = number(5, 2);
    auto d = number(8, 2);
    if (!y || !m || !d) return std::nullopt;
    date::year_month_day ymd{date::year{*y}, date::month{static_cast<unsigned>(*m)},
                             date::day{static_cast<unsigned>(*d)}};
    if (!ymd.ok()) return std::nullopt;
    return ymd;
}

}  // namespace

bool isEventDay(std::string_view day) { return parseDay(day).has_value(); }

std::string shortDayName(const std::string& day) {
    auto ymd = parseDay(day);
    if (!ymd) return day;
    static constexpr std::array<const char*, 7> kNames{"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};
    const date::weekday weekday{date::sys_days{*ymd}};
    return std::string(kNames[weekday.c_encoding()]) + " " +
           std::to_string(static_cast<unsigned>(ymd->day()));
}

}  // namespace admit::rules
