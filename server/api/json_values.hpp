#pragma once
// Small helpers for shaping JSON answers.
#include <nlohmann/json.hpp>

#include <optional>

namespace harbour::api {

// A value, or JSON null when absent.
template <class T>
nlohmann::json or_null(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json();
}

}  // namespace harbour::api
