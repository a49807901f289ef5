// Signed ticket parser. Each input is tried twice: as the scanned text itself, and as the
// binary part behind the "AT1:" prefix (so mutations reach the layout checks directly).
// Properties: never crashes; a parsed ticket re-encodes to exactly the input (one text per
// ticket); no signature verifies under a key the fuzzer cannot sign with.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "admit/codec/base45.hpp"
#include "admit/ticket/signed_ticket.hpp"
#include "fuzz_check.hpp"

namespace {

const admit::ticket::PublicKey& otherKey() {
    static const admit::ticket::PublicKey key = [] {
        std::array<std::uint8_t, 32> seed{};
        seed.fill(0x5a);
        return admit::ticket::SigningKey::fromSeed(seed).publicKey();
    }();
    return key;
}

void check(std::string_view text) {
    auto parsed = admit::ticket::parseSignedTicket(text);
    if (!parsed.ok()) {
        ADMIT_FUZZ_CHECK(!parsed.error().detail.empty());
        ADMIT_FUZZ_CHECK(parsed.error().failure != admit::ticket::TicketFailure::kBadSignature);
        return;
    }
    ADMIT_FUZZ_CHECK(admit::ticket::looksLikeSignedTicket(text));
    admit::Bytes binary(parsed->signedBytes.begin() + 4, parsed->signedBytes.end());
    binary.insert(binary.end(), parsed->signature.begin(), parsed->signature.end());
    ADMIT_FUZZ_CHECK("AT1:" + admit::codec::base45Encode(binary) == text);
    admit::ticket::PublicKey key = otherKey();
    key.id = parsed->payload.keyId;
    ADMIT_FUZZ_CHECK(!admit::ticket::verifyTicketSignature(*parsed, key));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    check(std::string_view(reinterpret_cast<const char*>(data), size));
    check("AT1:" + admit::codec::base45Encode(admit::ByteView(data, size)));
    return 0;
}
