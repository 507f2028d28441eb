#include "services/post_view.hpp"

#include "services/content_rules.hpp"
#include "store/network_repo.hpp"
#include "store/notification_repo.hpp"
#include "store/reading_repo.hpp"

#include <algorithm>
#include <set>

namespace harbour::services {
namespace {

constexpr const char* kReactionKinds[] = {"support", "me_too", "thank_you"};

}  // namespace

std::string role_badge(std::string_view author_role) {
  if (author_role == "clinician") return "Clinician";
  if (author_role == "peer_supporter") return "Peer supporter";
  if (author_role == "volunteer") return "Volunteer";
  if (author_role == "admin") return "Staff";
  return "";
}

std::vector<PostView> build_post_views(store::Connection& c, const Principal* viewer, std::vector<store::PostRow> rows) {
  std::vector<std::int64_t> ids;
  std::vector<std::int64_t> topic_ids;
  for (const auto& r : rows) {
    ids.push_back(r.id);
    if (r.kind == "topic") topic_ids.push_back(r.id);
  }
  const std::int64_t viewer_id = viewer ? viewer->user_id : 0;
  const auto counts = store::reaction_counts(c, ids);
  const auto mine = viewer ? store::reactions_by(c, viewer_id, ids) : decltype(store::reactions_by(c, 0, ids)){};
  const auto markers = viewer ? store::read_markers(c, viewer_id, topic_ids) : std::map<std::int64_t, std::int64_t>{};
  std::set<std::int64_t> muted;
  std::set<std::string> collapsed_notes;
  if (viewer) {
    for (const auto id : store::muted_user_ids(c, viewer_id)) muted.insert(id);
    // Never chose: every note collapsed (the careful default for people in recovery).
    if (const auto chosen = store::collapsed_notes(c, viewer_id)) {
      collapsed_notes.insert(chosen->begin(), chosen->end());
    } else {
      for (const auto& n : content_notes()) collapsed_notes.emplace(n.key);
    }
  }

  std::map<std::int64_t, std::string> slugs;
  if (!rows.empty()) {
    for (auto& n : store::list_networks(c)) slugs.emplace(n.id, std::move(n.slug));
  }

  std::vector<PostView> views;
  views.reserve(rows.size());
  for (auto& r : rows) {
    PostView v;
    v.network_slug = slugs[r.network_id];
    const bool staff = is_network_staff(viewer, r.network_id);
    const bool author = viewer && r.author_id == viewer_id;
    const bool gone = r.state == "deleted" || r.state == "hidden";
    v.show_text = !gone || staff || (author && r.state == "hidden");
    v.show_reason = staff || author;
    v.badge = role_badge(r.author_role);
    // Staff are never muted: a member must always see a moderator's answer.
    v.author_muted = v.badge.empty() && muted.contains(r.author_id);
    for (const auto& note : split_words(r.content_notes)) {
      if (collapsed_notes.contains(note)) v.collapsed = true;
    }
    for (const auto* kind : kReactionKinds) v.reactions[kind] = 0;
    if (const auto it = counts.find(r.id); it != counts.end()) {
      for (const auto& [kind, n] : it->second) v.reactions[kind] = n;
    }
    if (const auto it = mine.find(r.id); it != mine.end()) v.my_reactions = it->second;
    const bool active = viewer && !viewer->suspended;
    v.can_edit = active && author && !gone;
    v.can_delete = active && author && r.state != "deleted";
    v.can_react = active && !author && r.state == "published";
    if (r.kind == "topic" && viewer && !author) {
      const auto newest = std::max(r.id, r.last_child_id.value_or(0));
      const auto it = markers.find(r.id);
      v.unread = r.state == "published" && (it == markers.end() || it->second < newest);
    }
    v.row = std::move(r);
    views.push_back(std::move(v));
  }
  return views;
}

PostView build_post_view(store::Connection& c, const Principal* viewer, store::PostRow row) {
  std::vector<store::PostRow> rows;
  rows.push_back(std::move(row));
  return std::move(build_post_views(c, viewer, std::move(rows)).front());
}

}  // namespace harbour::services
