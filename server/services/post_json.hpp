#pragma once
// The Post object of schema/api/content.md, shared by every route that returns posts and by the
// live events that carry one (the Wall).
#include "services/post_view.hpp"

#include <nlohmann/json_fwd.hpp>

namespace harbour::services {

// with_body = false for lists: body and body_html are left out (excerpt stays).
nlohmann::json post_json(const PostView& view, bool with_body = true);

}  // namespace harbour::services
