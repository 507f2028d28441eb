#include "store/resource_repo.hpp"

#include "store/connection.hpp"
#include "store/search_updates.hpp"

#include <algorithm>
#include <map>

namespace harbour::store {
namespace {

// Columns in the order of the SELECT lists below.
ResourceRow read_resource(Statement& s) {
  ResourceRow r;
  r.id = s.column_int64(0);
  r.network_id = s.column_int64(1);
  r.kind = s.column_text(2);
  r.title = s.column_text(3);
  r.summary = s.column_text(4);
  r.body = s.column_text(5);
  r.url = s.column_optional_text(6);
  r.video_provider = s.column_optional_text(7);
  r.video_id = s.column_optional_text(8);
  r.transcript = s.column_text(9);
  r.topics = s.column_text(10);
  r.audiences = s.column_text(11);
  r.content_notes = s.column_text(12);
  r.state = s.column_text(13);
  r.created_at = s.column_text(14);
  r.updated_at = s.column_text(15);
  r.network_slug = s.column_text(16);
  return r;
}

// The searchable text: the title on its own (ranked higher), and everything else a reader
// would recognise the resource by.
void index_resource(Connection& c, std::int64_t id, const NewResource& r) {
  std::string text = r.summary;
  for (const std::string* part : {&r.body, &r.transcript}) {
    if (part->empty()) continue;
    if (!text.empty()) text += "\n\n";
    text += *part;
  }
  index_search_row(c, SearchTable::Resources, id, r.title, std::move(text));
}

void bind_fields(Statement& s, const NewResource& r) {
  s.bind(2, r.kind).bind(3, r.title).bind(4, r.summary).bind(5, r.body).bind(6, r.url).bind(7, r.video_provider)
      .bind(8, r.video_id).bind(9, r.transcript).bind(10, r.topics).bind(11, r.audiences).bind(12, r.content_notes);
  if (r.author_id) s.bind(13, *r.author_id); else s.bind(13, nullptr);
}

}  // namespace

std::int64_t insert_resource(Connection& c, const NewResource& r, std::string_view now) {
  Statement& s = c.prepare(
      "INSERT INTO resources (network_id, kind, title, summary, body, url, video_provider, video_id, transcript, topics,"
      " audiences, content_notes, state, created_by, created_at, updated_by, updated_at)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 'published', ?13, ?14, ?13, ?14)");
  s.bind(1, r.network_id);
  bind_fields(s, r);
  s.bind(14, now);
  s.run();
  const auto id = c.last_insert_rowid();
  index_resource(c, id, r);
  return id;
}

bool update_resource(Connection& c, std::int64_t id, const NewResource& r, std::string_view now) {
  Statement& s = c.prepare(
      "UPDATE resources SET kind = ?2, title = ?3, summary = ?4, body = ?5, url = ?6, video_provider = ?7, video_id = ?8,"
      " transcript = ?9, topics = ?10, audiences = ?11, content_notes = ?12, updated_by = ?13, updated_at = ?14"
      " WHERE id = ?1 AND state = 'published'");
  s.bind(1, id);
  bind_fields(s, r);
  s.bind(14, now);
  s.run();
  if (c.changes() != 1) return false;
  index_resource(c, id, r);
  return true;
}

bool remove_resource(Connection& c, std::int64_t id, std::optional<std::int64_t> removed_by, std::string_view now) {
  Statement& s = c.prepare(
      "UPDATE resources SET state = 'removed', updated_by = ?2, updated_at = ?3 WHERE id = ?1 AND state = 'published'");
  s.bind(1, id);
  if (removed_by) s.bind(2, *removed_by); else s.bind(2, nullptr);
  s.bind(3, now);
  s.run();
  if (c.changes() != 1) return false;
  unindex_search_row(c, SearchTable::Resources, id);
  return true;
}

std::optional<ResourceRow> find_resource(Connection& c, std::int64_t id) {
  Statement& s = c.prepare(
      "SELECT r.id, r.network_id, r.kind, r.title, r.summary, r.body, r.url, r.video_provider, r.video_id, r.transcript,"
      " r.topics, r.audiences, r.content_notes, r.state, r.created_at, r.updated_at, n.slug"
      " FROM resources r JOIN networks n ON n.id = r.network_id WHERE r.id = ?1");
  s.bind(1, id);
  std::optional<ResourceRow> out;
  if (s.step()) out = read_resource(s);
  s.reset();
  return out;
}

std::vector<ResourceRow> list_resources(Connection& c, const ResourceListQuery& q) {
  // Tags and audiences are stored space-separated; padding both sides with spaces matches a whole
  // word. The service only lets [a-z0-9-] through, so the LIKE pattern holds no wildcards.
  Statement& s = c.prepare(
      "SELECT r.id, r.network_id, r.kind, r.title, r.summary, r.body, r.url, r.video_provider, r.video_id, r.transcript,"
      " r.topics, r.audiences, r.content_notes, r.state, r.created_at, r.updated_at, n.slug"
      " FROM resources r JOIN networks n ON n.id = r.network_id"
      " WHERE r.network_id = ?1 AND r.state = 'published'"
      " AND (?2 IS NULL OR r.kind = ?2)"
      " AND (?3 IS NULL OR ' ' || r.topics || ' ' LIKE '% ' || ?3 || ' %')"
      " AND (?4 IS NULL OR ' ' || r.audiences || ' ' LIKE '% ' || ?4 || ' %')"
      " ORDER BY r.updated_at DESC, r.id DESC LIMIT ?5");
  s.bind(1, q.network_id).bind(2, q.kind).bind(3, q.topic).bind(4, q.audience).bind(5, q.limit);
  std::vector<ResourceRow> rows;
  while (s.step()) rows.push_back(read_resource(s));
  return rows;
}

std::vector<std::pair<std::string, std::int64_t>> resource_topic_counts(Connection& c, std::int64_t network_id) {
  Statement& s = c.prepare("SELECT topics FROM resources WHERE network_id = ?1 AND state = 'published' AND topics <> ''");
  s.bind(1, network_id);
  std::map<std::string, std::int64_t> counts;
  while (s.step()) {
    const auto topics = s.column_text(0);
    std::size_t pos = 0;
    while (pos < topics.size()) {
      const auto start = topics.find_first_not_of(' ', pos);
      if (start == std::string::npos) break;
      const auto end = std::min(topics.find(' ', start), topics.size());
      ++counts[topics.substr(start, end - start)];
      pos = end;
    }
  }
  return {counts.begin(), counts.end()};
}

}  // namespace harbour::store
