// Errors are values at the boundaries: a function that can fail on outside
// input (a file, a URL, a JS argument) returns a Result, never throws.
#pragma once
#include <optional>
#include <string>
#include <utility>

namespace lens {

template <class T> struct Result {  // exactly one of value / error is set
  std::optional<T> value;
  std::string error;                // says what was wrong and where

  static Result ok(T v) { Result r; r.value = std::move(v); return r; }
  static Result fail(std::string message) { Result r; r.error = std::move(message); return r; }
  explicit operator bool() const { return value.has_value(); }
  T& operator*() { return *value; }
  const T& operator*() const { return *value; }
  T* operator->() { return &*value; }
  const T* operator->() const { return &*value; }
};

}  // namespace lens
