#pragma once
// Every user-visible string of the kiosk, core and screens alike, in one place for translation.
// Screens and the headless output take their words from here and nowhere else.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "admit/kiosk/search_row.hpp"
#include "admit/rules/verdict.hpp"
#include "admit/store/attendee_search.hpp"

namespace admit::kiosk::text {

// Window and status bar
inline constexpr const char* kAppTitle = "Admit kiosk";
inline constexpr const char* kNeverSynced = "Never synced";
inline constexpr const char* kSyncStopped = "Sync stopped: scan a new event code";
inline constexpr const char* kKioskRemoved =
    "This kiosk was removed by the organiser: scan a new event code";
inline constexpr const char* kEntry = "ENTRY";
inline constexpr const char* kExit = "EXIT";
inline constexpr const char* kGate = "Gate";
inline constexpr const char* kToUpload = "to upload";
inline constexpr const char* kNoEvent = "No event";

// Set-up screen
inline constexpr const char* kSetupTitle = "Set up this kiosk";
inline constexpr const char* kSetupInstruction = "Hold the EVENT CODE up to the camera";
inline constexpr const char* kSetupHint =
    "The organiser prints it from the admin tool. Tickets cannot be checked until then.";
inline constexpr const char* kSetupOpening = "Opening the database...";
inline constexpr const char* kSetupWaiting = "Waiting for the event code...";
inline constexpr const char* kSetupApplying = "Reading the event code...";
inline constexpr const char* kStartingCamera = "Starting the camera...";
inline constexpr const char* kDownloadingRoster = "Downloading the guest list...";

// Scanning screen
inline constexpr const char* kScanInstruction = "Hold your ticket QR code inside the frame";
inline constexpr const char* kSearchButton = "Search by name";
inline constexpr const char* kOrganiserButton = "Organiser";
inline constexpr const char* kSettingsButton = "Settings";
inline constexpr const char* kNoCamera = "No camera picture";
inline constexpr const char* kCameraFinished = "The demo video has ended";
inline constexpr const char* kScannerConnected = "Scanner connected";
inline constexpr const char* kScannerDisconnected = "Scanner disconnected";

// Verdict screen
inline constexpr const char* kWelcome = "WELCOME";
inline constexpr const char* kGoodbye = "GOODBYE";
inline constexpr const char* kNotAdmitted = "NOT ADMITTED";
inline constexpr const char* kSeeVolunteer = "PLEASE WAIT: A VOLUNTEER WILL HELP";
inline constexpr const char* kSetUpFor = "KIOSK SET UP";
inline constexpr const char* kNotice = "NOTICE";
inline constexpr const char* kTryAgain = "NOT SAVED: PLEASE SCAN AGAIN";
inline constexpr const char* kTapToContinue = "Tap anywhere to continue";
inline constexpr const char* kIconAccepted = "OK";
inline constexpr const char* kIconDenied = "X";
inline constexpr const char* kIconAttention = "!";
inline constexpr const char* kIconInfo = "i";
inline constexpr const char* kNoName = "Valid ticket";
inline constexpr const char* kViaSearch = "checked in by search";

// Search screen
inline constexpr const char* kSearchTitle = "Find an attendee";
inline constexpr const char* kSearchPrompt = "Type a name or e-mail";
inline constexpr const char* kSearchNoResults = "Nobody found";
inline constexpr const char* kHideKeyboard = "Hide keys";
inline constexpr const char* kShowKeyboard = "Keys";

// What a search result says about the person before the volunteer confirms, and how loudly.
enum class SearchTone {
    kReady,      // approved, not inside: checking in should work
    kAlreadyIn,  // inside now: a check-in is likely refused
    kCaution,    // waiting for approval
    kRefused,    // cancelled, not approved, or refused by another rule (a withdrawn code)
};
struct SearchState {
    // "Inside since 10:42 - Gate B, This kiosk", "Left at 11:02 - came in 10:42, Gate B, ...",
    // "Not checked in yet", "Waiting for approval", "Booking cancelled"
    std::string text;
    SearchTone tone = SearchTone::kReady;
    std::string note;  // "Note: <attention note>" in full, or empty
};
// entryDevice: how the device of the person's last entry is shown (deviceLabel), or empty.
SearchState searchState(const SearchRow& hit, const std::string& entryDevice);
// Whether searchState shows the row's refusal (a withdrawn code, a gate) in place of the state.
bool showsRefusal(const SearchRow& row);
inline constexpr const char* kCheckIn = "Check in";
inline constexpr const char* kMarkExit = "Mark exit";
inline constexpr const char* kConfirmCheckIn = "Check in this person?";
inline constexpr const char* kConfirmExit = "Record that this person left?";
inline constexpr const char* kYes = "Yes, check in";
inline constexpr const char* kYesExit = "Yes, mark exit";
// The button of a search result's action; null for kNone (no button).
const char* searchActionLabel(SearchAction action);
inline constexpr const char* kNo = "No";
inline constexpr const char* kBack = "Back";
inline constexpr const char* kClear = "Clear";
inline constexpr const char* kSpace = "Space";
inline constexpr const char* kDelete = "Delete";
inline constexpr const char* kShift = "Shift";

// PIN screen
inline constexpr const char* kPinTitle = "Enter your PIN";
inline constexpr const char* kPinOrganiserTitle = "Organiser PIN";
inline constexpr const char* kPinWho = "Who are you?";
inline constexpr const char* kPinOk = "OK";
inline constexpr const char* kWrongPin = "Wrong PIN";
inline constexpr const char* kUnknownOperator = "Unknown operator";
inline constexpr const char* kNotOrganiser = "This needs an organiser";
inline constexpr const char* kNoOperators = "No operators are set up for this event";
inline constexpr const char* kDemoPinHint = "Demo: organiser PIN is 2468";

// Dashboard
inline constexpr const char* kDashboardTitle = "Attendance";
inline constexpr const char* kCheckedIn = "Checked in";
inline constexpr const char* kInsideNow = "Inside now";
inline constexpr const char* kByTicketType = "By ticket type";
inline constexpr const char* kByGate = "By gate";
inline constexpr const char* kByDevice = "By device";
inline constexpr const char* kArrivals = "Arrivals per 10 minutes";
inline constexpr const char* kDuplicates = "Duplicates";
inline constexpr const char* kNoDuplicates = "No duplicates";
inline constexpr const char* kNoArrivals = "No arrivals yet";
inline constexpr const char* kUndoLast = "Undo last check-in";
inline constexpr const char* kSignOut = "Sign out";
inline constexpr const char* kReadOnly = "Read-only dashboard";

// Settings
inline constexpr const char* kSettingsTitle = "Settings";
inline constexpr const char* kGateName = "Gate name";
inline constexpr const char* kDirection = "Direction";
inline constexpr const char* kSound = "Sound";
inline constexpr const char* kSoundOn = "Sound on";
inline constexpr const char* kSoundOff = "Muted";
inline constexpr const char* kCamera = "Camera";
inline constexpr const char* kSyncServer = "Sync server";
inline constexpr const char* kNoSyncServer = "None: this kiosk works offline";
inline constexpr const char* kUnencrypted = "unencrypted (plain HTTP)";
inline constexpr const char* kEncrypted = "encrypted (TLS)";
inline constexpr const char* kEncryptedPinned = "encrypted (TLS), server key checked";
inline constexpr const char* kSave = "Save";
inline constexpr const char* kCancel = "Cancel";
inline constexpr const char* kChange = "Change";
inline constexpr const char* kGatePrompt = "Type the gate name";
inline constexpr const char* kGateNameEmpty = "The gate name cannot be empty";
inline constexpr const char* kGateNameInvalid = "The gate name cannot hold control characters";
inline constexpr const char* kNoCameras =
    "No camera found. Plug a USB camera in, then tap Look again.";
inline constexpr const char* kLookAgain = "Look again";
inline constexpr const char* kCameraInUse = "In use";
inline constexpr const char* kLookingForCameras = "Looking for cameras...";

// Organiser dashboard: sync
inline constexpr const char* kDevices = "Devices";
inline constexpr const char* kThisKiosk = "This kiosk";

// Damaged replica screen
inline constexpr const char* kDamagedTitle = "This kiosk's data file is damaged";
inline constexpr const char* kOlderFormatTitle = "This kiosk's data file is from an older version";
inline constexpr const char* kResyncButton = "Re-sync this kiosk";
inline constexpr const char* kResyncing = "Moving the damaged file aside...";

// Failure screen
inline constexpr const char* kFailedTitle = "This kiosk cannot start";
inline constexpr const char* kFailedHint = "Ask the organiser. Nothing was checked in.";

// Captions of the demo video
inline constexpr const char* kDemoCaptionStart = "Demo: a new kiosk, not set up yet";
inline constexpr const char* kDemoCaptionSetup = "Organiser shows the event code";
inline constexpr const char* kDemoCaptionValid = "Valid ticket";
inline constexpr const char* kDemoCaptionAttention = "Valid ticket with a note for staff";
inline constexpr const char* kDemoCaptionDuplicate = "Same ticket again";
inline constexpr const char* kDemoCaptionRevoked = "Refunded (revoked) ticket";
inline constexpr const char* kDemoCaptionOtherEvent = "Ticket for another event";
inline constexpr const char* kDemoCaptionUnreadable = "Cracked screen: unreadable";
inline constexpr const char* kDemoCaptionForeign = "A QR code that is not a ticket";

// Sentences built from data.
std::string denialReason(const rules::Verdict& verdict);
std::string clockTime(std::int64_t unixMs);  // "10:42", local time
std::string setupDone(const std::string& eventName);
std::string alreadySetUp(const std::string& eventName);
std::string switchNeedsOrganiser(const std::string& eventName);
std::string scanEventCodeFirst();
// The serial scanner sent a line too long to be a code ("a line of 5000 characters, ...").
std::string scannerLineRefused(const std::string& why);
std::string storageFailure();
std::string noSyncClient();
std::string notASetupCode();
std::string lockedOut(std::int64_t retryAfterMs);
std::string undone(const std::string& who);
std::string nothingToUndo();
std::string undoFailed(const std::string& why);  // the database refused the undo
// Sync: status bar, enrolment, re-sync.
std::string syncedAgo(std::int64_t ageMs);  // "Synced 2 min ago"
std::string offlineLastSync(std::int64_t lastMs,
                            std::int64_t nowMs);       // "Offline - last sync 14:02"
std::string connectingTo(const std::string& server);   // "Connecting to x..."
std::string eventAtServer(const std::string& server);  // an online code's event, unnamed
std::string enrolUnreachable(const std::string& server);
std::string enrolRefused();
std::string enrolFailed(const std::string& server, const std::string& why);
// https: the server's key differs from the event code's, or its certificate is not trusted.
std::string wrongServerKey(const std::string& server);
std::string certificateRefused(const std::string& server);
std::string enrolledWithoutRoster(const std::string& eventName, const std::string& why);
std::string enrolledLocalFailure(const std::string& why);
std::string damagedExplanation();
std::string resyncDone(const std::string& keptAs);
std::string resyncFailed(const std::string& why);
std::string cannotOpenDatabase();
std::string dashboardOnlyNoEvent();
std::string gateNameTooLong(std::size_t maxLength);
std::string settingNotSaved();

}  // namespace admit::kiosk::text
