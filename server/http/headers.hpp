#pragma once
// An ordered list of header fields with case-insensitive lookup (RFC 9110 §5.1).
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace harbour::http {

bool iequals(std::string_view a, std::string_view b) noexcept;

class Headers {
 public:
  using Field = std::pair<std::string, std::string>;

  std::optional<std::string_view> get(std::string_view name) const noexcept;
  bool has(std::string_view name) const noexcept { return get(name).has_value(); }
  // Replaces every field of that name.
  void set(std::string_view name, std::string_view value);
  // Sets only when absent (middleware defaults that handlers may override).
  void set_default(std::string_view name, std::string_view value);
  void add(std::string_view name, std::string_view value);
  void remove(std::string_view name);

  const std::vector<Field>& fields() const noexcept { return fields_; }
  auto begin() const noexcept { return fields_.begin(); }
  auto end() const noexcept { return fields_.end(); }
  std::size_t size() const noexcept { return fields_.size(); }

 private:
  std::vector<Field> fields_;
};

}  // namespace harbour::http
