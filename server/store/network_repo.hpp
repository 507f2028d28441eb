#pragma once
// Rows of the networks table (schema/migrations/0001_networks.sql).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harbour::store {

class Connection;

struct NetworkRow {
  std::int64_t id;
  std::string slug;
  std::string name;
  std::string time_zone;
  std::string crisis_contacts_json;  // always a valid JSON array (see insert_network)
};

std::optional<NetworkRow> find_network_by_slug(Connection& c, std::string_view slug);

// Every network, oldest first.
std::vector<NetworkRow> list_networks(Connection& c);

// Writes name, number and availability into the crisis contact whose "id" is
// "local_crisis_team", keeping its place in the list, or appends such an entry when the network
// has none. Throws DbError when there is no network with that slug.
void set_local_crisis_team(Connection& c, std::string_view slug, std::string_view name, std::string_view number,
                           std::string_view available);

// Inserts a network unless one with this slug exists, and returns the id either way (so seeding
// can run at every start). crisis_contacts_json must be a JSON array, else DbError (a CHECK
// constraint failure); it is stored minified.
std::int64_t insert_network(Connection& c, std::string_view slug, std::string_view name, std::string_view time_zone,
                            std::string_view crisis_contacts_json);

// Sets a network's name and time zone (the slug never changes: it is in every address).
void update_network_name_and_zone(Connection& c, std::int64_t id, std::string_view name, std::string_view time_zone);

// Gives a new network what the first migrations gave `default`: version 1 of the community
// guidelines (the current text of `from`'s) and a moderation policy row with the defaults.
void copy_network_defaults(Connection& c, std::int64_t from, std::int64_t to);

}  // namespace harbour::store
