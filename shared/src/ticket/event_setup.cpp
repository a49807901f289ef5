#include "admit/ticket/event_setup.hpp"

#include <sodium.h>

#include <algorithm>
#include <stdexcept>

#include "admit/base/sodium.hpp"
#include "admit/codec/base45.hpp"
#include "admit/codec/byte_reader.hpp"
#include "admit/codec/byte_writer.hpp"
#include "admit/codec/utf8.hpp"
#include "text_prefix.hpp"

namespace admit::ticket {

namespace {

constexpr std::string_view kTag = "AE";
constexpr std::string_view kVersion = "1";
constexpr std::uint8_t kKindOnline = 0x01;
constexpr std::uint8_t kKindOffline = 0x02;
// After an online code's token: the server key pin, tag then 32 bytes.
constexpr std::uint8_t kFieldServerKeySha256 = 0x01;
// After an offline code's keys, optional fields in tag order: the pretix keys (tag, count 1..16,
// then 32 bytes each) and the pretix items' ticket types (tag, count 1..64, then an 8-byte
// two's complement item and a 2-byte type each).
constexpr std::uint8_t kFieldPretixKeys = 0x01;
constexpr std::uint8_t kFieldPretixItems = 0x02;

bool isPrintableAsciiNoSpace(std::string_view text) {
    return std::ranges::all_of(text, [](char c) { return c > 0x20 && c < 0x7f; });
}

// Empty if valid, else the reason. Shared by encoder and decoder so they agree exactly.
std::string checkServerUrl(std::string_view url) {
    if (url.empty() || url.size() > kMaxServerUrlLength) {
        return "server URL length " + std::to_string(url.size()) + " is outside 1.." +
               std::to_string(kMaxServerUrlLength);
    }
    if (!url.starts_with("https://") && !url.starts_with("http://")) {
        return "server URL does not start with \"https://\" or \"http://\"";
    }
    if (!isPrintableAsciiNoSpace(url)) {
        return "server URL contains a space, control character or non-ASCII byte";
    }
    return {};
}

// Never mentions the token's content.
std::string checkToken(std::string_view token) {
    if (token.size() < kMinEnrolmentTokenLength || token.size() > kMaxEnrolmentTokenLength) {
        return "enrolment token length " + std::to_string(token.size()) + " is outside " +
               std::to_string(kMinEnrolmentTokenLength) + ".." +
               std::to_string(kMaxEnrolmentTokenLength);
    }
    if (!isPrintableAsciiNoSpace(token)) {
        return "enrolment token contains a space, control character or non-ASCII byte";
    }
    return {};
}

std::string checkEventName(std::string_view name) {
    if (name.empty() || name.size() > kMaxEventNameLength) {
        return "event name length " + std::to_string(name.size()) + " bytes is outside 1.." +
               std::to_string(kMaxEventNameLength);
    }
    if (auto bad = codec::findInvalidUtf8(name)) {
        return "event name is not valid UTF-8 at byte " + std::to_string(*bad);
    }
    for (std::size_t i = 0; i < name.size(); ++i) {
        auto c = static_cast<unsigned char>(name[i]);
        if (c < 0x20 || c == 0x7f) {
            return "event name contains control character at byte " + std::to_string(i);
        }
    }
    return {};
}

// Index i is 1-based in messages.
std::string checkKeys(const std::vector<PublicKey>& keys) {
    if (keys.empty() || keys.size() > kMaxSetupKeys) {
        return "key count " + std::to_string(keys.size()) + " is outside 1.." +
               std::to_string(kMaxSetupKeys);
    }
    for (std::size_t i = 0; i < keys.size(); ++i) {
        if (crypto_core_ed25519_is_valid_point(keys[i].bytes.data()) != 1) {
            return "key " + std::to_string(i + 1) + " is not a valid Ed25519 public key";
        }
        for (std::size_t j = 0; j < i; ++j) {
            if (keys[j].bytes == keys[i].bytes) {
                return "key " + std::to_string(i + 1) + " repeats key " + std::to_string(j + 1);
            }
        }
    }
    return {};
}

// Index i is 1-based in messages. None is fine: most events sell no pretix tickets.
std::string checkPretixKeys(const std::vector<PretixPublicKey>& keys) {
    if (keys.size() > kMaxSetupKeys) {
        return "pretix key count " + std::to_string(keys.size()) + " is outside 1.." +
               std::to_string(kMaxSetupKeys);
    }
    for (std::size_t i = 0; i < keys.size(); ++i) {
        if (crypto_core_ed25519_is_valid_point(keys[i].bytes.data()) != 1) {
            return "pretix key " + std::to_string(i + 1) + " is not a valid Ed25519 public key";
        }
        for (std::size_t j = 0; j < i; ++j) {
            if (keys[j].bytes == keys[i].bytes) {
                return "pretix key " + std::to_string(i + 1) + " repeats pretix key " +
                       std::to_string(j + 1);
            }
        }
    }
    return {};
}

std::string checkPretixItems(const std::vector<PretixItemMapping>& items) {
    if (items.size() > kMaxSetupPretixItems) {
        return "pretix item count " + std::to_string(items.size()) + " is outside 1.." +
               std::to_string(kMaxSetupPretixItems);
    }
    for (std::size_t i = 0; i < items.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
            if (items[j].item == items[i].item) {
                return "pretix item mapping " + std::to_string(i + 1) + " repeats item " +
                       std::to_string(items[i].item);
            }
        }
    }
    return {};
}

// A pinned key means TLS: a plain http:// server has no key to compare.
std::string checkPinnedUrl(const OnlineEnrolment& setup) {
    if (setup.serverKeySha256 && !setup.serverUrl.starts_with("https://")) {
        return "a server key pin needs an https:// server URL";
    }
    return {};
}

void throwIfInvalid(const std::string& reason) {
    if (!reason.empty()) throw std::invalid_argument("encodeEventSetup: " + reason);
}

void writeShortString(codec::ByteWriter& writer, std::string_view text) {
    writer.u8(static_cast<std::uint8_t>(text.size()));
    writer.bytes(asBytes(text));
}

Bytes encodeBinary(const OnlineEnrolment& setup) {
    throwIfInvalid(checkServerUrl(setup.serverUrl));
    throwIfInvalid(checkToken(setup.enrolmentToken));
    throwIfInvalid(checkPinnedUrl(setup));
    codec::ByteWriter writer;
    writer.u8(kKindOnline);
    writer.bytes(setup.eventId);
    writeShortString(writer, setup.serverUrl);
    writeShortString(writer, setup.enrolmentToken);
    if (setup.serverKeySha256) {
        writer.u8(kFieldServerKeySha256);
        writer.bytes(*setup.serverKeySha256);
    }
    return std::move(writer).take();
}

Bytes encodeBinary(const OfflineSetup& setup) {
    throwIfInvalid(checkEventName(setup.eventName));
    throwIfInvalid(checkKeys(setup.keys));
    throwIfInvalid(checkPretixKeys(setup.pretixKeys));
    throwIfInvalid(checkPretixItems(setup.pretixItems));
    for (const PublicKey& key : setup.keys) {
        if (key.id != keyIdFor(key.bytes)) {
            throw std::invalid_argument(
                "encodeEventSetup: a key's id is not derived from its bytes");
        }
    }
    codec::ByteWriter writer;
    writer.u8(kKindOffline);
    writer.bytes(setup.eventId);
    writeShortString(writer, setup.eventName);
    writer.u8(static_cast<std::uint8_t>(setup.keys.size()));
    for (const PublicKey& key : setup.keys) writer.bytes(key.bytes);
    if (!setup.pretixKeys.empty()) {
        writer.u8(kFieldPretixKeys);
        writer.u8(static_cast<std::uint8_t>(setup.pretixKeys.size()));
        for (const PretixPublicKey& key : setup.pretixKeys) writer.bytes(key.bytes);
    }
    if (!setup.pretixItems.empty()) {
        writer.u8(kFieldPretixItems);
        writer.u8(static_cast<std::uint8_t>(setup.pretixItems.size()));
        for (const PretixItemMapping& mapping : setup.pretixItems) {
            writer.uint(static_cast<std::uint64_t>(mapping.item), 8);
            writer.u16(mapping.ticketType);
        }
    }
    return std::move(writer).take();
}

Failure<SetupError> malformed(std::string detail) {
    return fail(SetupError{SetupFailure::kMalformed, "event setup code: " + std::move(detail)});
}

std::string at(const codec::ByteReader& reader) {
    return " at offset " + std::to_string(reader.offset());
}

// Reads a length byte and that many bytes; empty optional if the data ends first.
std::optional<std::string_view> readShortString(codec::ByteReader& reader) {
    auto length = reader.u8();
    if (!length) return std::nullopt;
    auto bytes = reader.bytes(*length);
    if (!bytes) return std::nullopt;
    return std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size());
}

}  // namespace

std::string encodeEventSetup(const EventSetup& setup) {
    Bytes binary = std::visit([](const auto& s) { return encodeBinary(s); }, setup);
    std::string text = std::string(kEventSetupPrefix) + codec::base45Encode(binary);
    sodium_memzero(binary.data(), binary.size());  // may hold the enrolment token
    return text;
}

bool looksLikeEventSetup(std::string_view text) {
    return detail::matchVersionedPrefix(text, kTag).has_value();
}

Result<EventSetup, SetupError> decodeEventSetup(std::string_view text) {
    ensureSodium();
    auto prefix = detail::matchVersionedPrefix(text, kTag);
    if (!prefix) return malformed("text does not start with the \"AE<version>:\" prefix");
    if (prefix->version != kVersion) {
        return fail(SetupError{SetupFailure::kUnsupportedVersion,
                               "event setup code: format version " + std::string(prefix->version) +
                                   " is not supported (this build reads version 1)"});
    }
    auto binary = codec::base45Decode(text.substr(prefix->length));
    if (!binary.ok()) {
        return malformed("in the text after the 4-character prefix: " + binary.error().message);
    }
    codec::ByteReader reader(*binary);
    auto kind = reader.u8();
    if (!kind) return malformed("empty after the prefix");
    EventId eventId{};
    auto idBytes = reader.bytes(eventId.size());
    if (!idBytes) return malformed("ends inside the event id");
    std::ranges::copy(*idBytes, eventId.begin());

    if (*kind == kKindOnline) {
        OnlineEnrolment setup{};
        setup.eventId = eventId;
        auto url = readShortString(reader);
        if (!url) return malformed("ends inside the server URL");
        if (auto reason = checkServerUrl(*url); !reason.empty()) return malformed(reason);
        setup.serverUrl = std::string(*url);
        auto token = readShortString(reader);
        if (!token) return malformed("ends inside the enrolment token");
        if (auto reason = checkToken(*token); !reason.empty()) return malformed(reason);
        if (codec::ByteReader field = reader;
            reader.remaining() == 1 + 32 && field.u8() == kFieldServerKeySha256) {
            auto pin = field.bytes(32);
            setup.serverKeySha256.emplace();
            std::ranges::copy(*pin, setup.serverKeySha256->begin());
            if (auto reason = checkPinnedUrl(setup); !reason.empty()) return malformed(reason);
            reader = field;
        }
        if (!reader.atEnd()) {
            return malformed(std::to_string(reader.remaining()) +
                             " unexpected bytes after the enrolment token");
        }
        setup.enrolmentToken = std::string(*token);
        return EventSetup{std::move(setup)};
    }
    if (*kind == kKindOffline) {
        OfflineSetup setup{};
        setup.eventId = eventId;
        auto name = readShortString(reader);
        if (!name) return malformed("ends inside the event name");
        if (auto reason = checkEventName(*name); !reason.empty()) return malformed(reason);
        setup.eventName = std::string(*name);
        std::string countAt = at(reader);
        auto count = reader.u8();
        if (!count) return malformed("ends before the key count");
        if (*count == 0 || *count > kMaxSetupKeys) {
            return malformed("key count " + std::to_string(*count) + countAt + " is outside 1.." +
                             std::to_string(kMaxSetupKeys));
        }
        for (std::size_t i = 0; i < *count; ++i) {
            auto keyBytes = reader.bytes(32);
            if (!keyBytes) return malformed("ends inside key " + std::to_string(i + 1));
            setup.keys.push_back(PublicKey::fromBytes(keyBytes->first<32>()));
        }
        if (auto reason = checkKeys(setup.keys); !reason.empty()) return malformed(reason);
        // Optional fields, each at most once, in tag order.
        std::uint8_t lastTag = 0;
        while (!reader.atEnd()) {
            std::string tagAt = at(reader);
            const std::uint8_t tag = *reader.u8();
            if (tag <= lastTag && (tag == kFieldPretixKeys || tag == kFieldPretixItems)) {
                return malformed("field " + std::to_string(tag) + tagAt +
                                 " repeats or is out of order");
            }
            lastTag = tag;
            std::string fieldCountAt = at(reader);
            auto fieldCount = reader.u8();
            if (tag == kFieldPretixKeys) {
                if (!fieldCount) return malformed("ends before the pretix key count");
                if (*fieldCount == 0 || *fieldCount > kMaxSetupKeys) {
                    return malformed("pretix key count " + std::to_string(*fieldCount) +
                                     fieldCountAt + " is outside 1.." +
                                     std::to_string(kMaxSetupKeys));
                }
                for (std::size_t i = 0; i < *fieldCount; ++i) {
                    auto keyBytes = reader.bytes(32);
                    if (!keyBytes) {
                        return malformed("ends inside pretix key " + std::to_string(i + 1));
                    }
                    PretixPublicKey key{};
                    std::ranges::copy(*keyBytes, key.bytes.begin());
                    setup.pretixKeys.push_back(key);
                }
                if (auto reason = checkPretixKeys(setup.pretixKeys); !reason.empty()) {
                    return malformed(reason);
                }
            } else if (tag == kFieldPretixItems) {
                if (!fieldCount) return malformed("ends before the pretix item count");
                if (*fieldCount == 0 || *fieldCount > kMaxSetupPretixItems) {
                    return malformed("pretix item count " + std::to_string(*fieldCount) +
                                     fieldCountAt + " is outside 1.." +
                                     std::to_string(kMaxSetupPretixItems));
                }
                for (std::size_t i = 0; i < *fieldCount; ++i) {
                    auto item = reader.uint(8);
                    auto type = reader.u16();
                    if (!item || !type) {
                        return malformed("ends inside pretix item mapping " +
                                         std::to_string(i + 1));
                    }
                    setup.pretixItems.push_back({static_cast<std::int64_t>(*item), *type});
                }
                if (auto reason = checkPretixItems(setup.pretixItems); !reason.empty()) {
                    return malformed(reason);
                }
            } else {
                return malformed("unknown field " + std::to_string(tag) + tagAt +
                                 " after the last key (1 = pretix keys, 2 = pretix items)");
            }
        }
        return EventSetup{std::move(setup)};
    }
    return malformed("unknown kind " + std::to_string(*kind) +
                     " at offset 0 (1 = online enrolment, 2 = offline setup)");
}

}  // namespace admit::ticket
