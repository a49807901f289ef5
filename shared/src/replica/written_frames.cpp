#include "written_frames.hpp"

#include <algorithm>
#include <cstring>

namespace admit::replica::detail {

void WrittenFrames::remember(std::size_t index, ByteView header, ByteView storedBody,
                             const WalSalts& salts, ByteView plain) {
    if (index >= kMaxFrames || header.size() < kWalFrameHeaderBytes ||
        storedBody.size() != plain.size() ||
        storedBody.size() < static_cast<std::size_t>(kReserveBytes)) {
        return;
    }
    if (frames_.size() <= index) frames_.resize(index + 1);
    Frame& frame = frames_[index];
    std::memcpy(frame.pageAndCommit.data(), header.data(), frame.pageAndCommit.size());
    frame.salts = salts;
    frame.stored.assign(storedBody.begin(), storedBody.end());
    frame.plain.assign(plain.begin(), plain.end());
    // As decryptPage returns it: SQLite always sees zeroed reserved bytes.
    std::fill(frame.plain.end() - kReserveBytes, frame.plain.end(), std::uint8_t{0});
    frame.valid = true;
}

bool WrittenFrames::recall(std::size_t index, ByteView header, ByteView storedBody,
                           const WalSalts& salts, std::span<std::uint8_t> out) const {
    if (index >= frames_.size() || header.size() < kWalFrameHeaderBytes) return false;
    const Frame& frame = frames_[index];
    if (!frame.valid || frame.plain.size() != storedBody.size() ||
        out.size() != storedBody.size() || frame.salts != salts ||
        std::memcmp(frame.pageAndCommit.data(), header.data(), frame.pageAndCommit.size()) != 0 ||
        !std::equal(frame.stored.begin(), frame.stored.end(), storedBody.begin())) {
        return false;
    }
    std::copy(frame.plain.begin(), frame.plain.end(), out.begin());
    return true;
}

void WrittenFrames::forget() {
    for (Frame& frame : frames_) frame.valid = false;
}

}  // namespace admit::replica::detail
