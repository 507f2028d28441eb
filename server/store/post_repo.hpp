#pragma once
// Rows of posts (topics, replies, blog posts, blog comments), their edit history and reactions,
// with the bookkeeping that follows a change of state: a topic's reply count, its newest reply
// and last activity, and the full-text index (post_search holds exactly the published posts).
// Nothing here checks permissions: services decide, this stores.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harbour::store {

class Connection;

struct PostRow {
  std::int64_t id = 0;
  std::int64_t network_id = 0;
  std::string kind;  // topic | reply | blog_post | blog_comment
  std::int64_t author_id = 0;
  std::string author_pseudonym;
  std::string author_role;
  std::optional<std::int64_t> category_id;
  std::optional<std::int64_t> parent_id;
  std::optional<std::string> title;
  std::string body;
  std::string content_notes;  // space-separated keys
  std::string state;          // published | held | rejected | hidden | deleted
  std::optional<std::string> state_reason;
  bool pinned = false;
  bool locked = false;
  std::int64_t reply_count = 0;
  std::optional<std::int64_t> last_child_id;
  std::string last_activity_at;
  std::string created_at;
  std::optional<std::string> published_at;
  std::optional<std::string> edited_at;
};

struct NewPost {
  std::int64_t network_id = 0;
  std::string kind;
  std::int64_t author_id = 0;
  std::string author_role;
  std::optional<std::int64_t> category_id;
  std::optional<std::int64_t> parent_id;
  std::optional<std::string> title;
  std::string body;
  std::string content_notes;
  std::string state;  // published or held
};

// Inserts the post; when it is published, updates its parent's counters and the search index.
std::int64_t insert_post(Connection& c, const NewPost& post, std::string_view now);
std::optional<PostRow> find_post(Connection& c, std::int64_t id);

// Moves a post to `state` (with the reason the author is told, or none) and keeps the parent's
// reply count, newest child, last activity and the search index true. Publishing for the first
// time sets published_at (and a topic's last activity). Returns false when there is no such post.
bool set_post_state(Connection& c, std::int64_t id, std::string_view state, std::optional<std::string> reason,
                    std::string_view now);

// Keeps the old text in post_revisions and writes the new one (edited_at = now). The caller sets
// the state afterwards if the edit goes back through the gate.
void edit_post(Connection& c, std::int64_t id, const std::optional<std::string>& title, std::string_view body,
               std::string_view content_notes, std::int64_t edited_by, std::string_view now);

void set_topic_flags(Connection& c, std::int64_t topic_id, std::optional<bool> pinned, std::optional<bool> locked);
// Moves a topic and its replies to another category.
void move_topic(Connection& c, std::int64_t topic_id, std::int64_t category_id);

// How many posts of this author in this network have been published (the gate's "first N").
// Counting stops at at_most (the moderation gate only asks "fewer than N?", on every post).
std::int64_t count_published_by(Connection& c, std::int64_t author_id, std::int64_t network_id,
                                std::int64_t at_most = INT64_MAX);

// ---- Lists (keyset pages) ---------------------------------------------------------------------
// Topics of a category, newest activity first, excluding pinned ones; `viewer_id` also sees their
// own held/rejected topics, `staff` sees every state. Cursor: (last_activity_at, id) strictly
// before. Pass before_at = nullopt for the first page.
struct TopicPageQuery {
  std::int64_t category_id = 0;
  std::int64_t viewer_id = 0;
  bool staff = false;
  bool pinned = false;  // true: only the pinned topics (first page), no cursor
  std::optional<std::string> before_at;
  std::int64_t before_id = 0;
  int limit = 25;
};
std::vector<PostRow> list_topics(Connection& c, const TopicPageQuery& q);

// Children of a topic or blog post, oldest first, id > after_id. Published and deleted/hidden
// ones (shown as such), the viewer's own held/rejected ones, and everything for staff.
std::vector<PostRow> list_children(Connection& c, std::int64_t parent_id, std::int64_t viewer_id, bool staff,
                                   std::int64_t after_id, int limit);

// Blog posts of a network, newest first (published_at, id for published; the viewer's own
// unpublished ones and, for staff, held ones come first on the first page).
std::vector<PostRow> list_blog_posts(Connection& c, std::int64_t network_id, std::int64_t viewer_id, bool staff,
                                     std::optional<std::int64_t> before_id, int limit);

// The author's own posts in the networks they hold keys to, newest first.
// The Wall: a network's messages newest first (before_id: older pages), and one message's replies
// oldest first. Published ones, and held ones to their author and staff; removed ones have left.
std::vector<PostRow> list_wall_messages(Connection& c, std::int64_t network_id, std::int64_t viewer_id, bool staff,
                                       std::optional<std::int64_t> before_id, int limit);
std::vector<PostRow> list_wall_replies(Connection& c, std::int64_t parent_id, std::int64_t viewer_id, bool staff, int limit);
std::vector<PostRow> list_posts_by_author(Connection& c, std::int64_t author_id, std::optional<std::int64_t> before_id,
                                          int limit);

struct RevisionRow {
  std::int64_t id = 0;
  std::optional<std::string> title;
  std::string body;
  std::string content_notes;
  std::string replaced_at;
  std::optional<std::int64_t> replaced_by;
  std::string replaced_by_pseudonym;
};
std::vector<RevisionRow> list_revisions(Connection& c, std::int64_t post_id);

// ---- Reactions --------------------------------------------------------------------------------
// Returns true when it changed something.
bool add_reaction(Connection& c, std::int64_t post_id, std::int64_t user_id, std::string_view kind, std::string_view now);
bool remove_reaction(Connection& c, std::int64_t post_id, std::int64_t user_id, std::string_view kind,
                     std::string_view now);
// kind -> count, for many posts at once.
std::map<std::int64_t, std::map<std::string, std::int64_t>> reaction_counts(Connection& c,
                                                                            const std::vector<std::int64_t>& post_ids);
// The kinds this user gave each post.
std::map<std::int64_t, std::vector<std::string>> reactions_by(Connection& c, std::int64_t user_id,
                                                              const std::vector<std::int64_t>& post_ids);
struct ReactorRow {
  std::string kind;
  std::int64_t user_id = 0;
  std::string pseudonym;
};
std::vector<ReactorRow> list_reactors(Connection& c, std::int64_t post_id);

// ---- Read markers -----------------------------------------------------------------------------
// Moves the marker forward only (an older page read later does not make a topic unread).
void mark_topic_read(Connection& c, std::int64_t user_id, std::int64_t topic_id, std::int64_t last_read_id,
                     std::string_view now);
// topic id -> last_read_id for the topics this user has opened.
std::map<std::int64_t, std::int64_t> read_markers(Connection& c, std::int64_t user_id,
                                                  const std::vector<std::int64_t>& topic_ids);

}  // namespace harbour::store
