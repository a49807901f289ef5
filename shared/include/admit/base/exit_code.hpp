#pragma once
// The exit codes of every Admit program (admit, admit-kiosk, admit-server): one table, in the
// README ("Exit codes"). Values not listed there are never used.

namespace admit {

namespace exit_code {
inline constexpr int kOk = 0;        // done; admit verify/checkin: the ticket was accepted
inline constexpr int kFailure = 1;   // with a message: what is wrong (also a damaged replica)
inline constexpr int kUsage = 2;     // the command line is wrong; the usage is printed
inline constexpr int kDenied = 3;    // admit verify/checkin: the ticket was denied
inline constexpr int kRowsLost = 4;  // admit replica salvage: new replica written, rows lost
}  // namespace exit_code

}  // namespace admit
