#pragma once
// The resources library: articles, videos (allowlisted hosts, privacy-enhanced embeds), leaflets
// and service links. Staff of a network write them (audited, in the same transaction as the
// change and its search index); everyone holding a key to the network reads them, carers too.
// A resource of another network, or a removed one, does not exist for the caller.
#include "services/principal.hpp"
#include "services/request_meta.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harbour::store {
class Database;
}

namespace harbour::services {

// Most resources one list returns: a library holds tens to a few hundred, so no paging.
inline constexpr int kResourceListMax = 200;
inline constexpr std::size_t kResourceMaxTopics = 8;

// What staff send, as the client sent it: the service validates every field.
struct ResourceInput {
  std::string kind;  // article | video | leaflet | service
  std::string title;
  std::string summary;
  std::string body;                // Markdown; required for an article
  std::optional<std::string> url;  // the link; for a video, the link to the video on its host
  std::string transcript;
  std::vector<std::string> topics;         // tags: [a-z0-9-], 2 to 30 characters, at most 8
  std::vector<std::string> audiences;      // everyone | members | carers; none: everyone
  std::vector<std::string> content_notes;  // keys of content_notes()
};

struct ResourceVideo {
  std::string provider;  // youtube | vimeo
  std::string id;
  std::string embed_url;
};

struct ResourceView {
  std::int64_t id = 0;
  std::string network_slug;
  std::string kind;
  std::string title;
  std::string summary;
  std::string body;       // lists leave body, body_html and transcript empty
  std::string body_html;
  std::optional<std::string> url;
  std::optional<ResourceVideo> video;
  std::string transcript;
  std::vector<std::string> topics;
  std::vector<std::string> audiences;
  std::vector<std::string> content_notes;  // keys
  std::string created_at;
  std::string updated_at;
};

struct ResourceFilter {
  std::optional<std::string> kind;
  std::optional<std::string> topic;
  std::optional<std::string> audience;  // resources tagged with this audience
};

struct ResourceTopicCount {
  std::string topic;
  std::int64_t count = 0;
};

struct ResourceList {
  std::vector<ResourceView> resources;      // newest update first, at most kResourceListMax
  std::vector<ResourceTopicCount> topics;  // every tag of the network's library, by name
};

class ResourceService {
 public:
  ResourceService(store::Database& db, std::function<void()> audit_written) : db_(db), audit_written_(std::move(audit_written)) {}

  ResourceList list(const Principal* who, std::string_view network_slug, const ResourceFilter& filter);
  ResourceView get(const Principal* who, std::int64_t id);

  // Staff of the network (or an admin), second factor done. Audited resource.create / .update /
  // .remove.
  ResourceView create(const Principal* who, const RequestMeta& meta, std::string_view network_slug, const ResourceInput& input);
  // A whole replacement (PUT): fields left out take their defaults.
  ResourceView update(const Principal* who, const RequestMeta& meta, std::int64_t id, const ResourceInput& input);
  void remove(const Principal* who, const RequestMeta& meta, std::int64_t id);

 private:
  store::Database& db_;
  std::function<void()> audit_written_;
};

}  // namespace harbour::services
