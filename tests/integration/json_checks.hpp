#pragma once
// Small helpers the integration tests share for building request bodies and reading replies.
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <string>

namespace harbour::test {

// A topic's request body: title and body, no content notes.
nlohmann::json topic_body(const std::string& title, const std::string& body);

// Whether a JSON array holds an object whose "id" is `id`.
bool has_id(const nlohmann::json& list, std::int64_t id);

// Whether a JSON array holds the string `value`.
bool contains(const nlohmann::json& list, const std::string& value);

// An id as the text form the API uses in paths and audit targets.
std::string id_text(std::int64_t id);

// An API timestamp ("2026-03-01T10:00:00.000Z") as a time point; a test failure (and the epoch)
// when it is not one.
std::chrono::system_clock::time_point instant(const nlohmann::json& text);

}  // namespace harbour::test
