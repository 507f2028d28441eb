#pragma once
// Who may see which post: one set of answers for the forum, blogs and the post routes. Anything a
// caller may not see is "not found", exactly as if it did not exist (no probing by id).
#include "core/app_error.hpp"
#include "services/principal.hpp"
#include "store/network_repo.hpp"
#include "store/post_repo.hpp"

#include <cstdint>
#include <string_view>

namespace harbour::store {
class Connection;
}

namespace harbour::services {

// Network staff (admins included) pass; others need an active key (ReadResources: every role).
// Throws 401 / 403 account_suspended / 404 network_not_found like require_capability.
void require_network_reader(const Principal* who, std::int64_t network_id);
// The same for something found by its id (a post, a category): a caller without a key to its
// network gets `not_found` (e.g. post_not_found), exactly as for an id that does not exist, so
// ids of other networks cannot be probed. Suspension and sign-in answers stay as they are.
void require_reader_of_found(const Principal* who, std::int64_t network_id, const core::AppError& not_found);
// Blogs and the member community: staff, or a key whose role reads the community (not carers).
void require_community_reader(const Principal* who, std::int64_t network_id);

// Whether the caller may read the place the post lives in (its category's audience, or the
// blog for community readers), ignoring the post's own state.
bool may_read_place(store::Connection& c, const Principal* who, const store::PostRow& post);
// The post's state as this caller sees it: published, or any state for staff, or the author's
// own (not deleted). Replies and comments that were deleted or hidden stay visible as such.
bool post_visible(const Principal* who, const store::PostRow& post);

// Finds the post and checks both; throws 404 post_not_found otherwise.
store::PostRow require_visible_post(store::Connection& c, const Principal* who, std::int64_t post_id);

[[noreturn]] void throw_post_not_found();
core::AppError post_not_found_error();

// The network at this address; 404 network_not_found when there is none.
store::NetworkRow require_network(store::Connection& c, std::string_view slug);

// The role a post is written under (its badge): the key's role, "admin" for an admin without one.
std::string author_role_in(const Principal& who, std::int64_t network_id);

}  // namespace harbour::services
