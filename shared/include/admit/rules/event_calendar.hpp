#pragma once
// An event's days: which event day an instant falls on, in the event's time zone, with the day
// beginning at a configurable local time (a festival's night counts for the day it began), and
// the words a verdict uses for days and times of day.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace date {
class time_zone;
}

namespace admit::rules {

class EventCalendar {
  public:
    // `timeZone` is an IANA name from the system's tzdb; `dayStartsAt` minutes after local
    // midnight (0-1439). nullopt if the zone is unknown or the minute out of range.
    static std::optional<EventCalendar> make(const std::string& timeZone, int dayStartsAt);
    // Days counted in UTC, without the tzdb (a device whose tzdb lacks the event's zone);
    // `dayStartsAt` is clamped to 0-1439.
    static EventCalendar utc(int dayStartsAt);

    // The event day of an instant (Unix ms): its local date, one day earlier before the day's
    // start. "YYYY-MM-DD".
    std::string dayOf(std::int64_t unixMs) const;
    // The local time of day of an instant, "10:42".
    std::string timeOfDay(std::int64_t unixMs) const;

  private:
    EventCalendar(const date::time_zone* zone, int dayStartsAt)
        : zone_(zone), dayStartsAt_(dayStartsAt) {}
    const date::time_zone* zone_;  // nullptr: UTC
    int dayStartsAt_;
};

// "2026-09-12" -> true only for a real calendar date in that exact form.
bool isEventDay(std::string_view day);
// "2026-09-12" -> "Sat 12" (English: the kiosk's words); the text itself if it is not a day.
std::string shortDayName(const std::string& day);

}  // namespace admit::rules
