#include "admit/codec/byte_reader.hpp"

namespace admit::codec {

std::optional<std::uint8_t> ByteReader::u8() {
    if (remaining() < 1) return std::nullopt;
    return data_[offset_++];
}

std::optional<std::uint16_t> ByteReader::u16() {
    auto value = uint(2);
    if (!value) return std::nullopt;
    return static_cast<std::uint16_t>(*value);
}

std::optional<std::uint32_t> ByteReader::u32() {
    auto value = uint(4);
    if (!value) return std::nullopt;
    return static_cast<std::uint32_t>(*value);
}

std::optional<std::uint64_t> ByteReader::uint(std::size_t width) {
    if (width < 1 || width > 8 || remaining() < width) return std::nullopt;
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < width; ++i) value = value << 8 | data_[offset_ + i];
    offset_ += width;
    return value;
}

std::optional<ByteView> ByteReader::bytes(std::size_t count) {
    if (remaining() < count) return std::nullopt;
    ByteView view = data_.subspan(offset_, count);
    offset_ += count;
    return view;
}

}  // namespace admit::codec
