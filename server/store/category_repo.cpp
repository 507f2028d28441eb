#include "store/category_repo.hpp"

#include "store/connection.hpp"

namespace harbour::store {
namespace {

// Counts and the newest activity cover published topics only: held ones are nobody's news yet.
#define CATEGORY_SELECT \
    "SELECT c.id, c.network_id, c.name, c.description, c.position, c.read_mask, c.post_mask," \
    " (SELECT count(*) FROM posts p WHERE p.category_id = c.id AND p.kind = 'topic' AND p.state = 'published')," \
    " (SELECT max(p.last_activity_at) FROM posts p WHERE p.category_id = c.id AND p.kind = 'topic' AND p.state = 'published')" \
    " FROM categories c"

CategoryRow read_category(Statement& s) {
  return {s.column_int64(0), s.column_int64(1), s.column_text(2), s.column_text(3), s.column_int64(4),
          s.column_int64(5), s.column_int64(6), s.column_int64(7), s.column_optional_text(8)};
}

std::optional<CategoryRow> one(Statement& s) {
  std::optional<CategoryRow> row;
  if (s.step()) row = read_category(s);
  s.reset();
  return row;
}

}  // namespace

std::int64_t insert_category(Connection& c, const NewCategory& k, std::string_view now) {
  c.prepare("INSERT INTO categories (network_id, name, description, position, read_mask, post_mask, created_at)"
            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
      .bind(1, k.network_id).bind(2, k.name).bind(3, k.description).bind(4, k.position)
      .bind(5, k.read_mask).bind(6, k.post_mask).bind(7, now).run();
  return c.last_insert_rowid();
}

void update_category(Connection& c, std::int64_t id, const NewCategory& k) {
  c.prepare("UPDATE categories SET name = ?2, description = ?3, position = ?4, read_mask = ?5, post_mask = ?6 WHERE id = ?1")
      .bind(1, id).bind(2, k.name).bind(3, k.description).bind(4, k.position).bind(5, k.read_mask).bind(6, k.post_mask)
      .run();
}

std::optional<CategoryRow> find_category(Connection& c, std::int64_t id) {
  return one(c.prepare(CATEGORY_SELECT " WHERE c.id = ?1").bind(1, id));
}

std::optional<CategoryRules> find_category_rules(Connection& c, std::int64_t id) {
  Statement& s = c.prepare("SELECT id, network_id, name, read_mask, post_mask FROM categories WHERE id = ?1").bind(1, id);
  std::optional<CategoryRules> rules;
  if (s.step()) rules = CategoryRules{s.column_int64(0), s.column_int64(1), s.column_text(2), s.column_int64(3), s.column_int64(4)};
  s.reset();
  return rules;
}

std::optional<CategoryRow> find_category_by_name(Connection& c, std::int64_t network_id, std::string_view name) {
  return one(c.prepare(CATEGORY_SELECT " WHERE c.network_id = ?1 AND c.name = ?2").bind(1, network_id).bind(2, name));
}

std::vector<CategoryRow> list_categories(Connection& c, std::int64_t network_id) {
  Statement& s = c.prepare(CATEGORY_SELECT " WHERE c.network_id = ?1 ORDER BY c.position, c.id").bind(1, network_id);
  std::vector<CategoryRow> rows;
  while (s.step()) rows.push_back(read_category(s));
  return rows;
}

}  // namespace harbour::store
