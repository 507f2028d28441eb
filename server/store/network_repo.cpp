#include "store/network_repo.hpp"

#include "store/connection.hpp"
#include "store/db_error.hpp"

#include <sqlite3.h>

namespace harbour::store {
namespace {

NetworkRow read_network(Statement& s) {
  return NetworkRow{s.column_int64(0), s.column_text(1), s.column_text(2), s.column_text(3), s.column_text(4)};
}

// The schema cannot call json_valid (trusted_schema=OFF on SQLite 3.40, see 0001_networks.sql),
// so every write of crisis_contacts passes through here first. CASE, not AND: json_type raises
// an error on malformed text rather than answering.
void require_json_array(Connection& c, std::string_view json) {
  Statement& s = c.prepare("SELECT CASE WHEN json_valid(?1) THEN json_type(?1) = 'array' ELSE 0 END");
  s.bind(1, json);
  const bool ok = s.step() && s.column_int64(0) == 1;
  s.reset();
  if (!ok) throw DbError(SQLITE_CONSTRAINT_CHECK, "crisis_contacts must be a JSON array");
}

}  // namespace

std::optional<NetworkRow> find_network_by_slug(Connection& c, std::string_view slug) {
  Statement& s = c.prepare("SELECT id, slug, name, time_zone, crisis_contacts FROM networks WHERE slug = ?1");
  s.bind(1, slug);
  std::optional<NetworkRow> row;
  if (s.step()) row = read_network(s);
  s.reset();
  return row;
}

std::vector<NetworkRow> list_networks(Connection& c) {
  Statement& s = c.prepare("SELECT id, slug, name, time_zone, crisis_contacts FROM networks ORDER BY id");
  std::vector<NetworkRow> rows;
  while (s.step()) rows.push_back(read_network(s));
  return rows;
}

void set_local_crisis_team(Connection& c, std::string_view slug, std::string_view name, std::string_view number,
                           std::string_view available) {
  // json_set escapes the bound text itself, so a quote in a name cannot break the JSON. The
  // path is built from the array index SQLite found, never from input.
  Statement& update = c.prepare(
      "UPDATE networks AS n"
      "   SET crisis_contacts = json_set(n.crisis_contacts,"
      "         '$[' || e.key || '].name', ?2,"
      "         '$[' || e.key || '].number', ?3,"
      "         '$[' || e.key || '].available', ?4)"
      "  FROM (SELECT j.key AS key FROM networks AS m, json_each(m.crisis_contacts) AS j"
      "         WHERE m.slug = ?1 AND j.type = 'object'"
      "           AND json_extract(j.value, '$.id') = 'local_crisis_team'"
      "         ORDER BY j.key LIMIT 1) AS e"
      " WHERE n.slug = ?1");
  update.bind(1, slug).bind(2, name).bind(3, number).bind(4, available).run();
  if (c.changes() > 0) return;

  // No such entry yet (a network seeded without one): add it at the end of the list.
  Statement& append = c.prepare(
      "UPDATE networks"
      "   SET crisis_contacts = json_insert(crisis_contacts, '$[#]', json_object("
      "         'id', 'local_crisis_team', 'name', ?2, 'action', 'call', 'number', ?3,"
      "         'description', 'Your care team will have given you this number.', 'available', ?4))"
      " WHERE slug = ?1");
  append.bind(1, slug).bind(2, name).bind(3, number).bind(4, available).run();
  if (c.changes() == 0) throw DbError(SQLITE_NOTFOUND, "no network with slug '" + std::string(slug) + "'");
}

std::int64_t insert_network(Connection& c, std::string_view slug, std::string_view name, std::string_view time_zone,
                            std::string_view crisis_contacts_json) {
  require_json_array(c, crisis_contacts_json);
  Statement& insert = c.prepare(
      "INSERT INTO networks (slug, name, time_zone, crisis_contacts) VALUES (?1, ?2, ?3, json(?4))"
      " ON CONFLICT (slug) DO NOTHING");
  insert.bind(1, slug).bind(2, name).bind(3, time_zone).bind(4, crisis_contacts_json).run();
  if (c.changes() > 0) return c.last_insert_rowid();

  Statement& existing = c.prepare("SELECT id FROM networks WHERE slug = ?1");
  existing.bind(1, slug);
  if (!existing.step()) throw DbError(SQLITE_INTERNAL, "network '" + std::string(slug) + "' vanished after a conflict");
  const std::int64_t id = existing.column_int64(0);
  existing.reset();
  return id;
}

void update_network_name_and_zone(Connection& c, std::int64_t id, std::string_view name, std::string_view time_zone) {
  c.prepare("UPDATE networks SET name = ?2, time_zone = ?3 WHERE id = ?1").bind(1, id).bind(2, name).bind(3, time_zone).run();
  if (c.changes() == 0) throw DbError(SQLITE_NOTFOUND, "no network with id " + std::to_string(id));
}

void copy_network_defaults(Connection& c, std::int64_t from, std::int64_t to) {
  c.prepare("INSERT INTO guidelines (network_id, version, body)"
            " SELECT ?2, 1, body FROM guidelines WHERE network_id = ?1 ORDER BY version DESC LIMIT 1")
      .bind(1, from)
      .bind(2, to)
      .run();
  if (c.changes() == 0) throw DbError(SQLITE_NOTFOUND, "network " + std::to_string(from) + " has no guidelines to copy");
  c.prepare("INSERT INTO moderation_policies (network_id) VALUES (?1) ON CONFLICT (network_id) DO NOTHING").bind(1, to).run();
}

}  // namespace harbour::store
