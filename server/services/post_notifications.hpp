#pragma once
// Who is told when a post becomes visible to everyone (created published, or approved later):
// the topic's author of a reply, the blog post's author of a comment, and people @mentioned who
// may read it. Runs inside the publishing transaction; returns the notifications to push live
// once it has committed (NotificationService::publish_new).
#include "services/notification_service.hpp"
#include "store/post_repo.hpp"

#include <cstdint>
#include <string_view>
#include <vector>

namespace harbour::store {
class Connection;
}

namespace harbour::services {

std::vector<Notice> notify_published(store::Connection& c, const store::PostRow& post, std::string_view now);

}  // namespace harbour::services
