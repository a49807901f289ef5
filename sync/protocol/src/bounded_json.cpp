#include "admit/sync/protocol/bounded_json.hpp"

#include <optional>
#include <utility>
#include <vector>

namespace admit::sync {
namespace {

using json = nlohmann::json;

// nlohmann's SAX events turned into a tree, refusing (returning false, which stops the parser
// at once) the first value over a limit. The containers being filled are kept as pointers: a
// container's own parent is never appended to while it is open, so they stay valid.
class BoundedBuilder {
  public:
    using number_integer_t = json::number_integer_t;
    using number_unsigned_t = json::number_unsigned_t;
    using number_float_t = json::number_float_t;
    using string_t = json::string_t;
    using binary_t = json::binary_t;

    BoundedBuilder(const JsonLimits& limits, const std::string& what)
        : limits_(limits), what_(what) {}

    bool null() { return add(json(nullptr)) != nullptr; }
    bool boolean(bool value) { return add(json(value)) != nullptr; }
    bool number_integer(number_integer_t value) { return add(json(value)) != nullptr; }
    bool number_unsigned(number_unsigned_t value) { return add(json(value)) != nullptr; }
    bool number_float(number_float_t value, const string_t&) { return add(json(value)) != nullptr; }
    bool string(string_t& value) { return add(json(std::move(value))) != nullptr; }
    bool binary(binary_t& value) { return add(json::binary(std::move(value))) != nullptr; }

    bool start_object(std::size_t) { return open(json::object()); }
    bool key(string_t& name) {
        key_ = std::move(name);
        return true;
    }
    bool end_object() { return close(); }
    bool start_array(std::size_t) { return open(json::array()); }
    bool end_array() { return close(); }

    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) {
        if (!error_) error_ = JsonError{JsonError::Kind::kSyntax, what_ + " is not valid JSON"};
        return false;
    }

    json& root() { return root_; }
    const std::optional<JsonError>& error() const { return error_; }

  private:
    struct Open {
        json* value;
        std::size_t maxItems;
        std::size_t items = 0;
    };

    // Places `value` in the open container (or at the top); nullptr if a limit refuses it.
    json* add(json value) {
        if (++values_ > limits_.maxValues) {
            return refuse(
                JsonError::Kind::kTooManyValues,
                what_ + " holds more than " + std::to_string(limits_.maxValues) + " values");
        }
        if (open_.empty()) {
            root_ = std::move(value);
            return &root_;
        }
        Open& parent = open_.back();
        if (++parent.items > parent.maxItems) {
            return refuse(JsonError::Kind::kNamedArrayLong,
                          limits_.namedArray + " holds more than " +
                              std::to_string(parent.maxItems) + " entries");
        }
        if (parent.value->is_array()) {
            parent.value->push_back(std::move(value));
            return &parent.value->back();
        }
        json& slot = (*parent.value)[key_];
        slot = std::move(value);
        return &slot;
    }

    bool open(json container) {
        if (open_.size() + 1 > limits_.maxDepth) {
            refuse(JsonError::Kind::kTooDeep,
                   what_ + " nests deeper than " + std::to_string(limits_.maxDepth) + " levels");
            return false;
        }
        // Only the outermost object's named array is limited.
        bool named = container.is_array() && open_.size() == 1 &&
                     open_.front().value->is_object() && !limits_.namedArray.empty() &&
                     key_ == limits_.namedArray;
        json* placed = add(std::move(container));
        if (placed == nullptr) return false;
        open_.push_back({placed, named ? limits_.maxNamedArrayItems : kUnlimited});
        return true;
    }

    bool close() {
        open_.pop_back();
        return true;
    }

    json* refuse(JsonError::Kind kind, std::string message) {
        error_ = JsonError{kind, std::move(message)};
        return nullptr;
    }

    static constexpr std::size_t kUnlimited = std::numeric_limits<std::size_t>::max();

    const JsonLimits& limits_;
    const std::string& what_;
    json root_;
    std::vector<Open> open_;
    std::string key_;
    std::size_t values_ = 0;
    std::optional<JsonError> error_;
};

}  // namespace

Result<nlohmann::json, JsonError> parseBoundedJson(std::string_view text, const JsonLimits& limits,
                                                   const std::string& what) {
    // nlohmann's lexer takes a NUL for the end of the input, and JSON text never holds one.
    if (text.find('\0') != std::string_view::npos) {
        return fail(JsonError{JsonError::Kind::kSyntax, what + " is not valid JSON"});
    }
    BoundedBuilder builder(limits, what);
    bool parsed = json::sax_parse(text.begin(), text.end(), &builder);
    if (builder.error()) return fail(*builder.error());
    if (!parsed) return fail(JsonError{JsonError::Kind::kSyntax, what + " is not valid JSON"});
    return std::move(builder.root());
}

}  // namespace admit::sync
