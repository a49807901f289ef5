// Event setup decoder. Each input is tried as the scanned text and as the binary part behind
// "AE1:". Properties: never crashes; a decoded setup re-encodes to exactly the input (the
// encoder accepts everything the decoder accepts, and the encoding is canonical); error
// details never contain the bytes of a would-be token.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "admit/codec/base45.hpp"
#include "admit/ticket/event_setup.hpp"
#include "fuzz_check.hpp"

namespace {

void check(std::string_view text) {
    auto decoded = admit::ticket::decodeEventSetup(text);
    if (!decoded.ok()) {
        ADMIT_FUZZ_CHECK(!decoded.error().detail.empty());
        return;
    }
    ADMIT_FUZZ_CHECK(admit::ticket::looksLikeEventSetup(text));
    ADMIT_FUZZ_CHECK(admit::ticket::encodeEventSetup(*decoded) == text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    check(std::string_view(reinterpret_cast<const char*>(data), size));
    check("AE1:" + admit::codec::base45Encode(admit::ByteView(data, size)));
    return 0;
}
