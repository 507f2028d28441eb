#pragma once
// The demo community as plain data: the people, categories, posts and resources that
// `harbour serve --demo` writes into a network (services/demo_community.cpp does the writing).
// Each network's text lives in its own file (demo_community_<slug>.cpp).
//
// Posts name their author by pseudonym, or by a staff slot ("@clinician", "@peer_supporter",
// "@volunteer") that the seeder fills with the network's demo staff. Times are hours before the
// moment of seeding, so the community always looks lived in; a reply must be younger than what
// it answers (the unit test checks every table for that).
#include <cstdint>
#include <span>

namespace harbour::services::demo {

// Role bits (services/content_rules.hpp role_bit), for category audiences.
inline constexpr std::int64_t kMembers = 1;
inline constexpr std::int64_t kCarers = 2;

constexpr int ago(int days, int hours = 0) { return days * 24 + hours; }

struct Person {
  const char* pseudonym;
  const char* role;  // member | carer | volunteer | peer_supporter | clinician
};

// A staff slot, filled by an existing demo account of the network when there is one (the ones
// demo_seed.cpp creates in 'default'), else by a demo author of our own.
struct StaffSlot {
  const char* slot;       // "@clinician" ...
  const char* role;
  const char* preferred;  // existing account to use when it holds this role here, or nullptr
  const char* fallback;   // pseudonym of the author created otherwise
};

struct Category {
  const char* name;
  const char* description;
  std::int64_t read_mask;
  std::int64_t post_mask;
};

struct Post {
  const char* key = nullptr;     // for replies and comments to point at; nullptr when none do
  const char* kind = "topic";    // topic | reply | blog_post | blog_comment
  const char* parent = nullptr;  // topic: its category's name; reply/comment: the parent's key
  const char* author = nullptr;
  int hours_ago = 0;
  const char* title = nullptr;
  const char* body = nullptr;
  const char* notes = "";            // content note keys, space-separated
  const char* held_reason = nullptr;  // set: held, with a moderation queue item for this reason
  bool pinned = false;
  int reactions = 0;  // how many other people of the network react to it

  constexpr Post with_notes(const char* n) const { Post p = *this; p.notes = n; return p; }
  constexpr Post held(const char* reason) const { Post p = *this; p.held_reason = reason; return p; }
  constexpr Post pin() const { Post p = *this; p.pinned = true; return p; }
  constexpr Post react(int n) const { Post p = *this; p.reactions = n; return p; }
};

constexpr Post topic(const char* key, const char* category, const char* author, int hours_ago, const char* title,
                     const char* body) {
  Post p;
  p.key = key; p.kind = "topic"; p.parent = category; p.author = author; p.hours_ago = hours_ago;
  p.title = title; p.body = body;
  return p;
}
constexpr Post reply(const char* topic_key, const char* author, int hours_ago, const char* body) {
  Post p;
  p.kind = "reply"; p.parent = topic_key; p.author = author; p.hours_ago = hours_ago; p.body = body;
  return p;
}
constexpr Post blog_post(const char* key, const char* author, int hours_ago, const char* title, const char* body) {
  Post p;
  p.key = key; p.kind = "blog_post"; p.author = author; p.hours_ago = hours_ago; p.title = title; p.body = body;
  return p;
}
constexpr Post comment(const char* post_key, const char* author, int hours_ago, const char* body) {
  Post p;
  p.kind = "blog_comment"; p.parent = post_key; p.author = author; p.hours_ago = hours_ago; p.body = body;
  return p;
}

struct Resource {
  const char* kind;  // article | leaflet | service (no videos: we link to nothing we cannot vouch for)
  const char* title;
  const char* summary;
  const char* body;  // Markdown; "" for links
  const char* url;   // nullptr for articles
  const char* topics;     // space-separated tags
  const char* audiences;  // space-separated: everyone members carers
  const char* notes;      // content note keys
  int hours_ago;
};

struct NetworkContent {
  const char* slug;
  std::span<const StaffSlot> staff;
  std::span<const Person> people;
  std::span<const Category> categories;
  std::span<const Post> posts;
  std::span<const Resource> resources;
};

const NetworkContent& default_content();
const NetworkContent& carers_content();
const NetworkContent& perinatal_content();

}  // namespace harbour::services::demo
