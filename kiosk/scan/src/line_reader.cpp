#include "admit/scan/line_reader.hpp"

namespace admit::scan {

std::vector<ReadLine> LineReader::feed(std::string_view bytes) {
    std::vector<ReadLine> lines;
    for (char c : bytes) {
        if (c == '\r' || c == '\n') {
            if (partialLength_ > 0) {
                ReadLine line;
                line.length = partialLength_;
                line.tooLong = partialLength_ > maxLength_;
                if (!line.tooLong) line.text = std::move(partial_);
                lines.push_back(std::move(line));
            }
            reset();
            continue;
        }
        ++partialLength_;
        if (partialLength_ <= maxLength_) {
            partial_ += c;
        } else {
            partial_.clear();
        }
    }
    return lines;
}

void LineReader::reset() {
    partial_.clear();
    partialLength_ = 0;
}

}  // namespace admit::scan
