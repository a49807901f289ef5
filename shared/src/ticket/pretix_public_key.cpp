#include "admit/ticket/pretix_public_key.hpp"

#include <sodium.h>

#include <algorithm>

#include "admit/base/sodium.hpp"
#include "base64.hpp"

namespace admit::ticket {

namespace {

constexpr std::string_view kBegin = "-----BEGIN PUBLIC KEY-----";
constexpr std::string_view kEnd = "-----END PUBLIC KEY-----";
// DER of SubjectPublicKeyInfo { AlgorithmIdentifier { 1.3.101.112 (Ed25519) }, BIT STRING(32) }
// up to the key bytes; the key follows at offset 12.
constexpr std::array<std::uint8_t, 12> kEd25519SpkiPrefix = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03,
                                                             0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

std::string_view trimmed(std::string_view text) {
    auto isSpace = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!text.empty() && isSpace(text.front())) text.remove_prefix(1);
    while (!text.empty() && isSpace(text.back())) text.remove_suffix(1);
    return text;
}

}  // namespace

Result<PretixPublicKey> parsePretixPublicKey(std::string_view base64Pem) {
    auto pem = detail::base64Decode(trimmed(base64Pem));
    if (!pem) return fail("pretix public key: not base64 (" + pem.error().message + ")");
    std::string_view pemText(reinterpret_cast<const char*>(pem->data()), pem->size());
    pemText = trimmed(pemText);
    if (!pemText.starts_with(kBegin) || !pemText.ends_with(kEnd)) {
        return fail(
            "pretix public key: the decoded text is not a PEM \"PUBLIC KEY\" block (it must "
            "start with " +
            std::string(kBegin) + " and end with " + std::string(kEnd) + ")");
    }
    std::string body;
    for (char c : pemText.substr(kBegin.size(), pemText.size() - kBegin.size() - kEnd.size())) {
        if (c != '\n' && c != '\r' && c != ' ' && c != '\t') body.push_back(c);
    }
    auto der = detail::base64Decode(body);
    if (!der)
        return fail("pretix public key: the PEM body is not base64 (" + der.error().message + ")");
    if (der->size() != kEd25519SpkiPrefix.size() + 32 ||
        !std::equal(kEd25519SpkiPrefix.begin(), kEd25519SpkiPrefix.end(), der->begin())) {
        return fail(
            "pretix public key: the PEM body is " + std::to_string(der->size()) +
            " bytes of DER but not an Ed25519 public key (44 bytes, algorithm 1.3.101.112)");
    }
    PretixPublicKey key{};
    std::copy(der->begin() + kEd25519SpkiPrefix.size(), der->end(), key.bytes.begin());
    return key;
}

std::string pretixPublicKeyText(const PretixPublicKey& key) {
    Bytes der(kEd25519SpkiPrefix.begin(), kEd25519SpkiPrefix.end());
    der.insert(der.end(), key.bytes.begin(), key.bytes.end());
    std::string pem =
        std::string(kBegin) + "\n" + detail::base64Encode(der) + "\n" + std::string(kEnd) + "\n";
    return detail::base64Encode(asBytes(pem));
}

}  // namespace admit::ticket
