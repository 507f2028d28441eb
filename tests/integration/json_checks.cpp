#include "json_checks.hpp"

#include "services/office_hours.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace harbour::test {

using nlohmann::json;

json topic_body(const std::string& title, const std::string& body) {
  return {{"title", title}, {"body", body}, {"content_notes", json::array()}};
}

bool has_id(const json& list, std::int64_t id) {
  return list.is_array() && std::any_of(list.begin(), list.end(), [&](const json& o) { return o.value("id", std::int64_t{0}) == id; });
}

bool contains(const json& list, const std::string& value) {
  return list.is_array() && std::find(list.begin(), list.end(), json(value)) != list.end();
}

std::string id_text(std::int64_t id) { return std::to_string(id); }

std::chrono::system_clock::time_point instant(const json& text) {
  const auto t = text.is_string() ? services::parse_instant(text.get<std::string>()) : std::nullopt;
  EXPECT_TRUE(t.has_value()) << text;
  return t.value_or(std::chrono::system_clock::time_point{});
}

}  // namespace harbour::test
