#pragma once
// The resources library (articles, videos, leaflets, service links) and its search index
// (resource_search holds exactly the published resources; rowid = resources.id).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
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

struct ResourceRow {
  std::int64_t id = 0;
  std::int64_t network_id = 0;
  std::string network_slug;
  std::string kind;
  std::string title;
  std::string summary;
  std::string body;
  std::optional<std::string> url;
  std::optional<std::string> video_provider;
  std::optional<std::string> video_id;
  std::string transcript;
  std::string topics;
  std::string audiences;
  std::string content_notes;
  std::string state;  // published | removed
  std::string created_at;
  std::string updated_at;
};

// Inserts a published resource and indexes it for search.
std::int64_t insert_resource(Connection& c, const NewResource& resource, std::string_view now);

// Replaces every field of a published resource (network_id is kept) and re-indexes it. Returns
// false when there is no published resource with this id.
bool update_resource(Connection& c, std::int64_t id, const NewResource& resource, std::string_view now);

// Marks it removed (the row stays for the audit trail) and takes it out of the search index.
// Returns false when there is no published resource with this id.
bool remove_resource(Connection& c, std::int64_t id, std::optional<std::int64_t> removed_by, std::string_view now);

// Any state: callers decide what a removed one means.
std::optional<ResourceRow> find_resource(Connection& c, std::int64_t id);

struct ResourceListQuery {
  std::int64_t network_id = 0;
  std::optional<std::string> kind;
  std::optional<std::string> topic;     // one tag of `topics`
  std::optional<std::string> audience;  // one word of `audiences`
  int limit = 200;
};

// Published resources of a network, most recently updated first.
std::vector<ResourceRow> list_resources(Connection& c, const ResourceListQuery& q);

// Every topic tag of the network's published resources with how many carry it, by tag.
std::vector<std::pair<std::string, std::int64_t>> resource_topic_counts(Connection& c, std::int64_t network_id);

}  // namespace harbour::store
