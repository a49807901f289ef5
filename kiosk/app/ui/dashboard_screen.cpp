#include <algorithm>
#include <vector>

#include "admit/kiosk/strings.hpp"
#include "admit/sync/protocol/heartbeat.hpp"
#include "screens.hpp"
#include "widgets.hpp"

namespace admit::kiosk::app::ui {
namespace {

void countTable(const Theme& theme, const char* title, const std::vector<store::CountPair>& rows,
                bool withExpected) {
    ImGui::PushFont(theme.large);
    ImGui::TextWrapped("%s", title);
    ImGui::PopFont();
    if (ImGui::BeginTable(title, 2, ImGuiTableFlags_RowBg)) {
        for (const auto& row : rows) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(row.label.empty() ? "-" : row.label.c_str());
            ImGui::TableNextColumn();
            std::string count = std::to_string(row.checkedIn);
            if (withExpected) count += " / " + std::to_string(row.expected);
            ImGui::TextUnformatted(count.c_str());
        }
        ImGui::EndTable();
    }
}

// Each device enrolled for the event and its last sync, as the server saw them at this
// kiosk's last successful round (docs/sync.md, devices list).
void syncedDevices(const Theme& theme, const std::vector<sync::DeviceStatus>& devices,
                   std::int64_t nowMs) {
    if (devices.empty()) return;
    ImGui::PushFont(theme.large);
    ImGui::TextWrapped("%s", text::kDevices);
    ImGui::PopFont();
    if (ImGui::BeginTable(text::kDevices, 2, ImGuiTableFlags_RowBg)) {
        for (const auto& device : devices) {
            std::string name = device.name.empty() ? device.deviceId : device.name;
            if (name.size() > 16) name = name.substr(0, 16) + "...";
            if (!device.gate.empty())
                name += " (" + std::string(text::kGate) + " " + device.gate + ")";
            std::string synced = device.lastSyncAtMs ? text::syncedAgo(nowMs - *device.lastSyncAtMs)
                                                     : std::string(text::kNeverSynced);
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(name.c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(synced.c_str());
            if (sync::clockIsOff(device.clockOffsetMs)) {
                // A clock off by minutes orders its check-ins wrongly: someone should fix it. Its
                // own line, wrapped: the column is narrow on a small screen.
                std::string off = sync::clockOffsetText(*device.clockOffsetMs);
                off[0] = 'C';
                ImGui::PushStyleColor(ImGuiCol_Text, Theme::kAmber);
                ImGui::TextWrapped("%s", off.c_str());
                ImGui::PopStyleColor();
            }
        }
        ImGui::EndTable();
    }
}

}  // namespace

void drawDashboardScreen(UiContext& ui) {
    const auto& state = ui.core.state();
    const Theme& theme = ui.theme;
    beginScreen("dashboard", Theme::kPanel);
    statusBar(theme, state, ui.nowMs);
    float width = ImGui::GetWindowWidth();
    float inner = width - theme.pad * 2.0f;

    const char* title = state.dashboardOnly ? text::kReadOnly : text::kDashboardTitle;
    ImGui::PushFont(theme.large);
    ImGui::TextUnformatted(title);
    float titleW = ImGui::CalcTextSize(title).x;
    ImGui::PopFont();
    if (!state.dashboardOnly) {
        // Beside the title when there is room, else on a row of their own (portrait).
        float buttonsW = labelWidth(theme, text::kUndoLast) + labelWidth(theme, text::kSignOut) +
                         theme.unit * 4.0f + theme.pad;
        bool beside = titleW + theme.pad * 2.0f + buttonsW <= inner;
        float rowW = beside ? buttonsW : inner;
        if (beside) ImGui::SameLine(inner - buttonsW + theme.pad);
        int pressed = buttonRow(theme, {{text::kUndoLast, Theme::kRed}, {text::kSignOut}}, rowW);
        if (pressed == 0) ui.core.undoLast();
        if (pressed == 1) ui.core.signOut();
    }
    if (!state.notice.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.8f, 0.35f, 1.0f));
        ImGui::TextWrapped("%s", state.notice.c_str());
        ImGui::PopStyleColor();
    }
    if (!state.stats) {
        ImGui::TextWrapped("%s", state.event ? "..." : state.setupStatus.c_str());
        ImGui::End();
        return;
    }
    const auto& stats = *state.stats;

    // Headline numbers.
    ImGui::PushFont(theme.huge);
    std::string checked = std::to_string(stats.checkedIn) + " / " + std::to_string(stats.expected);
    ImGui::TextUnformatted(checked.c_str());
    float checkedW = ImGui::CalcTextSize(checked.c_str()).x;
    ImGui::PopFont();
    ImGui::SameLine();
    ImGui::PushFont(theme.large);
    ImGui::TextUnformatted(text::kCheckedIn);
    std::string inside = std::string(text::kInsideNow) + ": " + std::to_string(stats.insideNow);
    // "Inside now" on the same line when it fits, else under the headline.
    float lineW = checkedW + theme.pad + ImGui::CalcTextSize(text::kCheckedIn).x +
                  theme.unit * 2.0f + ImGui::CalcTextSize(inside.c_str()).x;
    if (lineW <= inner) ImGui::SameLine(0.0f, theme.unit * 2.0f);
    ImGui::TextUnformatted(inside.c_str());
    ImGui::PopFont();

    ImGui::BeginChild("details", ImVec2(inner, 0.0f), false);
    // Two columns when there is room: counts on the left, arrivals and duplicates on the right.
    // Portrait screens get one column: the headings would not fit half the width.
    int columns = width > theme.unit * 28.0f && width >= ImGui::GetWindowHeight() ? 2 : 1;
    if (ImGui::BeginTable("layout", columns)) {
        ImGui::TableNextColumn();
        countTable(theme, text::kByTicketType, stats.byTicketType, true);
        countTable(theme, text::kByGate, stats.byGate, false);
        std::vector<store::CountPair> devices = stats.byDevice;
        for (auto& d : devices) d.label = deviceLabel(d.label, state.deviceId, state.sync.devices);
        countTable(theme, text::kByDevice, devices, false);
        syncedDevices(theme, state.sync.devices, ui.nowMs);
        ImGui::TableNextColumn();
        ImGui::PushFont(theme.large);
        ImGui::TextWrapped("%s", text::kArrivals);
        ImGui::PopFont();
        std::vector<float> arrivals;
        for (const auto& bucket : stats.arrivals) {
            arrivals.push_back(static_cast<float>(bucket.second));
        }
        if (arrivals.empty()) arrivals.push_back(0.0f);
        std::string lastBucket = stats.arrivals.empty()
                                     ? std::string(text::kNoArrivals)
                                     : text::clockTime(stats.arrivals.back().first);
        ImGui::PushStyleColor(ImGuiCol_PlotHistogram, ImVec4(0.35f, 0.75f, 1.0f, 1.0f));
        ImGui::PlotHistogram("##arrivals", arrivals.data(), static_cast<int>(arrivals.size()), 0,
                             lastBucket.c_str(), 0.0f, FLT_MAX,
                             ImVec2(ImGui::GetContentRegionAvail().x, theme.unit * 5.0f));
        ImGui::PopStyleColor();
        ImGui::PushFont(theme.large);
        ImGui::TextWrapped("%s", text::kDuplicates);
        ImGui::PopFont();
        if (stats.duplicates.empty()) ImGui::TextUnformatted(text::kNoDuplicates);
        for (const auto& d : stats.duplicates) {
            ImGui::TextWrapped(
                "%s: %lld", d.attendeeName.empty() ? d.ticketRef.c_str() : d.attendeeName.c_str(),
                static_cast<long long>(d.entries));
        }
        ImGui::EndTable();
    }
    ImGui::EndChild();
    ImGui::End();
}

}  // namespace admit::kiosk::app::ui
