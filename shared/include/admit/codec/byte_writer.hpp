#pragma once
// Appends big-endian integers and raw bytes to a buffer: the writing half of our compact
// binary formats (see ByteReader).

#include <cstddef>
#include <cstdint>

#include "admit/base/bytes.hpp"

namespace admit::codec {

class ByteWriter {
  public:
    void u8(std::uint8_t value) { bytes_.push_back(value); }
    void u16(std::uint16_t value) { uint(value, 2); }
    void u32(std::uint32_t value) { uint(value, 4); }
    // The low `width` bytes of `value`, most significant first. `width` is 1..8 and `value`
    // must fit in it (checked by assert: a caller's bug, not bad input).
    void uint(std::uint64_t value, std::size_t width);
    void bytes(ByteView data) { bytes_.insert(bytes_.end(), data.begin(), data.end()); }

    const Bytes& data() const { return bytes_; }
    Bytes take() && { return std::move(bytes_); }

  private:
    Bytes bytes_;
};

}  // namespace admit::codec
