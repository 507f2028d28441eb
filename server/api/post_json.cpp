#include "api/post_json.hpp"

#include "services/post_writer.hpp"

#include <nlohmann/json.hpp>

namespace harbour::api {

using nlohmann::json;

services::PostInput post_input(const JsonBody& body, bool with_title) {
  services::PostInput in;
  // Byte limits here only bound the work; the characters are counted by the service.
  if (with_title) in.title = body.string("title", 2000);
  in.body = body.string("body", kPostBodyLimit);
  in.content_notes = body.string_list("content_notes", 8, 64);
  in.draft_key = body.optional_string("draft_key", 100);
  return in;
}

nlohmann::json created_json(const services::CreatedPost& created) {
  const auto& d = created.decision;
  json moderation = {{"outcome", services::outcome_name(d.outcome)}, {"message", d.message}};
  // The author sees help at once; never which words matched (nobody should learn to dodge it).
  if (d.risk) moderation["crisis"] = {{"show", true}, {"office_open", d.office_open}, {"office_summary", d.office_summary}};
  if (!d.identifying.empty()) {
    json kinds = json::array();
    for (const auto& i : d.identifying) kinds.push_back({{"kind", i.kind}, {"excerpt", i.excerpt}});
    moderation["identifying"] = kinds;
  }
  return {{"post", post_json(created.post)}, {"moderation", moderation}};
}

}  // namespace harbour::api
