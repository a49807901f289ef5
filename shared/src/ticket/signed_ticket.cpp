#include "admit/ticket/signed_ticket.hpp"

#include <sodium.h>

#include <algorithm>

#include "admit/base/sodium.hpp"
#include "admit/codec/base45.hpp"
#include "admit/codec/byte_reader.hpp"
#include "admit/codec/byte_writer.hpp"
#include "text_prefix.hpp"

namespace admit::ticket {

namespace {

constexpr std::string_view kTag = "AT";
constexpr std::string_view kVersion = "1";
constexpr std::uint8_t kHasValidFrom = 0x01;
constexpr std::uint8_t kHasValidUntil = 0x02;
constexpr std::uint8_t kKnownFlags = kHasValidFrom | kHasValidUntil;
// key id 4 + event id 16 + ticket id 12 + type 2 + flags 1.
constexpr std::size_t kFixedPayloadSize = 35;
constexpr std::size_t kSignatureSize = 64;
constexpr std::size_t kMinBinarySize = kFixedPayloadSize + kSignatureSize;

static_assert(kSignedTicketMaxLength ==
              kSignedTicketPrefix.size() + codec::base45EncodedLength(kMinBinarySize + 16));

Bytes withPrefix(ByteView payload) {
    Bytes message(kSignedTicketPrefix.begin(), kSignedTicketPrefix.end());
    message.insert(message.end(), payload.begin(), payload.end());
    return message;
}

Failure<TicketError> malformed(std::string detail) {
    return fail(TicketError{TicketFailure::kMalformed, "signed ticket: " + std::move(detail)});
}

std::string hexByte(std::uint8_t b) {
    static constexpr char kHex[] = "0123456789abcdef";
    return {'0', 'x', kHex[b >> 4], kHex[b & 0x0f]};
}

// prefix || payload bytes: what the signature covers.
Bytes signedMessage(const TicketPayload& payload) {
    codec::ByteWriter writer;
    writer.bytes(asBytes(kSignedTicketPrefix));
    writer.u32(payload.keyId);
    writer.bytes(payload.eventId);
    writer.bytes(payload.ticketId);
    writer.u16(payload.ticketType);
    std::uint8_t flags = 0;
    if (payload.validFrom) flags |= kHasValidFrom;
    if (payload.validUntil) flags |= kHasValidUntil;
    writer.u8(flags);
    if (payload.validFrom) writer.uint(static_cast<std::uint64_t>(*payload.validFrom), 8);
    if (payload.validUntil) writer.uint(static_cast<std::uint64_t>(*payload.validUntil), 8);
    return std::move(writer).take();
}

}  // namespace

std::string encodeSignedTicket(const TicketPayload& payload, const SigningKey& key) {
    Bytes message = signedMessage(payload);
    Signature signature = key.sign(message);
    message.insert(message.end(), signature.begin(), signature.end());
    ByteView binary = ByteView(message).subspan(kSignedTicketPrefix.size());
    return std::string(kSignedTicketPrefix) + codec::base45Encode(binary);
}

bool looksLikeSignedTicket(std::string_view text) {
    return detail::matchVersionedPrefix(text, kTag).has_value();
}

Result<ParsedTicket, TicketError> parseSignedTicket(std::string_view text) {
    auto prefix = detail::matchVersionedPrefix(text, kTag);
    if (!prefix) {
        return malformed("text does not start with the \"AT<version>:\" prefix");
    }
    if (prefix->version != kVersion) {
        return fail(TicketError{TicketFailure::kUnsupportedVersion,
                                "signed ticket: format version " + std::string(prefix->version) +
                                    " is not supported (this build reads version 1)"});
    }
    auto binary = codec::base45Decode(text.substr(prefix->length));
    if (!binary.ok()) {
        return malformed("in the text after the 4-character prefix: " + binary.error().message);
    }
    const Bytes& bytes = *binary;
    if (bytes.size() < kMinBinarySize) {
        return malformed("decoded to " + std::to_string(bytes.size()) +
                         " bytes, fewer than the 99-byte minimum (35-byte payload + 64-byte "
                         "signature)");
    }

    codec::ByteReader reader(bytes);
    ParsedTicket parsed{};
    TicketPayload& payload = parsed.payload;
    // The size check above guarantees the fixed part is present.
    payload.keyId = *reader.u32();
    std::ranges::copy(*reader.bytes(16), payload.eventId.begin());
    std::ranges::copy(*reader.bytes(12), payload.ticketId.begin());
    payload.ticketType = *reader.u16();
    std::uint8_t flags = *reader.u8();
    if ((flags & ~kKnownFlags) != 0) {
        return malformed("flags byte " + hexByte(flags) +
                         " at offset 34 sets reserved bits (only 0x01 valid-from and 0x02 "
                         "valid-until are defined)");
    }
    std::size_t expected =
        kMinBinarySize + ((flags & kHasValidFrom) ? 8 : 0) + ((flags & kHasValidUntil) ? 8 : 0);
    if (bytes.size() != expected) {
        return malformed("decoded to " + std::to_string(bytes.size()) + " bytes but flags " +
                         hexByte(flags) + " require exactly " + std::to_string(expected));
    }
    if (flags & kHasValidFrom) payload.validFrom = static_cast<std::int64_t>(*reader.uint(8));
    if (flags & kHasValidUntil) payload.validUntil = static_cast<std::int64_t>(*reader.uint(8));

    std::size_t payloadSize = reader.offset();
    parsed.signedBytes = withPrefix(ByteView(bytes).first(payloadSize));
    std::ranges::copy(*reader.bytes(kSignatureSize), parsed.signature.begin());
    return parsed;
}

bool verifyTicketSignature(const ParsedTicket& ticket, const PublicKey& key) {
    ensureSodium();
    if (keyIdFor(key.bytes) != ticket.payload.keyId) return false;
    // Verify over the payload as the caller sees it (re-serialised; the layout is canonical,
    // so this equals signedBytes for an unmodified parse), never over bytes it might not match.
    Bytes message = signedMessage(ticket.payload);
    return crypto_sign_verify_detached(ticket.signature.data(), message.data(), message.size(),
                                       key.bytes.data()) == 0;
}

}  // namespace admit::ticket
