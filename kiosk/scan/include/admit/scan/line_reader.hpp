#pragma once
// Cuts the bytes a serial scanner sends into lines. A line ends at CR, LF or CRLF (scanners are
// set to any of them); empty lines are skipped, so CRLF is one end. A line longer than the cap
// is refused whole, its bytes never kept: a device that sends no line end cannot grow memory.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace admit::scan {

struct ReadLine {
    std::string text;        // without its line end; empty when refused
    bool tooLong = false;    // more than the cap: refused
    std::size_t length = 0;  // bytes in the line as sent
};

class LineReader {
  public:
    explicit LineReader(std::size_t maxLength = 4096) : maxLength_(maxLength) {}

    // The lines these bytes complete, in order; a partial line waits for more bytes.
    std::vector<ReadLine> feed(std::string_view bytes);
    // Drops a partial line (the device went away mid-line).
    void reset();

  private:
    std::size_t maxLength_;
    std::string partial_;
    std::size_t partialLength_ = 0;  // counts on past the cap, for the report
};

}  // namespace admit::scan
