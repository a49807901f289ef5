#include "report_commands.hpp"

#include <fstream>
#include <iostream>

#include "admit/organiser/history.hpp"
#include "admit/organiser/report_export.hpp"
#include "history_text.hpp"

namespace admit::cli {

Outcome auditCommand(Context& c) {
    if (c.args.positional().size() != 1) return fail(usage("audit takes options only"));
    auto opened = openForEvent(c);
    if (!opened) return fail(opened.error());
    organiser::HistoryQuery query;
    if (c.args.option("attendee")) {
        auto id = wholeNumberOption(c, "attendee");
        if (!id) return fail(id.error());
        query.attendeeId = *id;
    }
    query.operatorName = c.args.option("operator");
    query.deviceId = c.args.option("device");
    for (const char* name : {"since", "until"}) {
        if (!c.args.option(name)) continue;
        auto seconds = timeOption(c, name);
        if (!seconds) return fail(seconds.error());
        (std::string(name) == "since" ? query.sinceMs : query.untilMs) = *seconds * 1000;
    }
    auto lines = organiser::History(opened->db, opened->eventId).lines(query);
    if (!lines) return fail(failed(lines.error()));
    print(c, historyJson(*lines), historyText(*lines, "nothing recorded"));
    return 0;
}

Outcome exportCommand(Context& c) {
    const auto& pos = c.args.positional();
    if (pos.size() != 2) return fail(usage("export needs one of: checkins, attendees, audit"));
    auto kind = organiser::parseExportKind(pos[1]);
    if (!kind) return fail(usage(kind.error().message));
    auto formatName = requireOption(c, "format");
    if (!formatName) return fail(formatName.error());
    auto format = organiser::parseExportFormat(*formatName);
    if (!format) return fail(usage(format.error().message));
    auto opened = openForEvent(c);
    if (!opened) return fail(opened.error());
    auto report = organiser::exportReport(opened->db, opened->eventId, *kind, *format);
    if (!report) return fail(failed(report.error()));
    if (auto out = c.args.option("out")) {
        std::ofstream file(*out, std::ios::binary | std::ios::trunc);
        file << *report;
        file.close();
        if (!file) return fail(failed("cannot write " + *out));
        print(c, {{"report", pos[1]}, {"out", *out}}, pos[1] + " written to " + *out);
        return 0;
    }
    std::cout << *report;
    return 0;
}

}  // namespace admit::cli
