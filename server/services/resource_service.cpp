#include "services/resource_service.hpp"

#include "core/app_error.hpp"
#include "core/clock.hpp"
#include "services/audit_log.hpp"
#include "services/audited_write.hpp"
#include "services/authorizer.hpp"
#include "services/content_rules.hpp"
#include "services/ip_ref.hpp"
#include "services/markdown.hpp"
#include "services/resource_links.hpp"
#include "store/database.hpp"
#include "store/network_repo.hpp"
#include "store/resource_repo.hpp"

#include <algorithm>
#include <array>
#include <span>
#include <vector>

namespace harbour::services {
namespace {

using core::AppError;
using core::ErrorKind;

constexpr std::array<std::string_view, 4> kKinds{"article", "video", "leaflet", "service"};
constexpr std::array<std::string_view, 3> kAudiences{"everyone", "members", "carers"};
constexpr std::size_t kTopicMinChars = 2;
constexpr std::size_t kTopicMaxChars = 30;

AppError network_not_found() {
  return AppError(ErrorKind::NotFound, "network_not_found", "There is no network at this address.");
}

AppError resource_not_found() {
  return AppError(ErrorKind::NotFound, "resource_not_found", "There is no resource at this address.");
}

bool one_of(std::string_view value, std::span<const std::string_view> allowed) {
  return std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

void check_kind(std::string_view kind) {
  if (!one_of(kind, kKinds)) {
    throw AppError(ErrorKind::BadRequest, "invalid_kind", "A resource is an article, video, leaflet or service.");
  }
}

void check_topic(std::string_view topic) {
  const bool ok = topic.size() >= kTopicMinChars && topic.size() <= kTopicMaxChars &&
                  std::all_of(topic.begin(), topic.end(), [](char ch) {
                    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-';
                  });
  if (!ok) {
    throw AppError(ErrorKind::BadRequest, "invalid_topic",
                   "A topic is 2 to 30 lower-case letters, digits or hyphens, such as 'sleep' or 'low-mood'.");
  }
}

void check_audience(std::string_view audience) {
  if (!one_of(audience, kAudiences)) {
    throw AppError(ErrorKind::BadRequest, "invalid_audience", "An audience is everyone, members or carers.");
  }
}

// Tags as staff type them ("Sleep ") become the stored form ("sleep"); anything else is checked.
std::string normalised_topic(std::string_view raw) {
  const auto first = raw.find_first_not_of(" \t");
  const auto last = raw.find_last_not_of(" \t");
  std::string out(first == std::string_view::npos ? std::string_view() : raw.substr(first, last - first + 1));
  for (auto& ch : out) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  return out;
}

std::vector<std::string> normalised_topics(std::span<const std::string> raw) {
  std::vector<std::string> out;
  out.reserve(raw.size());
  for (const auto& t : raw) out.push_back(normalised_topic(t));
  return out;
}

// Distinct items joined by spaces, each checked by `check`; `what` names them in the error.
template <class Check>
std::string checked_words(std::span<const std::string> items, std::size_t max_items, Check check, const char* code,
                          const char* too_many) {
  if (items.size() > max_items) throw AppError(ErrorKind::BadRequest, code, too_many);
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    check(items[i]);
    if (std::find(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(i), items[i]) !=
        items.begin() + static_cast<std::ptrdiff_t>(i)) {
      throw AppError(ErrorKind::BadRequest, code, "Each one can be given once.");
    }
    if (!out.empty()) out.push_back(' ');
    out += items[i];
  }
  return out;
}

// Every field of the input, checked, in the stored form (network and author are the caller's).
store::NewResource checked_input(const ResourceInput& in) {
  store::NewResource r;
  check_kind(in.kind);
  r.kind = in.kind;
  r.title = checked_text(in.title, TextKind::ResourceTitle, "title");
  r.summary = checked_text(in.summary, TextKind::Summary, "summary");
  r.body = checked_text(in.body, TextKind::ResourceBody, "body");
  r.transcript = checked_text(in.transcript, TextKind::Transcript, "transcript");
  if (r.kind == "article" && r.body.empty()) {
    throw AppError(ErrorKind::BadRequest, "text_too_short", "An article needs its text in 'body'.");
  }
  std::optional<std::string> url;
  if (in.url && in.url->find_first_not_of(" \t\r\n") != std::string::npos) url = checked_link_url(*in.url);
  if (r.kind == "video") {
    if (!url) throw AppError(ErrorKind::BadRequest, "invalid_url", "Give the link to the video on YouTube or Vimeo.");
    const auto video = parse_video_link(*url);
    if (!video) {
      throw AppError(ErrorKind::BadRequest, "video_host_not_allowed",
                     "Videos can come from YouTube or Vimeo only: give a link such as https://www.youtube.com/watch?v=… "
                     "or https://vimeo.com/….");
    }
    // Kept as the host's plain page address: whatever tracking parameters the pasted link had are
    // dropped.
    r.url = video_watch_url(*video);
    r.video_provider = video->provider;
    r.video_id = video->id;
  } else {
    if (!url && (r.kind == "leaflet" || r.kind == "service")) {
      throw AppError(ErrorKind::BadRequest, "invalid_url", "A leaflet or a service needs the link to it.");
    }
    r.url = std::move(url);
  }
  r.topics = checked_words(normalised_topics(in.topics), kResourceMaxTopics, check_topic, "invalid_topic", "Give at most 8 topics.");
  r.audiences = checked_words(in.audiences, kAudiences.size(), check_audience, "invalid_audience",
                              "An audience is everyone, members or carers.");
  if (r.audiences.empty()) r.audiences = "everyone";
  r.content_notes = checked_content_notes(in.content_notes);
  return r;
}

ResourceView view_of(const store::ResourceRow& row, bool with_body) {
  ResourceView v;
  v.id = row.id;
  v.network_slug = row.network_slug;
  v.kind = row.kind;
  v.title = row.title;
  v.summary = row.summary;
  if (with_body) {
    v.body = row.body;
    v.body_html = render_markdown(row.body);
    v.transcript = row.transcript;
  }
  v.url = row.url;
  if (row.video_provider && row.video_id) {
    const VideoLink link{*row.video_provider, *row.video_id};
    v.video = ResourceVideo{link.provider, link.id, video_embed_url(link)};
  }
  v.topics = split_words(row.topics);
  v.audiences = split_words(row.audiences);
  v.content_notes = split_words(row.content_notes);
  v.created_at = row.created_at;
  v.updated_at = row.updated_at;
  return v;
}

// Readers: every active key holder of the network, and staff or admins with the second factor.
void require_reader(const Principal* who, std::int64_t network_id) {
  if (is_network_staff(who, network_id)) return;
  require_capability(who, Capability::ReadResources, network_id);
}

// For a resource reached by its id: a caller with no key to its network learns nothing, not
// even that the network exists.
template <class Check>
void hiding_network(Check&& check) {
  try {
    check();
  } catch (const AppError& e) {
    if (e.code() == "network_not_found") throw resource_not_found();
    throw;
  }
}

AuditEntry resource_entry(const Principal& who, std::string action, const RequestMeta& meta, std::int64_t network_id,
                          std::int64_t resource_id, std::string_view kind) {
  AuditEntry e;
  e.actor_id = who.user_id;
  e.actor_role = who.audit_role(network_id);
  e.action = std::move(action);
  e.target_type = "resource";
  e.target_id = std::to_string(resource_id);
  e.network_id = network_id;
  e.session_hash = who.session_ref;
  e.ip_hash = audit_ip_ref(meta.ip);
  e.details = {{"kind", kind}};
  return e;
}

}  // namespace

ResourceList ResourceService::list(const Principal* who, std::string_view network_slug, const ResourceFilter& filter) {
  require_signed_in(who);
  if (filter.kind) check_kind(*filter.kind);
  const auto topic = filter.topic ? std::optional<std::string>(normalised_topic(*filter.topic)) : std::nullopt;
  if (topic) check_topic(*topic);
  if (filter.audience) check_audience(*filter.audience);
  return db_.read([&](store::Connection& c) {
    const auto network = store::find_network_by_slug(c, network_slug);
    if (!network) throw network_not_found();
    require_reader(who, network->id);
    store::ResourceListQuery q;
    q.network_id = network->id;
    q.kind = filter.kind;
    q.topic = topic;
    q.audience = filter.audience;
    q.limit = kResourceListMax;
    ResourceList out;
    for (const auto& row : store::list_resources(c, q)) out.resources.push_back(view_of(row, false));
    for (auto& [topic, count] : store::resource_topic_counts(c, network->id)) out.topics.push_back({topic, count});
    return out;
  });
}

ResourceView ResourceService::get(const Principal* who, std::int64_t id) {
  require_signed_in(who);
  const auto row = db_.read([&](store::Connection& c) { return store::find_resource(c, id); });
  if (!row || row->state != "published") throw resource_not_found();
  hiding_network([&] { require_reader(who, row->network_id); });
  return view_of(*row, true);
}

ResourceView ResourceService::create(const Principal* who, const RequestMeta& meta, std::string_view network_slug,
                                     const ResourceInput& input) {
  require_signed_in(who);
  const auto network = db_.read([&](store::Connection& c) { return store::find_network_by_slug(c, network_slug); });
  if (!network) throw network_not_found();
  require_capability(who, Capability::Moderate, network->id);
  auto fields = checked_input(input);
  fields.network_id = network->id;
  fields.author_id = who->user_id;
  const auto now = core::format_utc_ms(meta.now);
  const auto row = run_audited(db_, audit_written_, [&](store::Connection& c) {
    const auto id = store::insert_resource(c, fields, now);
    append_audit(c, resource_entry(*who, "resource.create", meta, network->id, id, fields.kind), meta.now);
    return *store::find_resource(c, id);
  });
  return view_of(row, true);
}

ResourceView ResourceService::update(const Principal* who, const RequestMeta& meta, std::int64_t id, const ResourceInput& input) {
  require_signed_in(who);
  const auto before = db_.read([&](store::Connection& c) { return store::find_resource(c, id); });
  if (!before || before->state != "published") throw resource_not_found();
  hiding_network([&] { require_capability(who, Capability::Moderate, before->network_id); });
  auto fields = checked_input(input);
  fields.network_id = before->network_id;
  fields.author_id = who->user_id;
  const auto now = core::format_utc_ms(meta.now);
  const auto row = run_audited(db_, audit_written_, [&](store::Connection& c) {
    // Removed since it was read: nothing to update.
    if (!store::update_resource(c, id, fields, now)) throw resource_not_found();
    auto e = resource_entry(*who, "resource.update", meta, before->network_id, id, fields.kind);
    if (before->kind != fields.kind) e.details["previous_kind"] = before->kind;
    append_audit(c, e, meta.now);
    return *store::find_resource(c, id);
  });
  return view_of(row, true);
}

void ResourceService::remove(const Principal* who, const RequestMeta& meta, std::int64_t id) {
  require_signed_in(who);
  const auto before = db_.read([&](store::Connection& c) { return store::find_resource(c, id); });
  if (!before || before->state != "published") throw resource_not_found();
  hiding_network([&] { require_capability(who, Capability::Moderate, before->network_id); });
  const auto now = core::format_utc_ms(meta.now);
  run_audited(db_, audit_written_, [&](store::Connection& c) {
    if (!store::remove_resource(c, id, who->user_id, now)) throw resource_not_found();
    append_audit(c, resource_entry(*who, "resource.remove", meta, before->network_id, id, before->kind), meta.now);
  });
}

}  // namespace harbour::services
