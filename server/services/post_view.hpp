#pragma once
// A post as one reader sees it: the row plus what depends on who is looking (their reactions,
// whether they muted the author or collapse its content notes, what they may do with it, whether
// it is unread) and what they may see of it (a hidden or deleted post's text only for staff).
#include "services/principal.hpp"
#include "store/post_repo.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace harbour::store {
class Connection;
}

namespace harbour::services {

struct PostView {
  store::PostRow row;
  std::string network_slug;
  bool show_text = true;     // false: body and title of a deleted/hidden post are withheld
  bool show_reason = false;  // state_reason is for the author and staff only
  std::string badge;         // "Clinician" | "Peer supporter" | "Volunteer" | "" (from author_role)
  bool author_muted = false;
  bool collapsed = false;    // one of its content notes is in the reader's collapsed list
  std::map<std::string, std::int64_t> reactions;  // every kind, zero included
  std::vector<std::string> my_reactions;
  bool can_edit = false;
  bool can_delete = false;
  bool can_react = false;
  bool unread = false;       // topics: newer posts than the reader's marker
};

// Builds the views of many posts with a few queries (reactions, mutes, settings, markers).
// `viewer` may be null (never in practice: every content route needs a sign-in).
std::vector<PostView> build_post_views(store::Connection& c, const Principal* viewer, std::vector<store::PostRow> rows);
PostView build_post_view(store::Connection& c, const Principal* viewer, store::PostRow row);

// The badge of a role as written at posting time ("" for member and carer).
std::string role_badge(std::string_view author_role);

}  // namespace harbour::services
