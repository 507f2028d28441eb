#pragma once
// Small helpers for shaping JSON answers.
#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace harbour::api {

// A value, or JSON null when absent.
template <class T>
nlohmann::json or_null(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json();
}

// A text, or JSON null when it is empty (columns that keep "not set" as '').
inline nlohmann::json null_if_empty(const std::string& text) { return text.empty() ? nlohmann::json() : nlohmann::json(text); }

}  // namespace harbour::api
