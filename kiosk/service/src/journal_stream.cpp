#include "admit/kiosk/journal_stream.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <string_view>

namespace admit::kiosk {

bool isJournalStream(int fd, const char* journalStream) {
    if (journalStream == nullptr) return false;
    const std::string_view text(journalStream);
    const auto colon = text.find(':');
    if (colon == std::string_view::npos) return false;
    unsigned long long device = 0;
    unsigned long long inode = 0;
    const char* end = text.data() + text.size();
    auto first = std::from_chars(text.data(), text.data() + colon, device);
    auto second = std::from_chars(text.data() + colon + 1, end, inode);
    if (first.ec != std::errc{} || first.ptr != text.data() + colon || second.ec != std::errc{} ||
        second.ptr != end) {
        return false;
    }
    struct stat st {};
    if (fstat(fd, &st) != 0) return false;
    return static_cast<unsigned long long>(st.st_dev) == device &&
           static_cast<unsigned long long>(st.st_ino) == inode;
}

bool stdoutIsTheJournal() { return isJournalStream(STDOUT_FILENO, std::getenv("JOURNAL_STREAM")); }

}  // namespace admit::kiosk
