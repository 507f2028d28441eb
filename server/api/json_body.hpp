#pragma once
// Reading a JSON request body: hostile until validated. Refuses a wrong Content-Type (415), bad
// JSON, nesting deeper than 8 levels or an object with more than 256 fields (400: invalid_json,
// json_too_deep, json_too_many_fields), and fields of the wrong type or size, each with a stable
// code naming the field.
#include "http/request.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harbour::api {

class JsonBody {
 public:
  explicit JsonBody(const http::Request& request);

  // Required string, 1..max_bytes bytes of valid UTF-8 (throws invalid_field / missing_field).
  std::string string(std::string_view field, std::size_t max_bytes) const;
  std::optional<std::string> optional_string(std::string_view field, std::size_t max_bytes) const;
  std::int64_t integer(std::string_view field, std::int64_t min, std::int64_t max) const;
  std::optional<std::int64_t> optional_integer(std::string_view field, std::int64_t min, std::int64_t max) const;
  std::optional<bool> optional_bool(std::string_view field) const;
  // An array of strings (absent or null: empty), at most max_items of at most max_bytes each.
  std::vector<std::string> string_list(std::string_view field, std::size_t max_items, std::size_t max_bytes) const;
  // Whether the field is present (even as null): PATCH-style partial updates.
  bool has(std::string_view field) const;

 private:
  nlohmann::json body_;
};

}  // namespace harbour::api
