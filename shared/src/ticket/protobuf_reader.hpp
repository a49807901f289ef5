#pragma once
// Internal: the little of the protobuf wire format that pretix_sig1's payload needs: a stream of
// (field number, wire type, value) records, varints of at most 10 bytes, length-delimited bytes.
// Never reads past the end; every error names the byte offset.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "admit/base/bytes.hpp"
#include "admit/base/result.hpp"

namespace admit::ticket::detail {

struct ProtobufField {
    std::uint32_t number = 0;
    std::uint8_t wireType = 0;  // 0 varint, 1 64-bit, 2 length-delimited, 5 32-bit
    std::uint64_t varint = 0;   // wire types 0, 1 and 5
    ByteView bytes;             // wire type 2, a view into the message
};

class ProtobufReader {
  public:
    explicit ProtobufReader(ByteView message) : data_(message) {}

    bool atEnd() const { return offset_ == data_.size(); }
    // The next field; an error for a truncated or over-long varint, a field number 0, a group
    // (wire types 3 and 4, which proto3 never writes), an unknown wire type, or a length past
    // the end.
    Result<ProtobufField> next();

  private:
    Result<std::uint64_t> varint(const char* what);

    ByteView data_;
    std::size_t offset_ = 0;
};

}  // namespace admit::ticket::detail
