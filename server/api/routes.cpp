#include "api/routes.hpp"

#include "api/error_mapper.hpp"
#include "api/session_middleware.hpp"

namespace harbour::api {

http::Router build_router() {
  http::Router router;
  add_health_routes(router);
  add_network_routes(router);
  add_account_routes(router);
  add_invitation_routes(router);
  add_second_factor_routes(router);
  add_admin_routes(router);
  add_data_routes(router);
  add_live_routes(router);
  add_forum_routes(router);
  add_blog_routes(router);
  add_post_routes(router);
  add_moderation_routes(router);
  add_resource_routes(router);
  add_search_routes(router);
  add_notification_routes(router);
  add_draft_routes(router);
  add_safety_check_routes(router);
  add_report_routes(router);
  add_member_routes(router);
  add_oversight_routes(router);
  add_office_hours_routes(router);
  add_case_routes(router);
  add_wall_routes(router);
  return router;
}

std::vector<http::Middleware> build_middleware(bool tls) {
  return {
      http::request_id_middleware,
      http::access_log_middleware,
      http::security_headers_middleware({.hsts = tls}),
      error_mapper_middleware,
      session_middleware,
  };
}

}  // namespace harbour::api
