#pragma once
// What the post routes share: reading a create/edit body and writing its answer. The Post object
// itself is services/post_json.hpp.
#include "api/json_body.hpp"
#include "services/forum_service.hpp"
#include "services/post_json.hpp"

#include <cstddef>

namespace harbour::api {

using services::post_json;

// Bodies of routes that create or edit posts may hold 40,000 characters of UTF-8.
inline constexpr std::size_t kPostBodyLimit = 256 * 1024;

// {title?, body, content_notes?, draft_key?} of a create or edit request.
services::PostInput post_input(const JsonBody& body, bool with_title);

// {"post":…, "moderation":{"outcome","message"}}
nlohmann::json created_json(const services::CreatedPost& created);

}  // namespace harbour::api
