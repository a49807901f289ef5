// Base45 decoder: never crashes; decoding is canonical (a decoded text re-encodes to itself);
// encoding any bytes decodes back to them.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "admit/codec/base45.hpp"
#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto decoded = admit::codec::base45Decode(text);
    if (decoded.ok()) {
        ADMIT_FUZZ_CHECK(admit::codec::base45Encode(*decoded) == text);
    } else {
        ADMIT_FUZZ_CHECK(!decoded.error().message.empty());
    }
    admit::ByteView bytes(data, size);
    auto roundTrip = admit::codec::base45Decode(admit::codec::base45Encode(bytes));
    ADMIT_FUZZ_CHECK(roundTrip.ok());
    ADMIT_FUZZ_CHECK(admit::Bytes(bytes.begin(), bytes.end()) == *roundTrip);
    return 0;
}
