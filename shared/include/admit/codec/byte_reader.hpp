#pragma once
// Reads big-endian integers and raw bytes from a buffer without ever reading past its end:
// every read returns an empty optional when too few bytes remain, and then consumes nothing.

#include <cstddef>
#include <cstdint>
#include <optional>

#include "admit/base/bytes.hpp"

namespace admit::codec {

class ByteReader {
  public:
    explicit ByteReader(ByteView data) : data_(data) {}

    std::optional<std::uint8_t> u8();
    std::optional<std::uint16_t> u16();
    std::optional<std::uint32_t> u32();
    // `width` (1..8) bytes, most significant first.
    std::optional<std::uint64_t> uint(std::size_t width);
    // A view of the next `count` bytes, valid as long as the underlying buffer.
    std::optional<ByteView> bytes(std::size_t count);

    std::size_t offset() const { return offset_; }
    std::size_t remaining() const { return data_.size() - offset_; }
    bool atEnd() const { return offset_ == data_.size(); }

  private:
    ByteView data_;
    std::size_t offset_ = 0;
};

}  // namespace admit::codec
