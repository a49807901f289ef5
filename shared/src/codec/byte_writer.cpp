#include "admit/codec/byte_writer.hpp"

#include <cassert>

namespace admit::codec {

void ByteWriter::uint(std::uint64_t value, std::size_t width) {
    assert(width >= 1 && width <= 8);
    assert(width == 8 || value >> (8 * width) == 0);
    for (std::size_t i = width; i-- > 0;) {
        bytes_.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
    }
}

}  // namespace admit::codec
