#pragma once
// Full-text queries over post_search and resource_search (FTS5; rowid = posts.id / resources.id).
// The indexes hold only published rows (post_repo and resource_repo keep them exact); who may
// read what is checked here by joining back to the rows, one network at a time. `match` must be
// a query built by services::fts5_query, never a person's text: FTS5 syntax errors throw DbError.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace harbour::store {

class Connection;

// What one caller may read in one network.
struct SearchAccess {
  std::int64_t network_id = 0;
  std::int64_t role_bit = 0;  // the caller's role there, as in categories.read_mask
  bool staff = false;         // reads every category and blog of the network
  bool read_blogs = false;    // blog posts and comments (not carers)
};

struct SearchHit {
  std::string type;  // topic | reply | blog_post | blog_comment | resource
  std::int64_t id = 0;
  std::int64_t network_id = 0;
  std::int64_t link_id = 0;  // the topic of a reply, the blog post of a comment, else id
  std::string title;         // a reply's or comment's parent title
  std::string snippet;       // matches between \x02 and \x03
  double rank = 0;           // bm25, lower is better; the title counts ten times the body
  std::string at;
};

// Published posts the access allows: a topic or reply in a category whose read_mask has the
// role bit, a blog post or comment when blogs are readable; a reply or comment only while its
// parent is published. Best first.
std::vector<SearchHit> search_posts(Connection& c, std::string_view match, const SearchAccess& access, int limit);

// Published resources of the network. Best first.
std::vector<SearchHit> search_resources(Connection& c, std::string_view match, std::int64_t network_id, int limit);

}  // namespace harbour::store
