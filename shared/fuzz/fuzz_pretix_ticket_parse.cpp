// pretix_sig1 decoder. Each input is tried twice: as the scanned text itself, and as the binary
// inside it (reversed base64 of the input), so mutations reach the framing and the protobuf
// reader directly. Properties: never crashes; errors name something and are never a signature
// verdict from the parser; what parses is recognised as pretix_sig1 and its parts add up to
// the decoded size; no signature verifies under a key the fuzzer cannot sign with.
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "admit/ticket/code_format.hpp"
#include "admit/ticket/pretix_ticket.hpp"
#include "fuzz_check.hpp"

namespace {

using admit::ticket::PretixTicketFailure;

const admit::ticket::PretixPublicKey& otherKey() {
    static const admit::ticket::PretixPublicKey key = [] {
        std::array<unsigned char, crypto_sign_SEEDBYTES> seed{};
        seed.fill(0x5a);
        std::array<unsigned char, crypto_sign_SECRETKEYBYTES> secret{};
        admit::ticket::PretixPublicKey out{};
        if (sodium_init() < 0) std::abort();
        crypto_sign_seed_keypair(out.bytes.data(), secret.data(), seed.data());
        return out;
    }();
    return key;
}

std::string reversedBase64(const std::uint8_t* data, std::size_t size) {
    std::string text(sodium_base64_ENCODED_LEN(size, sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(text.data(), text.size(), data, size, sodium_base64_VARIANT_ORIGINAL);
    text.pop_back();
    std::reverse(text.begin(), text.end());
    return text;
}

void check(std::string_view text) {
    const auto format = admit::ticket::recogniseCode(text);
    auto parsed = admit::ticket::parsePretixTicket(text);
    if (!parsed.ok()) {
        ADMIT_FUZZ_CHECK(!parsed.error().detail.empty());
        ADMIT_FUZZ_CHECK(parsed.error().failure == PretixTicketFailure::kBadEncoding ||
                         parsed.error().failure == PretixTicketFailure::kUnsupportedVersion);
        return;
    }
    ADMIT_FUZZ_CHECK(format == admit::ticket::CodeFormat::kPretixSig1);
    ADMIT_FUZZ_CHECK(!parsed->payload.seed.empty());
    // 5-byte header, payload, 64-byte signature: 4 base64 characters per 3 bytes.
    const std::size_t decoded = 5 + parsed->payloadBytes.size() + 64;
    ADMIT_FUZZ_CHECK(text.size() == (decoded + 2) / 3 * 4);
    const std::array<admit::ticket::PretixPublicKey, 1> keys{otherKey()};
    ADMIT_FUZZ_CHECK(!admit::ticket::verifyPretixSignature(*parsed, keys));
    auto verified = admit::ticket::verifyPretixTicket(text, keys, 0);
    ADMIT_FUZZ_CHECK(!verified.ok() &&
                     verified.error().failure == PretixTicketFailure::kBadSignature);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    check(std::string_view(reinterpret_cast<const char*>(data), size));
    check(reversedBase64(data, size));
    return 0;
}
