#include "services/demo_community.hpp"

#include "core/clock.hpp"
#include "core/log.hpp"
#include "services/content_rules.hpp"
#include "services/demo_community_data.hpp"
#include "services/pseudonym_policy.hpp"
#include "store/account_repo.hpp"
#include "store/category_repo.hpp"
#include "store/connection.hpp"
#include "store/database.hpp"
#include "store/moderation_repo.hpp"
#include "store/network_repo.hpp"
#include "store/post_repo.hpp"
#include "store/resource_repo.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <numeric>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace harbour::services {
namespace {

using TimePoint = std::chrono::system_clock::time_point;

// Not a PHC string, so argon2id_verify never matches it: demo authors cannot be signed in to.
constexpr std::string_view kCannotSignIn = "!";
// Demo authors joined a while before their first post.
constexpr int kJoinedHoursAgo = demo::ago(60);
constexpr std::array<const char*, 3> kReactionKinds{"support", "me_too", "thank_you"};

struct Author {
  std::int64_t id = 0;
  std::string role;
};

struct Seeded {
  std::int64_t id = 0;
  std::optional<std::int64_t> category_id;
};

// What one network's seeding has made so far, by the names the data tables use.
struct Run {
  Run(store::Connection& connection, std::int64_t network, const demo::NetworkContent& data, TimePoint at)
      : c(connection), network_id(network), content(data), now(at) {}

  store::Connection& c;
  std::int64_t network_id;
  const demo::NetworkContent& content;
  TimePoint now;
  std::map<std::string, Author, std::less<>> authors;  // pseudonym or staff slot
  std::vector<std::pair<std::int64_t, std::int64_t>> reactors;  // members and carers (id, role bit), in table order
  std::map<std::string, std::int64_t, std::less<>> categories;
  std::map<std::int64_t, std::int64_t> read_masks;  // by category id
  std::map<std::string, Seeded, std::less<>> posts;
};

[[noreturn]] void bad_data(std::string_view what, std::string_view name) {
  throw std::logic_error("demo community data for this network: " + std::string(what) + ": " + std::string(name));
}

// A few minutes' offset per row, so posts of the same hour do not share a timestamp; always under
// an hour, so a reply an hour younger than its topic stays younger.
std::string at(const Run& run, int hours_ago, std::size_t row) {
  const auto t = run.now - std::chrono::hours(hours_ago) - std::chrono::minutes((row * 37) % 50);
  return core::format_utc_ms(t);
}

bool holds_role(store::Connection& c, std::int64_t user_id, std::int64_t network_id, std::string_view role) {
  const auto keys = store::memberships_of(c, user_id);
  return std::any_of(keys.begin(), keys.end(), [&](const store::MembershipRow& m) {
    return m.network_id == network_id && m.role == role && m.status == "active";
  });
}

// A demo author of this network, reused when it exists already (say its network's categories were
// cleared by hand). names_free() has made sure the name is not someone else's account.
std::int64_t demo_author(Run& run, std::string_view pseudonym, std::string_view role, std::size_t row) {
  const auto key = pseudonym_key(pseudonym);
  std::int64_t id = 0;
  if (const auto user = store::find_user_by_key(run.c, key)) {
    id = user->id;
  } else {
    id = store::insert_user(run.c, pseudonym, key, kCannotSignIn, false, at(run, kJoinedHoursAgo, row));
  }
  store::upsert_membership(run.c, id, run.network_id, role);
  return id;
}

void add_staff(Run& run) {
  std::size_t row = 0;
  for (const auto& slot : run.content.staff) {
    std::optional<std::int64_t> id;
    if (slot.preferred) {
      const auto user = store::find_user_by_key(run.c, pseudonym_key(slot.preferred));
      if (user && user->status == "active" && holds_role(run.c, user->id, run.network_id, slot.role)) id = user->id;
    }
    if (!id) id = demo_author(run, slot.fallback, slot.role, row);
    run.authors[slot.slot] = Author{*id, slot.role};
    ++row;
  }
}

void add_people(Run& run) {
  std::size_t row = run.content.staff.size();
  for (const auto& person : run.content.people) {
    const auto id = demo_author(run, person.pseudonym, person.role, row++);
    if (!run.authors.emplace(person.pseudonym, Author{id, person.role}).second) bad_data("person listed twice", person.pseudonym);
    run.reactors.emplace_back(id, std::string_view(person.role) == "carer" ? demo::kCarers : demo::kMembers);
  }
}

void add_categories(Run& run) {
  std::int64_t position = 0;
  for (const auto& category : run.content.categories) {
    store::NewCategory row{run.network_id, category.name, category.description, position, category.read_mask,
                           category.post_mask};
    const auto id = store::insert_category(run.c, row, at(run, kJoinedHoursAgo + 24, 0));
    run.categories[category.name] = id;
    run.read_masks[id] = category.read_mask;
    position += 10;  // gaps, so an admin can slot a category in between
  }
}

const Author& author_of(const Run& run, const demo::Post& post) {
  const auto it = run.authors.find(std::string_view(post.author ? post.author : ""));
  if (it == run.authors.end()) bad_data("unknown author", post.author ? post.author : "(none)");
  return it->second;
}

TextKind body_kind(std::string_view kind) {
  if (kind == "topic") return TextKind::TopicBody;
  if (kind == "reply") return TextKind::Reply;
  if (kind == "blog_post") return TextKind::BlogBody;
  return TextKind::Comment;
}

// Where the post hangs: its category (topics), or its parent and the parent's category.
void place(const Run& run, const demo::Post& post, store::NewPost& out) {
  const std::string_view kind = post.kind;
  if (kind == "blog_post") return;
  const std::string_view parent = post.parent ? post.parent : "";
  if (kind == "topic") {
    const auto it = run.categories.find(parent);
    if (it == run.categories.end()) bad_data("unknown category", parent);
    out.category_id = it->second;
    return;
  }
  const auto it = run.posts.find(parent);
  if (it == run.posts.end()) bad_data("reply before its parent, or unknown parent", parent);
  out.parent_id = it->second.id;
  out.category_id = it->second.category_id;
}

// Only people who could read the post react to it (carers read no blogs, nor members-only categories).
void add_reactions(Run& run, const store::NewPost& post, std::int64_t post_id, int count, const std::string& when) {
  const std::int64_t readers = post.category_id ? run.read_masks.at(*post.category_id) : demo::kMembers;
  int given = 0;
  for (const auto& [user_id, role_bit] : run.reactors) {
    if (given == count) break;
    if (user_id == post.author_id || (readers & role_bit) == 0) continue;
    store::add_reaction(run.c, post_id, user_id, kReactionKinds[(post_id + given) % kReactionKinds.size()], when);
    ++given;
  }
}

void add_post(Run& run, const demo::Post& post, std::size_t row) {
  const std::string_view kind = post.kind;
  if (kind != "topic" && kind != "reply" && kind != "blog_post" && kind != "blog_comment") bad_data("unknown post kind", kind);
  const auto& author = author_of(run, post);
  const auto when = at(run, post.hours_ago, row);

  store::NewPost p;
  p.network_id = run.network_id;
  p.kind = post.kind;
  p.author_id = author.id;
  p.author_role = author.role;
  place(run, post, p);
  const bool titled = kind == "topic" || kind == "blog_post";
  if (titled) p.title = checked_text(post.title ? post.title : "", kind == "topic" ? TextKind::TopicTitle : TextKind::BlogTitle, "title");
  p.body = checked_text(post.body ? post.body : "", body_kind(kind), "body");
  p.content_notes = checked_content_notes(split_words(post.notes));
  p.state = post.held_reason ? "held" : "published";

  const auto id = store::insert_post(run.c, p, when);
  if (post.key && !run.posts.emplace(post.key, Seeded{id, p.category_id}).second) bad_data("post key used twice", post.key);
  if (post.held_reason) {
    store::insert_moderation_item(run.c, run.network_id, id, post.held_reason, std::nullopt, when);
    return;
  }
  if (post.pinned) store::set_topic_flags(run.c, id, true, std::nullopt);
  add_reactions(run, p, id, post.reactions, when);
}

// Oldest first, so ids follow time as they would in a living forum and every parent exists
// before its children.
void add_posts(Run& run) {
  const auto& posts = run.content.posts;
  std::vector<std::size_t> order(posts.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return posts[a].hours_ago > posts[b].hours_ago; });
  for (const auto i : order) add_post(run, posts[i], i);
}

void add_resources(Run& run) {
  const auto staff = run.authors.find(std::string_view("@clinician"));
  const std::optional<std::int64_t> author =
      staff != run.authors.end() ? std::optional<std::int64_t>(staff->second.id) : std::nullopt;
  std::size_t row = 0;
  for (const auto& r : run.content.resources) {
    const std::string_view kind = r.kind;
    if (kind != "article" && kind != "leaflet" && kind != "service") bad_data("unknown resource kind", kind);
    if ((kind == "article") == (r.url != nullptr)) bad_data("articles have a body, links a url", r.title);
    store::NewResource res;
    res.network_id = run.network_id;
    res.kind = r.kind;
    res.title = checked_text(r.title, TextKind::ResourceTitle, "title");
    res.summary = checked_text(r.summary, TextKind::Summary, "summary");
    res.body = checked_text(r.body, TextKind::ResourceBody, "body");
    if (r.url) res.url = r.url;
    res.topics = r.topics;
    res.audiences = r.audiences;
    res.content_notes = checked_content_notes(split_words(r.notes));
    res.author_id = author;
    store::insert_resource(run.c, res, at(run, r.hours_ago, row++));
  }
}

// True when no account that is not a demo author (one someone can sign in to, or an erased one)
// holds a name the network's demo authors use: their posts must never appear under a real name.
bool names_free(store::Connection& c, const demo::NetworkContent& content) {
  const auto free = [&](const char* pseudonym) {
    const auto user = store::find_user_by_key(c, pseudonym_key(pseudonym));
    return !user || user->password_hash == kCannotSignIn;
  };
  return std::all_of(content.staff.begin(), content.staff.end(), [&](const auto& s) { return free(s.fallback); }) &&
         std::all_of(content.people.begin(), content.people.end(), [&](const auto& p) { return free(p.pseudonym); });
}

// False when the network is missing or already has categories (seeded before, or set up by
// hand): then nothing of ours belongs there.
bool seed_network(store::Connection& c, const demo::NetworkContent& content, TimePoint now) {
  const auto network = store::find_network_by_slug(c, content.slug);
  if (!network || !store::list_categories(c, network->id).empty()) return false;
  if (!names_free(c, content)) {
    core::log::warn("demo_community_skipped", {{"network", content.slug}, {"reason", "a demo author's name is taken"}});
    return false;
  }
  Run run(c, network->id, content, now);
  add_staff(run);
  add_people(run);
  add_categories(run);
  add_posts(run);
  add_resources(run);
  return true;
}

}  // namespace

int seed_demo_community(store::Database& db, TimePoint now) {
  return db.writer()
      .run([now](store::Connection& c) {
        int seeded = 0;
        for (const auto* content : {&demo::default_content(), &demo::carers_content(), &demo::perinatal_content()}) {
          if (seed_network(c, *content, now)) ++seeded;
        }
        return seeded;
      })
      .get();
}

int seed_demo_community(store::Database& db) { return seed_demo_community(db, std::chrono::system_clock::now()); }

}  // namespace harbour::services
