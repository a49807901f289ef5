#pragma once
// An event's pretix public key, as pretix shows it: base64 of a PEM "PUBLIC KEY" block whose
// DER is an Ed25519 SubjectPublicKeyInfo. pretix_sig1 tickets carry no key id, so a ticket is
// checked against each of its event's keys.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "admit/base/result.hpp"

namespace admit::ticket {

struct PretixPublicKey {
    std::array<std::uint8_t, 32> bytes;  // the raw Ed25519 key

    friend bool operator==(const PretixPublicKey&, const PretixPublicKey&) = default;
};

// Reads pretix's form (surrounding whitespace ignored). The error names what is wrong: the outer
// base64, the PEM armour, the inner base64, or a DER that is not an Ed25519 key. Never echoes
// the text.
Result<PretixPublicKey> parsePretixPublicKey(std::string_view base64Pem);

// pretix's form of `key`: what parsePretixPublicKey reads back.
std::string pretixPublicKeyText(const PretixPublicKey& key);

}  // namespace admit::ticket
