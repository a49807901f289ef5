#pragma once
// JSON text parsed into a tree with limits that hold while it is parsed, not after: how deep
// arrays and objects nest, how many values there are in all, and how long one named array may
// be. A body that breaks a limit is refused at the first value over it, before the rest is
// read or built, so a 200 KB body nested 100,000 deep or 2.8 million empty objects cost no
// more than the limits allow (issue 12). nlohmann::json's own parse builds the whole tree
// first, and its dump() recurses once per level.

#include <cstddef>
#include <limits>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "admit/base/result.hpp"

namespace admit::sync {

struct JsonLimits {
    // Arrays and objects inside one another; the outermost is level 1, a scalar at the top 0.
    std::size_t maxDepth = 16;
    // Every value counts, containers included (an object's keys do not).
    std::size_t maxValues = std::numeric_limits<std::size_t>::max();
    // The array under this key of the outermost object (e.g. "entries") holds at most
    // maxNamedArrayItems values; no such limit if the key is empty.
    std::string namedArray;
    std::size_t maxNamedArrayItems = std::numeric_limits<std::size_t>::max();
};

// The limits in one expression (aggregate initialisation with some fields left out is a
// warning here).
inline JsonLimits jsonLimits(
    std::size_t maxDepth, std::size_t maxValues = std::numeric_limits<std::size_t>::max(),
    std::string namedArray = {},
    std::size_t maxNamedArrayItems = std::numeric_limits<std::size_t>::max()) {
    JsonLimits limits;
    limits.maxDepth = maxDepth;
    limits.maxValues = maxValues;
    limits.namedArray = std::move(namedArray);
    limits.maxNamedArrayItems = maxNamedArrayItems;
    return limits;
}

struct JsonError {
    enum class Kind {
        kSyntax,          // not JSON (or not one whole value)
        kTooDeep,         // nested deeper than maxDepth
        kTooManyValues,   // more than maxValues
        kNamedArrayLong,  // the named array holds more than maxNamedArrayItems
    };
    Kind kind = Kind::kSyntax;
    std::string message;  // a sentence starting with `what`; never quotes the text
};

// Parses `text` (one JSON value, nothing after it but white space). `what` names the text in
// error sentences: "upload is not valid JSON", "upload nests deeper than 16 levels", "upload
// holds more than 40000 values", "entries holds more than 500 entries".
Result<nlohmann::json, JsonError> parseBoundedJson(std::string_view text, const JsonLimits& limits,
                                                   const std::string& what);

}  // namespace admit::sync
