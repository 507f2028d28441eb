#pragma once
// The Post object of schema/api/content.md, shared by every route that returns posts.
#include "services/post_view.hpp"

#include <nlohmann/json_fwd.hpp>

namespace harbour::api {

// with_body = false for lists: body and body_html are left out (excerpt stays).
nlohmann::json post_json(const services::PostView& view, bool with_body = true);

}  // namespace harbour::api

#include "api/json_body.hpp"
#include "services/forum_service.hpp"

#include <cstddef>

namespace harbour::api {

// Bodies of routes that create or edit posts may hold 40,000 characters of UTF-8.
inline constexpr std::size_t kPostBodyLimit = 256 * 1024;

// {title?, body, content_notes?, draft_key?} of a create or edit request.
services::PostInput post_input(const JsonBody& body, bool with_title);

// {"post":…, "moderation":{"outcome","message"}}
nlohmann::json created_json(const services::CreatedPost& created);

}  // namespace harbour::api
