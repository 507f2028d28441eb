#include "store/search_repo.hpp"

#include "store/connection.hpp"

namespace harbour::store {

std::vector<SearchHit> search_posts(Connection& c, std::string_view match, const SearchAccess& access, int limit) {
  // The CASE keeps the audience rules in one place: forum posts by their category's read mask,
  // blogs by role; staff read all of their network. A NULL category or parent never passes.
  Statement& s = c.prepare(
      "SELECT p.id, p.kind, p.network_id,"
      " CASE WHEN p.parent_id IS NULL THEN p.id ELSE p.parent_id END,"
      " CASE WHEN p.parent_id IS NULL THEN p.title ELSE parent.title END,"
      " snippet(post_search, -1, char(2), char(3), '…', 16),"
      " bm25(post_search, 10.0, 1.0),"
      " COALESCE(p.published_at, p.created_at)"
      " FROM post_search"
      " JOIN posts p ON p.id = post_search.rowid"
      " LEFT JOIN posts parent ON parent.id = p.parent_id"
      " LEFT JOIN categories cat ON cat.id = p.category_id"
      " WHERE post_search MATCH ?1"
      " AND p.network_id = ?2 AND p.state = 'published'"
      " AND (p.parent_id IS NULL OR (parent.state = 'published' AND parent.network_id = p.network_id))"
      " AND CASE WHEN p.kind IN ('topic', 'reply')"
      "   THEN ?4 = 1 OR (cat.network_id = p.network_id AND (cat.read_mask & ?3) <> 0)"
      "   ELSE ?4 = 1 OR ?5 = 1 END"
      " ORDER BY bm25(post_search, 10.0, 1.0), p.id DESC LIMIT ?6");
  s.bind(1, match).bind(2, access.network_id).bind(3, access.role_bit).bind(4, access.staff ? 1 : 0)
      .bind(5, access.read_blogs ? 1 : 0).bind(6, limit);
  std::vector<SearchHit> hits;
  while (s.step()) {
    SearchHit h;
    h.id = s.column_int64(0);
    h.type = s.column_text(1);
    h.network_id = s.column_int64(2);
    h.link_id = s.column_int64(3);
    h.title = s.column_text(4);
    h.snippet = s.column_text(5);
    h.rank = s.column_double(6);
    h.at = s.column_text(7);
    hits.push_back(std::move(h));
  }
  return hits;
}

std::vector<SearchHit> search_resources(Connection& c, std::string_view match, std::int64_t network_id, int limit) {
  Statement& s = c.prepare(
      "SELECT r.id, r.network_id, r.title, snippet(resource_search, -1, char(2), char(3), '…', 16),"
      " bm25(resource_search, 10.0, 1.0), r.updated_at"
      " FROM resource_search JOIN resources r ON r.id = resource_search.rowid"
      " WHERE resource_search MATCH ?1 AND r.network_id = ?2 AND r.state = 'published'"
      " ORDER BY bm25(resource_search, 10.0, 1.0), r.id DESC LIMIT ?3");
  s.bind(1, match).bind(2, network_id).bind(3, limit);
  std::vector<SearchHit> hits;
  while (s.step()) {
    SearchHit h;
    h.type = "resource";
    h.id = s.column_int64(0);
    h.network_id = s.column_int64(1);
    h.link_id = h.id;
    h.title = s.column_text(2);
    h.snippet = s.column_text(3);
    h.rank = s.column_double(4);
    h.at = s.column_text(5);
    hits.push_back(std::move(h));
  }
  return hits;
}

}  // namespace harbour::store
