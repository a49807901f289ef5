#pragma once
// Whether the kiosk's output goes to the systemd journal. The verdict lines leave attendees'
// names and attention notes out there: the replica is encrypted so that a lost kiosk does not
// give its guest list away, and the journal on the same disk is not (docs/kiosk.md,
// "Output").

namespace admit::kiosk {

// systemd sets JOURNAL_STREAM to "device:inode" of the stream it connected a service's stdout
// or stderr to (systemd.exec(5)). A child process inherits the variable even when its own
// output goes elsewhere, so the descriptor itself is compared with it.
bool isJournalStream(int fd, const char* journalStream);

// isJournalStream(STDOUT_FILENO, getenv("JOURNAL_STREAM")).
bool stdoutIsTheJournal();

}  // namespace admit::kiosk
