#pragma once
// Errors as values: where failure is expected (a scan that reads nothing, a malformed ticket,
// a bad CSV row) functions return Result<T, E> instead of throwing. A small stand-in for
// C++23 std::expected, which GCC 12 does not offer in C++20 mode.

#include <cassert>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace admit {

// The default error: a sentence for a person, naming what is wrong (file, line, field).
struct Error {
    std::string message;
};

template <class E>
struct Failure {
    E error;
};

// Text goes to the overload below (an Error); anything else is a custom error value.
template <class E>
requires(!std::is_convertible_v<E, std::string>) Failure<std::decay_t<E>> fail(E&& error) {
    return {std::forward<E>(error)};
}

inline Failure<Error> fail(std::string message) { return {Error{std::move(message)}}; }

template <class T, class E = Error>
class [[nodiscard]] Result {
  public:
    Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
    template <class F>
    Result(Failure<F> failure) : state_(std::in_place_index<1>, E(std::move(failure.error))) {}

    bool ok() const { return state_.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & {
        assert(ok());
        return std::get<0>(state_);
    }
    const T& value() const& {
        assert(ok());
        return std::get<0>(state_);
    }
    T&& value() && {
        assert(ok());
        return std::get<0>(std::move(state_));
    }
    const E& error() const {
        assert(!ok());
        return std::get<1>(state_);
    }

    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

  private:
    std::variant<T, E> state_;
};

// For operations that produce nothing but can fail.
struct Ok {};
template <class E = Error>
using Status = Result<Ok, E>;

}  // namespace admit
