#include "services/post_notifications.hpp"

#include "services/content_rules.hpp"
#include "services/pseudonym_policy.hpp"
#include "store/account_repo.hpp"
#include "store/category_repo.hpp"
#include "store/notification_repo.hpp"

#include <algorithm>
#include <set>

namespace harbour::services {
namespace {

constexpr std::size_t kMaxMentions = 5;
constexpr int kMaxMentionWords = 4;  // pseudonyms are a few words ("Quiet Morning Heron")

bool name_char(unsigned char ch) { return ch >= 0x80 || std::isalnum(ch) || ch == '-' || ch == '\'' || ch == '.'; }

// Candidate names after each '@': the next 1..4 words, longest first, so "@Calm Sea thanks"
// finds "Calm Sea" before "Calm".
std::vector<std::vector<std::string>> mention_candidates(std::string_view body) {
  std::vector<std::vector<std::string>> out;
  for (std::size_t at = body.find('@'); at != std::string_view::npos && out.size() < 3 * kMaxMentions;
       at = body.find('@', at + 1)) {
    // An e-mail address is not a mention.
    if (at > 0 && name_char(static_cast<unsigned char>(body[at - 1]))) continue;
    std::vector<std::string> words;
    std::size_t i = at + 1;
    while (static_cast<int>(words.size()) < kMaxMentionWords && i < body.size()) {
      std::size_t end = i;
      while (end < body.size() && name_char(static_cast<unsigned char>(body[end]))) ++end;
      if (end == i) break;
      words.emplace_back(body.substr(i, end - i));
      if (end >= body.size() || body[end] != ' ') break;
      i = end + 1;
    }
    std::vector<std::string> names;
    for (int n = static_cast<int>(words.size()); n >= 1; --n) {
      std::string name;
      for (int w = 0; w < n; ++w) name += (w ? " " : "") + words[static_cast<std::size_t>(w)];
      // Trailing sentence punctuation is not part of a name ("@Calm Sea.").
      while (!name.empty() && (name.back() == '.' || name.back() == '\'')) name.pop_back();
      if (!name.empty()) names.push_back(std::move(name));
    }
    if (!names.empty()) out.push_back(std::move(names));
  }
  return out;
}

// Whether this person may read the post: an active key to its network and, in a category,
// their role's bit in its read mask (staff read everything). Blogs are for the community, not carers.
bool may_read(store::Connection& c, std::int64_t user_id, const store::PostRow& post) {
  const auto user = store::find_user(c, user_id);
  if (!user || user->status != "active") return false;
  for (const auto& m : store::memberships_of(c, user_id)) {
    if (m.network_id != post.network_id || m.status != "active") continue;
    const auto role = parse_role(m.role);
    if (!role) return false;
    if (is_staff(*role)) return true;
    if (post.category_id) {
      const auto category = store::find_category_rules(c, *post.category_id);
      return category && (category->read_mask & role_bit(*role)) != 0;
    }
    return *role != Role::Carer;
  }
  return false;
}

}  // namespace

std::vector<Notice> notify_published(store::Connection& c, const store::PostRow& post, std::string_view now) {
  std::vector<Notice> ids;
  std::set<std::int64_t> told{post.author_id};
  auto tell = [&](std::int64_t user_id, const char* kind) {
    if (!told.insert(user_id).second) return;
    store::NewNotification n{user_id, post.network_id, kind, post.id, post.author_id};
    if (const auto id = store::insert_notification(c, n, now)) ids.push_back({*id, user_id});
  };
  if (post.parent_id) {
    if (const auto parent = store::find_post(c, *post.parent_id); parent && parent->state == "published") {
      tell(parent->author_id, post.kind == "reply" ? "reply" : "comment");
    }
  }
  std::size_t mentions = 0;
  for (const auto& names : mention_candidates(post.body)) {
    if (mentions >= kMaxMentions) break;
    for (const auto& name : names) {
      const auto user = store::find_user_by_key(c, pseudonym_key(name));
      if (!user) continue;
      if (!told.contains(user->id) && may_read(c, user->id, post)) {
        tell(user->id, "mention");
        ++mentions;
      }
      break;  // the longest name that exists is the one meant
    }
  }
  return ids;
}

}  // namespace harbour::services
