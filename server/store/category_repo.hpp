#pragma once
// Forum categories of a network, with who may read and post (role bit masks).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harbour::store {

class Connection;

struct CategoryRow {
  std::int64_t id = 0;
  std::int64_t network_id = 0;
  std::string name;
  std::string description;
  std::int64_t position = 0;
  std::int64_t read_mask = 31;
  std::int64_t post_mask = 31;
  std::int64_t topic_count = 0;                // published topics
  std::optional<std::string> last_activity_at;  // of its newest published topic
};

// What a permission check needs of a category: no counts (they cost a range scan of its topics).
struct CategoryRules {
  std::int64_t id = 0;
  std::int64_t network_id = 0;
  std::string name;
  std::int64_t read_mask = 31;
  std::int64_t post_mask = 31;
};

struct NewCategory {
  std::int64_t network_id = 0;
  std::string name;
  std::string description;
  std::int64_t position = 0;
  std::int64_t read_mask = 31;
  std::int64_t post_mask = 31;
};

std::int64_t insert_category(Connection& c, const NewCategory& category, std::string_view now);
void update_category(Connection& c, std::int64_t id, const NewCategory& category);
std::optional<CategoryRow> find_category(Connection& c, std::int64_t id);
std::optional<CategoryRules> find_category_rules(Connection& c, std::int64_t id);
// Ordered by position, then id.
std::vector<CategoryRow> list_categories(Connection& c, std::int64_t network_id);
std::optional<CategoryRow> find_category_by_name(Connection& c, std::int64_t network_id, std::string_view name);

}  // namespace harbour::store
