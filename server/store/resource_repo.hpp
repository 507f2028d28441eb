#pragma once
// The resources library (articles, videos, leaflets, service links) and its search index
// (resource_search holds exactly the published resources; rowid = resources.id).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harbour::store {

class Connection;

struct NewResource {
  std::int64_t network_id = 0;
  std::string kind;  // article | video | leaflet | service
  std::string title;
  std::string summary;
  std::string body;
  std::optional<std::string> url;
  std::optional<std::string> video_provider;  // youtube | vimeo
  std::optional<std::string> video_id;
  std::string transcript;
  std::string topics;     // space-separated
  std::string audiences;  // space-separated: everyone members carers
  std::string content_notes;
  std::optional<std::int64_t> author_id;  // created_by / updated_by
};

// Inserts a published resource and indexes it for search.
std::int64_t insert_resource(Connection& c, const NewResource& resource, std::string_view now);

}  // namespace harbour::store
