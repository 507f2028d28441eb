#include "services/content_rules.hpp"

#include "core/app_error.hpp"

#include <utf8proc.h>

#include <algorithm>
#include <array>

namespace harbour::services {
namespace {

using core::AppError;
using core::ErrorKind;

constexpr std::array<Role, 5> kRoles{Role::Member, Role::Carer, Role::Volunteer, Role::PeerSupporter, Role::Clinician};

constexpr std::array<ContentNote, 9> kNotes{{
    {"self_harm", "Mentions self-harm"},
    {"suicide", "Mentions suicidal thoughts"},
    {"abuse", "Mentions abuse or violence"},
    {"bereavement", "Mentions death or bereavement"},
    {"eating", "Mentions eating or body image"},
    {"substances", "Mentions alcohol or drugs"},
    {"pregnancy_loss", "Mentions pregnancy or baby loss"},
    {"medication", "Talks about medication"},
    {"distressing", "Other distressing content"},
}};
constexpr std::size_t kMaxNotesPerPost = 4;

bool holds_key(const Principal* who, std::int64_t network_id, const Membership*& out) noexcept {
  out = nullptr;
  if (!who || who->suspended) return false;
  out = who->membership(network_id);
  return out && out->active;
}

}  // namespace

std::int64_t role_bit(Role role) noexcept {
  switch (role) {
    case Role::Member: return 1;
    case Role::Carer: return 2;
    case Role::Volunteer: return 4;
    case Role::PeerSupporter: return 8;
    case Role::Clinician: return 16;
  }
  return 0;
}

std::int64_t roles_mask(std::span<const std::string> roles) {
  std::int64_t mask = 0;
  for (const auto& name : roles) {
    const auto role = parse_role(name);
    if (!role) {
      throw AppError(ErrorKind::BadRequest, "invalid_audience",
                     "Audiences are roles: member, carer, volunteer, peer_supporter or clinician.");
    }
    mask |= role_bit(*role);
  }
  return mask;
}

std::vector<std::string> mask_roles(std::int64_t mask) {
  std::vector<std::string> out;
  for (const auto role : kRoles) {
    if (mask & role_bit(role)) out.emplace_back(role_name(role));
  }
  return out;
}

bool is_network_staff(const Principal* who, std::int64_t network_id) noexcept {
  if (!who || who->suspended || !who->second_factor_done) return false;
  if (who->is_admin) return true;
  const Membership* m = nullptr;
  return holds_key(who, network_id, m) && is_staff(m->role);
}

bool may_read_category(const Principal* who, std::int64_t network_id, std::int64_t read_mask) noexcept {
  if (is_network_staff(who, network_id)) return true;
  const Membership* m = nullptr;
  if (!holds_key(who, network_id, m)) return false;
  // A staff key without the second factor reads nothing until the step is done.
  if (is_staff(m->role)) return false;
  return (read_mask & role_bit(m->role)) != 0;
}

bool may_post_category(const Principal* who, std::int64_t network_id, std::int64_t post_mask) noexcept {
  if (is_network_staff(who, network_id)) return true;
  const Membership* m = nullptr;
  if (!holds_key(who, network_id, m)) return false;
  if (is_staff(m->role)) return false;
  return (post_mask & role_bit(m->role)) != 0;
}

std::span<const ContentNote> content_notes() noexcept { return kNotes; }

std::string checked_content_notes(std::span<const std::string> keys) {
  if (keys.size() > kMaxNotesPerPost) {
    throw AppError(ErrorKind::BadRequest, "invalid_content_note", "Choose at most 4 content notes.");
  }
  std::string out;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const auto& key = keys[i];
    const bool known = std::any_of(kNotes.begin(), kNotes.end(), [&](const ContentNote& n) { return n.key == key; });
    if (!known) throw AppError(ErrorKind::BadRequest, "invalid_content_note", "That content note is not one of the list.");
    if (std::find(keys.begin(), keys.begin() + static_cast<std::ptrdiff_t>(i), key) != keys.begin() + static_cast<std::ptrdiff_t>(i)) {
      throw AppError(ErrorKind::BadRequest, "invalid_content_note", "Each content note can be chosen once.");
    }
    if (!out.empty()) out.push_back(' ');
    out += key;
  }
  return out;
}

std::vector<std::string> split_words(std::string_view stored) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < stored.size()) {
    const auto start = stored.find_first_not_of(' ', pos);
    if (start == std::string_view::npos) break;
    const auto end = std::min(stored.find(' ', start), stored.size());
    out.emplace_back(stored.substr(start, end - start));
    pos = end;
  }
  return out;
}

TextLimit text_limit(TextKind kind) noexcept {
  switch (kind) {
    case TextKind::TopicTitle: return {3, 120};
    case TextKind::TopicBody: return {1, 20'000};
    case TextKind::Reply: return {1, 10'000};
    case TextKind::BlogTitle: return {3, 120};
    case TextKind::BlogBody: return {1, 40'000};
    case TextKind::Comment: return {1, 5'000};
    case TextKind::WallMessage: return {1, 1'000};
    case TextKind::ResourceTitle: return {3, 200};
    case TextKind::ResourceBody: return {0, 60'000};
    case TextKind::Summary: return {0, 500};
    case TextKind::Transcript: return {0, 100'000};
  }
  return {1, 1000};
}

std::size_t code_point_count(std::string_view utf8) noexcept {
  return static_cast<std::size_t>(
      std::count_if(utf8.begin(), utf8.end(), [](char ch) { return (static_cast<unsigned char>(ch) & 0xc0) != 0x80; }));
}

std::string checked_text(std::string_view raw, TextKind kind, std::string_view field) {
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(raw.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(raw.size());
  while (left > 0) {
    utf8proc_int32_t cp = 0;
    const auto n = utf8proc_iterate(p, left, &cp);
    if (n <= 0) throw AppError(ErrorKind::BadRequest, "invalid_utf8", "The text contains characters that are not valid UTF-8.");
    if ((cp < 0x20 && cp != '\n' && cp != '\r' && cp != '\t') || cp == 0x7f) {
      throw AppError(ErrorKind::BadRequest, "invalid_text", "'" + std::string(field) + "' contains control characters.");
    }
    p += n;
    left -= n;
  }
  const auto first = raw.find_first_not_of(" \t\r\n");
  const auto last = raw.find_last_not_of(" \t\r\n");
  const std::string_view text = first == std::string_view::npos ? std::string_view() : raw.substr(first, last - first + 1);
  const auto limit = text_limit(kind);
  const auto n = code_point_count(text);
  if (n < limit.min_chars) {
    throw AppError(ErrorKind::BadRequest, "text_too_short",
                   "'" + std::string(field) + "' needs at least " + std::to_string(limit.min_chars) + " characters.");
  }
  if (n > limit.max_chars) {
    throw AppError(ErrorKind::BadRequest, "text_too_long",
                   "'" + std::string(field) + "' can be at most " + std::to_string(limit.max_chars) + " characters.");
  }
  return std::string(text);
}

}  // namespace harbour::services
