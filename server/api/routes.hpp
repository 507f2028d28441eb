#pragma once
// Assembles the API: every feature file adds its routes; the middleware chain is fixed here.
#include "http/middleware.hpp"
#include "http/router.hpp"

#include <vector>

namespace harbour::api {

void add_health_routes(http::Router& router);
void add_network_routes(http::Router& router);
void add_account_routes(http::Router& router);
void add_invitation_routes(http::Router& router);
void add_second_factor_routes(http::Router& router);
void add_admin_routes(http::Router& router);
void add_data_routes(http::Router& router);
void add_live_routes(http::Router& router);
void add_forum_routes(http::Router& router);
void add_blog_routes(http::Router& router);
void add_post_routes(http::Router& router);
void add_moderation_routes(http::Router& router);
void add_resource_routes(http::Router& router);
void add_search_routes(http::Router& router);
void add_notification_routes(http::Router& router);
void add_draft_routes(http::Router& router);
void add_safety_check_routes(http::Router& router);
void add_report_routes(http::Router& router);
void add_member_routes(http::Router& router);
void add_oversight_routes(http::Router& router);
void add_office_hours_routes(http::Router& router);
void add_case_routes(http::Router& router);
void add_wall_routes(http::Router& router);

// Every route of the JSON API.
http::Router build_router();

// Outermost first: request id, access log, security headers, error mapping, session.
std::vector<http::Middleware> build_middleware(bool tls);

}  // namespace harbour::api
