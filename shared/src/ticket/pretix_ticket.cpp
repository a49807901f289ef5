#include "admit/ticket/pretix_ticket.hpp"

#include <sodium.h>

#include <algorithm>

#include "admit/base/sodium.hpp"
#include "base64.hpp"
#include "protobuf_reader.hpp"

namespace admit::ticket {

namespace {

constexpr std::uint8_t kVersion = 0x01;
constexpr std::size_t kHeaderSize = 5;  // version, u16 len(P), u16 len(S)
constexpr std::size_t kSignatureSize = 64;
// Field numbers of pretix's Ticket message (src/pretix/base/secretgenerators/pretix_sig1.proto).
enum Field : std::uint32_t {
    kSeed = 1,
    kItem = 2,
    kVariation = 3,
    kSubevent = 4,
    kValidFrom = 5,
    kValidUntil = 6,
};

Failure<PretixTicketError> badEncoding(std::string detail) {
    return fail(PretixTicketError{PretixTicketFailure::kBadEncoding,
                                  "pretix_sig1 ticket: " + std::move(detail)});
}

struct Framing {
    Bytes bytes;
    std::size_t payloadSize = 0;
    std::size_t signatureSize = 0;
};

// Reversed base64, header and lengths; the version byte is left to the caller.
Result<Framing, PretixTicketError> unframe(std::string_view text) {
    std::string forward(text.rbegin(), text.rend());
    auto decoded = detail::base64Decode(forward);
    if (!decoded) return badEncoding("the reversed text is not base64: " + decoded.error().message);
    Framing framing{std::move(*decoded)};
    const Bytes& b = framing.bytes;
    if (b.size() < kHeaderSize) {
        return badEncoding("decoded to " + std::to_string(b.size()) +
                           " bytes, fewer than the 5-byte header");
    }
    framing.payloadSize = static_cast<std::size_t>(b[1] << 8 | b[2]);
    framing.signatureSize = static_cast<std::size_t>(b[3] << 8 | b[4]);
    if (kHeaderSize + framing.payloadSize + framing.signatureSize != b.size()) {
        return badEncoding("the header gives a " + std::to_string(framing.payloadSize) +
                           "-byte payload and a " + std::to_string(framing.signatureSize) +
                           "-byte signature, but " + std::to_string(b.size() - kHeaderSize) +
                           " bytes follow it");
    }
    return framing;
}

Result<PretixTicketPayload, PretixTicketError> readPayload(ByteView message) {
    PretixTicketPayload payload;
    detail::ProtobufReader reader(message);
    while (!reader.atEnd()) {
        auto field = reader.next();
        if (!field) return badEncoding("payload: " + field.error().message);
        const bool known = field->number >= kSeed && field->number <= kValidUntil;
        if (!known) continue;  // a later pretix may add fields; the signature covers them anyway
        const std::uint8_t expected = field->number == kSeed ? 2 : 0;
        if (field->wireType != expected) {
            return badEncoding("payload: field " + std::to_string(field->number) +
                               " has wire type " + std::to_string(field->wireType) + ", expected " +
                               std::to_string(expected));
        }
        const auto value = static_cast<std::int64_t>(field->varint);
        switch (field->number) {
            case kSeed:
                payload.seed.assign(field->bytes.begin(), field->bytes.end());
                break;
            case kItem:
                payload.item = value;
                break;
            case kVariation:
                payload.variation = value;
                break;
            case kSubevent:
                payload.subevent = value;
                break;
            case kValidFrom:
                payload.validFrom = value != 0 ? std::optional(value) : std::nullopt;
                break;
            case kValidUntil:
                payload.validUntil = value != 0 ? std::optional(value) : std::nullopt;
                break;
            default:
                break;
        }
    }
    if (payload.seed.empty()) return badEncoding("payload: the seed (field 1) is missing");
    return payload;
}

void writeVarint(Bytes& out, std::uint64_t value) {
    while (value >= 0x80) {
        out.push_back(static_cast<std::uint8_t>(value | 0x80));
        value >>= 7;
    }
    out.push_back(static_cast<std::uint8_t>(value));
}

void writeIntField(Bytes& out, std::uint32_t number, std::int64_t value) {
    if (value == 0) return;  // proto3 leaves defaults out
    writeVarint(out, number << 3);
    writeVarint(out, static_cast<std::uint64_t>(value));
}

}  // namespace

bool looksLikePretixTicket(std::string_view text) {
    // The header alone is 8 characters of base64; a signed ticket is far longer.
    if (text.size() < 8 || text.size() % 4 != 0) return false;
    return unframe(text).ok();
}

Result<ParsedPretixTicket, PretixTicketError> parsePretixTicket(std::string_view text) {
    auto framing = unframe(text);
    if (!framing) return fail(framing.error());
    const Bytes& b = framing->bytes;
    if (b[0] != kVersion) {
        return fail(PretixTicketError{
            PretixTicketFailure::kUnsupportedVersion,
            "pretix_sig1 ticket: version byte " + std::to_string(b[0]) + " is not 1"});
    }
    if (framing->signatureSize != kSignatureSize) {
        return badEncoding("the signature is " + std::to_string(framing->signatureSize) +
                           " bytes, not 64");
    }
    ByteView payloadBytes = ByteView(b).subspan(kHeaderSize, framing->payloadSize);
    auto payload = readPayload(payloadBytes);
    if (!payload) return fail(payload.error());
    ParsedPretixTicket parsed{
        std::move(*payload), Bytes(payloadBytes.begin(), payloadBytes.end()), {}};
    std::copy_n(b.begin() + static_cast<std::ptrdiff_t>(kHeaderSize + framing->payloadSize),
                kSignatureSize, parsed.signature.begin());
    return parsed;
}

bool verifyPretixSignature(const ParsedPretixTicket& ticket,
                           std::span<const PretixPublicKey> keys) {
    ensureSodium();
    return std::ranges::any_of(keys, [&](const PretixPublicKey& key) {
        return crypto_sign_verify_detached(ticket.signature.data(), ticket.payloadBytes.data(),
                                           ticket.payloadBytes.size(), key.bytes.data()) == 0;
    });
}

Result<PretixTicketPayload, PretixTicketError> verifyPretixTicket(
    std::string_view text, std::span<const PretixPublicKey> keys, std::int64_t nowSeconds) {
    auto parsed = parsePretixTicket(text);
    if (!parsed) return fail(parsed.error());
    if (keys.empty()) {
        return fail(PretixTicketError{PretixTicketFailure::kUnknownKey,
                                      "pretix_sig1 ticket: the event has no pretix key"});
    }
    if (!verifyPretixSignature(*parsed, keys)) {
        return fail(PretixTicketError{PretixTicketFailure::kBadSignature,
                                      "pretix_sig1 ticket: none of the event's " +
                                          std::to_string(keys.size()) +
                                          " pretix key(s) verifies the signature"});
    }
    const PretixTicketPayload& payload = parsed->payload;
    if (payload.validFrom && nowSeconds < *payload.validFrom) {
        return fail(PretixTicketError{
            PretixTicketFailure::kNotYetValid,
            "pretix_sig1 ticket: valid from Unix time " + std::to_string(*payload.validFrom)});
    }
    if (payload.validUntil && nowSeconds > *payload.validUntil) {
        return fail(PretixTicketError{
            PretixTicketFailure::kExpired,
            "pretix_sig1 ticket: valid until Unix time " + std::to_string(*payload.validUntil)});
    }
    return std::move(parsed->payload);
}

std::string encodePretixTicket(const PretixTicketPayload& payload,
                               std::span<const std::uint8_t, 64> secretKey) {
    ensureSodium();
    Bytes message;
    writeVarint(message, kSeed << 3 | 2);
    writeVarint(message, payload.seed.size());
    message.insert(message.end(), payload.seed.begin(), payload.seed.end());
    writeIntField(message, kItem, payload.item);
    writeIntField(message, kVariation, payload.variation);
    writeIntField(message, kSubevent, payload.subevent);
    writeIntField(message, kValidFrom, payload.validFrom.value_or(0));
    writeIntField(message, kValidUntil, payload.validUntil.value_or(0));
    std::array<std::uint8_t, kSignatureSize> signature{};
    crypto_sign_detached(signature.data(), nullptr, message.data(), message.size(),
                         secretKey.data());
    Bytes framed = {kVersion, static_cast<std::uint8_t>(message.size() >> 8),
                    static_cast<std::uint8_t>(message.size()), 0, kSignatureSize};
    framed.insert(framed.end(), message.begin(), message.end());
    framed.insert(framed.end(), signature.begin(), signature.end());
    std::string text = detail::base64Encode(framed);
    return {text.rbegin(), text.rend()};
}

}  // namespace admit::ticket
