#include "protobuf_reader.hpp"

namespace admit::ticket::detail {

Result<std::uint64_t> ProtobufReader::varint(const char* what) {
    const std::size_t start = offset_;
    std::uint64_t value = 0;
    for (int shift = 0; shift < 70; shift += 7) {
        if (offset_ == data_.size()) {
            return fail(std::string(what) + " at byte " + std::to_string(start) +
                        " runs past the end");
        }
        std::uint8_t byte = data_[offset_++];
        // The tenth byte may carry only the top bit of a 64-bit value.
        if (shift == 63 && (byte & 0xfe) != 0) {
            return fail(std::string(what) + " at byte " + std::to_string(start) +
                        " does not fit 64 bits");
        }
        value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
        if ((byte & 0x80) == 0) return value;
    }
    return fail(std::string(what) + " at byte " + std::to_string(start) +
                " is longer than 10 bytes");
}

Result<ProtobufField> ProtobufReader::next() {
    const std::size_t start = offset_;
    auto key = varint("field key");
    if (!key) return fail(key.error().message);
    ProtobufField field;
    field.wireType = static_cast<std::uint8_t>(*key & 0x07);
    const std::uint64_t number = *key >> 3;
    if (number == 0 || number > 0x1fffffff) {
        return fail("field number " + std::to_string(number) + " at byte " + std::to_string(start) +
                    " is out of range");
    }
    field.number = static_cast<std::uint32_t>(number);
    auto fixed = [&](std::size_t width) -> Result<std::uint64_t> {
        if (data_.size() - offset_ < width) {
            return fail("field " + std::to_string(field.number) + " at byte " +
                        std::to_string(start) + " runs past the end");
        }
        std::uint64_t value = 0;
        for (std::size_t i = 0; i < width; ++i) {
            value |= static_cast<std::uint64_t>(data_[offset_ + i]) << (8 * i);  // little-endian
        }
        offset_ += width;
        return value;
    };
    switch (field.wireType) {
        case 0: {
            auto value = varint("varint");
            if (!value) return fail(value.error().message);
            field.varint = *value;
            return field;
        }
        case 1:
        case 5: {
            auto value = fixed(field.wireType == 1 ? 8 : 4);
            if (!value) return fail(value.error().message);
            field.varint = *value;
            return field;
        }
        case 2: {
            auto length = varint("length");
            if (!length) return fail(length.error().message);
            if (*length > data_.size() - offset_) {
                return fail("field " + std::to_string(field.number) + " at byte " +
                            std::to_string(start) + " claims " + std::to_string(*length) +
                            " bytes, more than remain");
            }
            field.bytes = data_.subspan(offset_, static_cast<std::size_t>(*length));
            offset_ += static_cast<std::size_t>(*length);
            return field;
        }
        default:
            return fail("field " + std::to_string(field.number) + " at byte " +
                        std::to_string(start) + " has wire type " + std::to_string(field.wireType) +
                        ", which proto3 does not write");
    }
}

}  // namespace admit::ticket::detail
