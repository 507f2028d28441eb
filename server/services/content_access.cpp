#include "services/content_access.hpp"

#include "core/app_error.hpp"
#include "services/authorizer.hpp"
#include "services/content_rules.hpp"
#include "store/category_repo.hpp"

namespace harbour::services {

core::AppError post_not_found_error() {
  return core::AppError(core::ErrorKind::NotFound, "post_not_found", "This post does not exist, or you cannot see it.");
}

void throw_post_not_found() { throw post_not_found_error(); }

store::NetworkRow require_network(store::Connection& c, std::string_view slug) {
  auto network = store::find_network_by_slug(c, slug);
  if (!network) throw core::AppError(core::ErrorKind::NotFound, "network_not_found", "There is no network at this address.");
  return std::move(*network);
}

std::string author_role_in(const Principal& who, std::int64_t network_id) {
  if (const auto* m = who.membership(network_id)) return std::string(role_name(m->role));
  return who.is_admin ? "admin" : "member";
}

void require_network_reader(const Principal* who, std::int64_t network_id) {
  require_signed_in(who);
  if (is_network_staff(who, network_id)) return;
  require_capability(who, Capability::ReadResources, network_id);
}

void require_reader_of_found(const Principal* who, std::int64_t network_id, const core::AppError& not_found) {
  try {
    require_network_reader(who, network_id);
  } catch (const core::AppError& e) {
    if (e.code() == "network_not_found") throw not_found;
    throw;
  }
}

void require_community_reader(const Principal* who, std::int64_t network_id) {
  require_signed_in(who);
  if (is_network_staff(who, network_id)) return;
  require_capability(who, Capability::ReadCommunity, network_id);
}

bool may_read_place(store::Connection& c, const Principal* who, const store::PostRow& post) {
  if (post.category_id) {
    const auto category = store::find_category_rules(c, *post.category_id);
    return category && may_read_category(who, post.network_id, category->read_mask);
  }
  return can(who, Capability::ReadCommunity, post.network_id) || is_network_staff(who, post.network_id);
}

bool post_visible(const Principal* who, const store::PostRow& post) {
  if (post.state == "published") return true;
  if (is_network_staff(who, post.network_id)) return true;
  if (who && post.author_id == who->user_id && post.state != "deleted") return true;
  return post.parent_id && (post.state == "deleted" || post.state == "hidden");
}

store::PostRow require_visible_post(store::Connection& c, const Principal* who, std::int64_t post_id) {
  auto post = store::find_post(c, post_id);
  if (!post) throw_post_not_found();
  // The network first: a caller without a key learns nothing, whatever the id.
  require_reader_of_found(who, post->network_id, post_not_found_error());
  if (!may_read_place(c, who, *post) || !post_visible(who, *post)) throw_post_not_found();
  if (post->parent_id) {
    const auto parent = store::find_post(c, *post->parent_id);
    if (!parent || !post_visible(who, *parent)) throw_post_not_found();
  }
  return std::move(*post);
}

}  // namespace harbour::services
