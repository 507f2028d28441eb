// The access policy, route by route and caller by caller, walked against the live router: the
// real App (router + middleware) with real services on a temporary SQLite database. Every route the
// router knows must have a row here, so a new route cannot ship without a decision about who may
// call it.
#include "api/routes.hpp"
#include "http/app.hpp"
#include "services/pseudonym_policy.hpp"
#include "services/services.hpp"
#include "store/account_repo.hpp"
#include "store/database.hpp"
#include "store/invitation_repo.hpp"
#include "store/case_repo.hpp"
#include "store/category_repo.hpp"
#include "store/network_repo.hpp"
#include "store/post_repo.hpp"
#include "store/resource_repo.hpp"
#include "store/session_repo.hpp"
#include "support/temp_dir.hpp"

#include "core/clock.hpp"
#include "core/crypto.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <array>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <set>

using namespace harbour;

namespace {

// Who calls.
enum P { Anon, Member, Carer, Volunteer, Peer, Clinician, Admin, Suspended, Expired, StaffNo2fa, kPrincipals };
constexpr const char* kNames[] = {"anonymous", "member", "carer", "volunteer", "peer_supporter", "clinician",
                                  "admin", "suspended member", "expired session", "clinician without 2FA"};

// What the authorization gate decides. "ok" means the request got past it (the handler may
// still answer 400 or 409 about the content).
enum class E { Ok, E401, E403, E404 };

struct Row {
  const char* route;  // "METHOD pattern" as registered
  const char* path;   // concrete path; {invitation} is replaced by a fixture id
  const char* body;   // JSON body for unsafe methods
  std::array<E, kPrincipals> expect;
};

constexpr E O = E::Ok, U = E::E401, F = E::E403, N = E::E404;

// anon  member carer vol  peer  clin  admin susp  expired no2fa
const Row kTable[] = {
    {"GET /healthz", "/healthz", "", {O, O, O, O, O, O, O, O, O, O}},
    {"GET /readyz", "/readyz", "", {O, O, O, O, O, O, O, O, O, O}},
    {"GET /api/v1/status", "/api/v1/status", "", {O, O, O, O, O, O, O, O, O, O}},
    {"GET /api/v1/networks/{slug}/crisis-contacts", "/api/v1/networks/default/crisis-contacts", "", {O, O, O, O, O, O, O, O, O, O}},
    {"POST /api/v1/invitations/preview", "/api/v1/invitations/preview", R"({"token":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"})", {O, O, O, O, O, O, O, O, O, O}},
    {"POST /api/v1/pseudonym-check", "/api/v1/pseudonym-check", R"({"pseudonym":"Calm Sea"})", {O, O, O, O, O, O, O, O, O, O}},
    {"POST /api/v1/accounts", "/api/v1/accounts", R"({"token":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","pseudonym":"Calm Sea","password":"a long river of quiet stones","accepted_guidelines_version":1})", {O, O, O, O, O, O, O, O, O, O}},
    {"POST /api/v1/invitations/redeem", "/api/v1/invitations/redeem", R"({"token":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","accepted_guidelines_version":1})", {U, O, O, O, O, O, O, F, U, O}},
    {"POST /api/v1/session", "/api/v1/session", R"({"pseudonym":"Nobody","password":"wrong wrong wrong wrong"})", {O, O, O, O, O, O, O, O, O, O}},
    {"GET /api/v1/session", "/api/v1/session", "", {O, O, O, O, O, O, O, O, O, O}},  // {"user":null} when signed out
    {"DELETE /api/v1/session", "/api/v1/session", "", {O, O, O, O, O, O, O, O, O, O}},
    {"POST /api/v1/session/end-all", "/api/v1/session/end-all", "{}", {U, O, O, O, O, O, O, F, U, O}},
    // Invitations: clinicians invite members and carers in their own network; admins anywhere.
    {"POST /api/v1/networks/{slug}/invitations", "/api/v1/networks/default/invitations", R"({"role":"member"})", {U, F, F, F, F, O, O, F, U, F}},
    {"POST /api/v1/networks/{slug}/invitations", "/api/v1/networks/default/invitations", R"({"role":"clinician"})", {U, F, F, F, F, F, O, F, U, F}},
    // A network the caller holds no key to does not exist for them.
    {"POST /api/v1/networks/{slug}/invitations", "/api/v1/networks/perinatal/invitations", R"({"role":"member"})", {U, N, N, N, N, N, O, F, U, N}},
    {"GET /api/v1/networks/{slug}/invitations", "/api/v1/networks/default/invitations", "", {U, F, F, F, F, O, O, F, U, F}},
    {"GET /api/v1/networks/{slug}/invitations", "/api/v1/networks/perinatal/invitations", "", {U, N, N, N, N, N, O, F, U, N}},
    {"DELETE /api/v1/invitations/{id}", "/api/v1/invitations/{invitation}", "", {U, F, F, F, F, O, O, F, U, F}},
    // The WebSocket upgrade's gate (net/ asks it before accepting a socket).
    {"GET /ws", "/ws", "", {U, O, O, O, O, O, O, F, U, O}},
    {"POST /api/v1/account/totp/enrol", "/api/v1/account/totp/enrol", "{}", {U, O, O, O, O, O, O, F, U, O}},
    {"POST /api/v1/account/totp/confirm", "/api/v1/account/totp/confirm", R"({"code":"000000"})", {U, O, O, O, O, O, O, F, U, O}},
    {"POST /api/v1/session/second-factor", "/api/v1/session/second-factor", R"({"code":"000000"})", {U, O, O, O, O, O, O, F, U, O}},
    // Administration: admins with a completed second factor only. Targets that do not exist keep
    // the fixture's people as they are (the admin's answer is then 404 user_not_found: allowed).
    {"GET /api/v1/admin/users", "/api/v1/admin/users", "", {U, F, F, F, F, F, O, F, U, F}},
    {"GET /api/v1/admin/users/{id}", "/api/v1/admin/users/1", "", {U, F, F, F, F, F, O, F, U, F}},
    {"POST /api/v1/admin/users/{id}/suspend", "/api/v1/admin/users/999999/suspend", R"({"reason":"policy check"})", {U, F, F, F, F, F, O, F, U, F}},
    {"POST /api/v1/admin/users/{id}/restore", "/api/v1/admin/users/999999/restore", R"({"reason":"policy check"})", {U, F, F, F, F, F, O, F, U, F}},
    {"PUT /api/v1/admin/users/{id}/memberships/{slug}", "/api/v1/admin/users/999999/memberships/default", R"({"role":"member"})", {U, F, F, F, F, F, O, F, U, F}},
    {"GET /api/v1/admin/audit", "/api/v1/admin/audit", "", {U, F, F, F, F, F, O, F, U, F}},
    {"GET /api/v1/admin/networks", "/api/v1/admin/networks", "", {U, F, F, F, F, F, O, F, U, F}},
    // Your data: anyone signed in, for themselves (a wrong password erases nothing).
    {"GET /api/v1/account/export", "/api/v1/account/export", "", {U, O, O, O, O, O, O, F, U, O}},
    {"POST /api/v1/account/erase", "/api/v1/account/erase", R"({"password":"not the password at all","content":"remove"})", {U, O, O, O, O, O, O, F, U, O}},
    // Forums. {category}: open to every role; {members_category}: members (and staff) only;
    // {topic}: published, by the member; {blog}: published, by the clinician; {fresh}: a new
    // published reply by the member for each call (deleting or hiding spoils nothing else).
    {"GET /api/v1/networks/{slug}/categories", "/api/v1/networks/default/categories", "", {U, O, O, O, O, O, O, F, U, F}},
    {"GET /api/v1/networks/{slug}/categories", "/api/v1/networks/perinatal/categories", "", {U, N, N, N, N, N, O, F, U, N}},
    {"POST /api/v1/networks/{slug}/categories", "/api/v1/networks/default/categories", R"({"name":"Policy space","read":["member"],"post":["member"]})", {U, F, F, F, F, F, O, F, U, F}},
    {"PATCH /api/v1/categories/{id}", "/api/v1/categories/{category}", R"({"description":"Policy check"})", {U, F, F, F, F, F, O, F, U, F}},
    {"GET /api/v1/categories/{id}/topics", "/api/v1/categories/{category}/topics", "", {U, O, O, O, O, O, O, F, U, F}},
    {"GET /api/v1/categories/{id}/topics", "/api/v1/categories/{members_category}/topics", "", {U, O, N, O, O, O, O, F, U, F}},
    {"POST /api/v1/categories/{id}/topics", "/api/v1/categories/{category}/topics", R"({"title":"Policy topic","body":"Checking who may post."})", {U, O, O, O, O, O, O, F, U, F}},
    {"POST /api/v1/categories/{id}/topics", "/api/v1/categories/{members_category}/topics", R"({"title":"Policy topic","body":"Checking who may post."})", {U, O, N, O, O, O, O, F, U, F}},
    {"GET /api/v1/topics/{id}", "/api/v1/topics/{topic}", "", {U, O, O, O, O, O, O, F, U, F}},
    {"POST /api/v1/topics/{id}/replies", "/api/v1/topics/{topic}/replies", R"({"body":"Policy reply"})", {U, O, O, O, O, O, O, F, U, F}},
    {"PUT /api/v1/topics/{id}/read", "/api/v1/topics/{topic}/read", R"({"last_read_id":1})", {U, O, O, O, O, O, O, F, U, F}},
    {"PATCH /api/v1/topics/{id}", "/api/v1/topics/{topic}", R"({"pinned":true,"reason":"policy check"})", {U, F, F, O, O, O, O, F, U, F}},
    // Blogs are for the community: carers do not see them.
    {"GET /api/v1/networks/{slug}/blog", "/api/v1/networks/default/blog", "", {U, O, F, O, O, O, O, F, U, F}},
    {"GET /api/v1/networks/{slug}/blog", "/api/v1/networks/perinatal/blog", "", {U, N, N, N, N, N, O, F, U, N}},
    {"POST /api/v1/networks/{slug}/blog", "/api/v1/networks/default/blog", R"({"title":"Policy story","body":"Checking who may write."})", {U, O, F, O, O, O, O, F, U, F}},
    {"GET /api/v1/networks/{slug}/wall", "/api/v1/networks/default/wall", "", {U, O, F, O, O, O, O, F, U, F}},
    {"GET /api/v1/networks/{slug}/wall", "/api/v1/networks/perinatal/wall", "", {U, N, N, N, N, N, O, F, U, N}},
    {"GET /api/v1/networks/{slug}/wall/events", "/api/v1/networks/default/wall/events?after=0", "", {U, O, F, O, O, O, O, F, U, F}},
    {"POST /api/v1/networks/{slug}/wall/messages", "/api/v1/networks/default/wall/messages", R"({"body":"Policy hello"})", {U, O, F, O, O, O, O, F, U, F}},
    {"POST /api/v1/networks/{slug}/wall/messages", "/api/v1/networks/perinatal/wall/messages", R"({"body":"Policy hello"})", {U, N, N, N, N, N, O, F, U, N}},
    {"GET /ws", "/ws?wall=default&after=0", "", {U, O, F, O, O, O, O, F, U, F}},
    {"GET /api/v1/blog-posts/{id}", "/api/v1/blog-posts/{blog}", "", {U, O, N, O, O, O, O, F, U, F}},
    {"POST /api/v1/blog-posts/{id}/comments", "/api/v1/blog-posts/{blog}/comments", R"({"body":"Policy comment"})", {U, O, N, O, O, O, O, F, U, F}},
    // Any post.
    {"GET /api/v1/posts/{id}", "/api/v1/posts/{topic}", "", {U, O, O, O, O, O, O, F, U, F}},
    {"GET /api/v1/posts/{id}", "/api/v1/posts/{blog}", "", {U, O, N, O, O, O, O, F, U, F}},
    {"PUT /api/v1/posts/{id}", "/api/v1/posts/{fresh}", R"({"body":"Edited by its author."})", {U, O, F, F, F, F, F, F, U, F}},
    {"DELETE /api/v1/posts/{id}", "/api/v1/posts/{fresh}", "", {U, O, F, F, F, F, F, F, U, F}},
    {"POST /api/v1/posts/{id}/hide", "/api/v1/posts/{fresh}/hide", R"({"reason":"policy check"})", {U, F, F, O, O, O, O, F, U, F}},
    {"POST /api/v1/posts/{id}/unhide", "/api/v1/posts/{fresh}/unhide", R"({"reason":"policy check"})", {U, F, F, O, O, O, O, F, U, F}},
    {"GET /api/v1/posts/{id}/history", "/api/v1/posts/{topic}/history", "", {U, F, F, O, O, O, O, F, U, F}},
    {"PUT /api/v1/posts/{id}/reactions/{kind}", "/api/v1/posts/{topic}/reactions/support", "{}", {U, O, O, O, O, O, O, F, U, F}},
    {"DELETE /api/v1/posts/{id}/reactions/{kind}", "/api/v1/posts/{topic}/reactions/support", "", {U, O, O, O, O, O, O, F, U, F}},
    {"GET /api/v1/posts/{id}/reactions", "/api/v1/posts/{topic}/reactions", "", {U, O, F, O, O, O, O, F, U, F}},
    {"GET /api/v1/account/posts", "/api/v1/account/posts", "", {U, O, O, O, O, O, O, F, U, O}},
    // The basic moderation queue: staff of the network; policy and watched words: admins write.
    {"GET /api/v1/networks/{slug}/moderation/queue", "/api/v1/networks/default/moderation/queue", "", {U, F, F, O, O, O, O, F, U, F}},
    {"GET /api/v1/networks/{slug}/moderation/queue", "/api/v1/networks/perinatal/moderation/queue", "", {U, N, N, N, N, N, O, F, U, N}},
    {"POST /api/v1/moderation/items/{id}/approve", "/api/v1/moderation/items/999999/approve", "{}", {U, F, F, O, O, O, O, F, U, F}},
    {"POST /api/v1/moderation/items/{id}/reject", "/api/v1/moderation/items/999999/reject", R"({"reason":"policy check"})", {U, F, F, O, O, O, O, F, U, F}},
    {"GET /api/v1/networks/{slug}/moderation/policy", "/api/v1/networks/default/moderation/policy", "", {U, F, F, O, O, O, O, F, U, F}},
    {"PUT /api/v1/networks/{slug}/moderation/policy", "/api/v1/networks/default/moderation/policy", R"({"mode":"first_posts","first_posts":3})", {U, F, F, F, F, F, O, F, U, F}},
    {"GET /api/v1/networks/{slug}/watched-words", "/api/v1/networks/default/watched-words", "", {U, F, F, O, O, O, O, F, U, F}},
    {"GET /api/v1/networks/{slug}/watched-words", "/api/v1/networks/perinatal/watched-words", "", {U, N, N, N, N, N, O, F, U, N}},
    {"POST /api/v1/networks/{slug}/watched-words", "/api/v1/networks/default/watched-words", R"({"phrase":"policy check","action":"hold"})", {U, F, F, F, F, F, O, F, U, F}},
    {"DELETE /api/v1/watched-words/{id}", "/api/v1/watched-words/999999", "", {U, F, F, F, F, F, O, F, U, F}},
    // The resources library: every key holder reads (carers too); staff write.
    {"GET /api/v1/networks/{slug}/resources", "/api/v1/networks/default/resources", "", {U, O, O, O, O, O, O, F, U, F}},
    {"GET /api/v1/networks/{slug}/resources", "/api/v1/networks/perinatal/resources", "", {U, N, N, N, N, N, O, F, U, N}},
    {"POST /api/v1/networks/{slug}/resources", "/api/v1/networks/default/resources", R"({"kind":"article","title":"Policy article","body":"Some text."})", {U, F, F, O, O, O, O, F, U, F}},
    {"POST /api/v1/networks/{slug}/resources", "/api/v1/networks/perinatal/resources", R"({"kind":"article","title":"Policy article","body":"Some text."})", {U, N, N, N, N, N, O, F, U, N}},
    {"GET /api/v1/resources/{id}", "/api/v1/resources/{resource}", "", {U, O, O, O, O, O, O, F, U, F}},
    {"PUT /api/v1/resources/{id}", "/api/v1/resources/{resource}", R"({"kind":"article","title":"Policy article","body":"Changed."})", {U, F, F, O, O, O, O, F, U, F}},
    {"DELETE /api/v1/resources/{id}", "/api/v1/resources/{resource}", "", {U, F, F, O, O, O, O, F, U, F}},
    // Search: what the caller may read, in their networks.
    {"GET /api/v1/search", "/api/v1/search?q=sleep", "", {U, O, O, O, O, O, O, F, U, F}},
    {"GET /api/v1/search", "/api/v1/search?q=sleep&network=perinatal", "", {U, N, N, N, N, N, O, F, U, N}},
    // Notifications, mutes, reading settings and drafts: one's own.
    {"GET /api/v1/notifications", "/api/v1/notifications", "", {U, O, O, O, O, O, O, F, U, O}},
    {"POST /api/v1/notifications/read", "/api/v1/notifications/read", R"({"all":true})", {U, O, O, O, O, O, O, F, U, O}},
    {"GET /api/v1/account/mutes", "/api/v1/account/mutes", "", {U, O, O, O, O, O, O, F, U, O}},
    {"PUT /api/v1/account/mutes/{user_id}", "/api/v1/account/mutes/999999", "{}", {U, O, O, O, O, O, O, F, U, O}},
    {"DELETE /api/v1/account/mutes/{user_id}", "/api/v1/account/mutes/999999", "", {U, O, O, O, O, O, O, F, U, O}},
    {"GET /api/v1/account/reading", "/api/v1/account/reading", "", {U, O, O, O, O, O, O, F, U, O}},
    {"PUT /api/v1/account/reading", "/api/v1/account/reading", R"({"collapsed_notes":["self_harm"]})", {U, O, O, O, O, O, O, F, U, O}},
    {"GET /api/v1/content-notes", "/api/v1/content-notes", "", {U, O, O, O, O, O, O, F, U, O}},
    {"GET /api/v1/drafts", "/api/v1/drafts", "", {U, O, O, O, O, O, O, F, U, O}},
    {"GET /api/v1/drafts/{key}", "/api/v1/drafts/topic-1", "", {U, O, O, O, O, O, O, F, U, O}},
    {"PUT /api/v1/drafts/{key}", "/api/v1/drafts/topic-1", R"({"network":"default","body":"policy check"})", {U, O, O, O, O, O, N, F, U, O}},
    {"PUT /api/v1/drafts/{key}", "/api/v1/drafts/topic-1", R"({"network":"perinatal","body":"policy check"})", {U, N, N, N, N, N, N, F, U, N}},
    {"DELETE /api/v1/drafts/{key}", "/api/v1/drafts/topic-1", "", {U, O, O, O, O, O, O, F, U, O}},
    // Office hours and the rota: everyone with a key sees the hours; admins set them; staff see the rota.
    {"GET /api/v1/networks/{slug}/office-hours", "/api/v1/networks/default/office-hours", "", {U, O, O, O, O, O, O, F, U, F}},
    {"GET /api/v1/networks/{slug}/office-hours", "/api/v1/networks/perinatal/office-hours", "", {U, N, N, N, N, N, O, F, U, N}},
    {"PUT /api/v1/networks/{slug}/office-hours", "/api/v1/networks/default/office-hours", R"({"week":[{"weekday":1,"opens":"09:00","closes":"17:00"}],"closures":[]})", {U, F, F, F, F, F, O, F, U, F}},
    {"GET /api/v1/networks/{slug}/rota", "/api/v1/networks/default/rota", "", {U, F, F, O, O, O, O, F, U, F}},
    {"GET /api/v1/networks/{slug}/rota", "/api/v1/networks/perinatal/rota", "", {U, N, N, N, N, N, O, F, U, N}},
    {"POST /api/v1/networks/{slug}/rota", "/api/v1/networks/default/rota", R"({"user_id":999999,"starts_at":"2030-01-01T08:00:00Z","ends_at":"2030-01-01T16:00:00Z"})", {U, F, F, F, F, F, O, F, U, F}},
    {"DELETE /api/v1/rota/{id}", "/api/v1/rota/999999", "", {U, F, F, F, F, F, O, F, U, F}},
    {"GET /api/v1/networks/{slug}/on-shift", "/api/v1/networks/default/on-shift", "", {U, F, F, O, O, O, O, F, U, F}},
    {"GET /api/v1/networks/{slug}/on-shift", "/api/v1/networks/perinatal/on-shift", "", {U, N, N, N, N, N, O, F, U, N}},
    // Risk terms: clinicians and admins; the pre-send anonymity check: anyone with a key.
    {"GET /api/v1/networks/{slug}/risk-terms", "/api/v1/networks/default/risk-terms", "", {U, F, F, F, F, O, O, F, U, F}},
    {"GET /api/v1/networks/{slug}/risk-terms", "/api/v1/networks/perinatal/risk-terms", "", {U, N, N, N, N, N, O, F, U, N}},
    {"POST /api/v1/networks/{slug}/risk-terms", "/api/v1/networks/default/risk-terms", R"({"phrase":"policy check","tier":"concern","exceptions":[]})", {U, F, F, F, F, O, O, F, U, F}},
    {"DELETE /api/v1/risk-terms/{id}", "/api/v1/risk-terms/999999", "", {U, F, F, F, F, O, O, F, U, F}},
    {"POST /api/v1/networks/{slug}/content-check", "/api/v1/networks/default/content-check", R"({"body":"hello"})", {U, O, O, O, O, O, O, F, U, F}},
    {"POST /api/v1/networks/{slug}/content-check", "/api/v1/networks/perinatal/content-check", R"({"body":"hello"})", {U, N, N, N, N, N, O, F, U, N}},
    // Safeguarding cases: every staff member of the network sees them and adds notes (volunteers
    // and peer supporters escalate); clinicians and admins change state; only clinicians close.
    {"GET /api/v1/networks/{slug}/cases", "/api/v1/networks/default/cases", "", {U, F, F, O, O, O, O, F, U, F}},
    {"GET /api/v1/networks/{slug}/cases", "/api/v1/networks/perinatal/cases", "", {U, N, N, N, N, N, O, F, U, N}},
    {"POST /api/v1/networks/{slug}/cases", "/api/v1/networks/default/cases", R"({"member_id":999999,"tier":"concern","note":"Policy check"})", {U, F, F, O, O, O, O, F, U, F}},
    {"POST /api/v1/networks/{slug}/cases", "/api/v1/networks/perinatal/cases", R"({"member_id":999999,"tier":"concern","note":"Policy check"})", {U, N, N, N, N, N, O, F, U, N}},
    {"GET /api/v1/cases/{id}", "/api/v1/cases/{case}", "", {U, F, F, O, O, O, O, F, U, F}},
    {"POST /api/v1/cases/{id}/note", "/api/v1/cases/{case}/note", R"({"body":"Policy check","handover":false})", {U, F, F, O, O, O, O, F, U, F}},
    {"POST /api/v1/cases/{id}/acknowledge", "/api/v1/cases/{case}/acknowledge", "{}", {U, F, F, F, F, O, O, F, U, F}},
    {"POST /api/v1/cases/{id}/contacted", "/api/v1/cases/{case}/contacted", R"({"note":"Policy check"})", {U, F, F, F, F, O, O, F, U, F}},
    {"POST /api/v1/cases/{id}/assign", "/api/v1/cases/{case}/assign", R"({"owner_id":999999})", {U, F, F, F, F, O, O, F, U, F}},
    {"POST /api/v1/cases/{id}/reopen", "/api/v1/cases/{case}/reopen", R"({"reason":"Policy check"})", {U, F, F, F, F, O, O, F, U, F}},
    {"POST /api/v1/cases/{id}/close", "/api/v1/cases/{case}/close", R"({"outcome":"Policy check"})", {U, F, F, F, F, O, F, F, U, F}},
    // Reports by readers; queue claims and escalation by staff; private staff tools for a member.
    {"POST /api/v1/posts/{id}/report", "/api/v1/posts/{fresh}/report", R"({"reason":"spam"})", {U, O, O, O, O, O, O, F, U, F}},
    {"POST /api/v1/moderation/items/{id}/claim", "/api/v1/moderation/items/999999/claim", "{}", {U, F, F, O, O, O, O, F, U, F}},
    {"POST /api/v1/moderation/items/{id}/release", "/api/v1/moderation/items/999999/release", "{}", {U, F, F, O, O, O, O, F, U, F}},
    {"POST /api/v1/moderation/items/{id}/escalate", "/api/v1/moderation/items/999999/escalate", R"({"reason":"policy check"})", {U, F, F, O, O, O, O, F, U, F}},
    {"GET /api/v1/moderation/reject-templates", "/api/v1/moderation/reject-templates", "", {O, O, O, O, O, O, O, O, O, O}},
    {"POST /api/v1/members/{user_id}/messages", "/api/v1/members/999999/messages", R"({"network":"default","body":"Policy check"})", {U, F, F, O, O, O, O, F, U, F}},
    {"POST /api/v1/members/{user_id}/messages", "/api/v1/members/999999/messages", R"({"network":"perinatal","body":"Policy check"})", {U, N, N, N, N, N, O, F, U, N}},
    {"POST /api/v1/members/{user_id}/silence", "/api/v1/members/999999/silence", R"({"network":"default","hours":24,"reason":"policy check"})", {U, F, F, O, O, O, O, F, U, F}},
    {"DELETE /api/v1/members/{user_id}/silence", "/api/v1/members/999999/silence?network=default", R"({"reason":"policy check"})", {U, F, F, O, O, O, O, F, U, F}},
    {"POST /api/v1/members/{user_id}/notes", "/api/v1/members/999999/notes", R"({"network":"default","body":"Policy note"})", {U, F, F, O, O, O, O, F, U, F}},
    {"GET /api/v1/members/{user_id}/notes", "/api/v1/members/999999/notes?network=default", "", {U, F, F, O, O, O, O, F, U, F}},
    {"GET /api/v1/account/messages", "/api/v1/account/messages", "", {U, O, O, O, O, O, O, F, U, O}},
    {"POST /api/v1/account/messages/read", "/api/v1/account/messages/read", R"({"all":true})", {U, O, O, O, O, O, O, F, U, O}},
    // Oversight: the dashboard for staff of the network; the weekly report for clinicians and admins.
    {"GET /api/v1/networks/{slug}/moderation/dashboard", "/api/v1/networks/default/moderation/dashboard", "", {U, F, F, O, O, O, O, F, U, F}},
    {"GET /api/v1/networks/{slug}/moderation/dashboard", "/api/v1/networks/perinatal/moderation/dashboard", "", {U, N, N, N, N, N, O, F, U, N}},
    {"GET /api/v1/networks/{slug}/service-report", "/api/v1/networks/default/service-report?format=csv", "", {U, F, F, F, F, O, O, F, U, F}},
    {"GET /api/v1/networks/{slug}/service-report", "/api/v1/networks/perinatal/service-report", "", {U, N, N, N, N, N, O, F, U, N}},
};

E classify(const http::Response& r) {
  if (r.status != 401 && r.status != 403 && r.status != 404) return E::Ok;
  const auto body = nlohmann::json::parse(r.body_view(), nullptr, false);
  const std::string code = body.is_object() ? body["error"].value("code", "") : "";
  if (code == "sign_in_required") return E::E401;
  if (code == "not_allowed" || code == "second_factor_required" || code == "account_suspended") return E::E403;
  // Content the caller may not see does not exist for them, like a network without a key.
  if (code == "network_not_found" || code == "category_not_found" || code == "post_not_found" || code == "case_not_found") {
    return E::E404;
  }
  return E::Ok;  // e.g. invitation_not_found, sign_in_failed: the handler's own answer
}

const char* name(E e) {
  switch (e) {
    case E::Ok: return "allowed";
    case E::E401: return "401";
    case E::E403: return "403";
    case E::E404: return "404";
  }
  return "?";
}

class PolicyTable : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::make_unique<store::Database>(store::Database::Options{.path = dir_.path() / "harbour.db", .max_readers = 4});
    services_ = std::make_unique<services::Services>(*db_, hub_, clock_, services::ServicesOptions{});
    app_ = std::make_unique<http::App>(api::build_router(), api::build_middleware(true), nullptr,
                                       http::Context{services_.get(), nullptr, {}}, nullptr, http::AppOptions{});
    const auto now = core::format_utc_ms(clock_.system_now());
    db_->writer()
        .run([&](store::Connection& c) {
          store::insert_network(c, "perinatal", "Perinatal", "Europe/London", "[]");
          const auto net = store::find_network_by_slug(c, "default")->id;
          auto user = [&](const char* pseudonym, const char* role, bool admin) {
            const auto id = store::insert_user(c, pseudonym, services::pseudonym_key(pseudonym), "x", admin, now);
            if (role) store::upsert_membership(c, id, net, role);
            return id;
          };
          users_[Member] = user("Policy Member", "member", false);
          users_[Carer] = user("Policy Carer", "carer", false);
          users_[Volunteer] = user("Policy Volunteer", "volunteer", false);
          users_[Peer] = user("Policy Peer", "peer_supporter", false);
          users_[Clinician] = user("Policy Clinician", "clinician", false);
          users_[Admin] = user("Policy Admin", nullptr, true);
          users_[Suspended] = user("Policy Suspended", "member", false);
          store::set_user_status(c, users_[Suspended], "suspended");
          users_[Expired] = user("Policy Expired", "member", false);
          users_[StaffNo2fa] = user("Policy Clinician Two", "clinician", false);
          category_ = store::insert_category(c, {net, "Everyone", "", 0, 31, 31}, now);
          members_category_ = store::insert_category(c, {net, "Members", "", 1, 1 | 28, 1 | 28}, now);
          topic_ = store::insert_post(c, {net, "topic", users_[Member], "member", category_, std::nullopt, std::string("Fixture topic"),
                                          "Fixture body", "", "published"}, now);
          blog_ = store::insert_post(c, {net, "blog_post", users_[Clinician], "clinician", std::nullopt, std::nullopt,
                                         std::string("Fixture blog"), "Fixture body", "", "published"}, now);
        })
        .get();
  }

  // A fresh session per request, so a sign-out in one check cannot spoil the next.
  std::string session_for(P who) {
    if (who == Anon) return {};
    return db_->writer()
        .run([&](store::Connection& c) {
          const bool staff = who == Volunteer || who == Peer || who == Clinician || who == Admin || who == StaffNo2fa;
          auto s = services_->sessions().create(c, users_[who], staff, clock_.system_now());
          const bool second_factor = staff && who != StaffNo2fa;
          if (second_factor) store::set_session_second_factor(c, s.session_id, core::format_utc_ms(clock_.system_now()));
          if (who == Expired) {
            c.prepare("UPDATE sessions SET absolute_expires_at = '2000-01-01T00:00:00.000Z' WHERE id = ?1").bind(1, s.session_id).run();
          }
          return s.token + "|" + s.csrf_token;
        })
        .get();
  }

  std::int64_t fresh_member_invitation() {
    return db_->writer()
        .run([&](store::Connection& c) {
          const auto net = store::find_network_by_slug(c, "default")->id;
          return store::insert_invitation(c, core::sha256_hex(core::random_token()), net, "member", std::nullopt, std::nullopt,
                                          core::format_utc_ms(clock_.system_now()), "2999-01-01T00:00:00.000Z");
        })
        .get();
  }

  // A new published reply by the member to the fixture topic.
  std::int64_t fresh_reply() {
    return db_->writer()
        .run([&](store::Connection& c) {
          const auto net = store::find_network_by_slug(c, "default")->id;
          return store::insert_post(c, {net, "reply", users_[Member], "member", category_, topic_, std::nullopt, "Fresh reply", "",
                                        "published"}, core::format_utc_ms(clock_.system_now()));
        })
        .get();
  }

  std::int64_t fresh_resource() {
    return db_->writer()
        .run([&](store::Connection& c) {
          store::NewResource r;
          r.network_id = store::find_network_by_slug(c, "default")->id;
          r.kind = "article";
          r.title = "Fixture";
          r.body = "x";
          r.audiences = "everyone";
          return store::insert_resource(c, r, core::format_utc_ms(clock_.system_now()));
        })
        .get();
  }

  // An open case about the member, new for each call (closing one spoils nothing else).
  std::int64_t fresh_case() {
    return db_->writer()
        .run([&](store::Connection& c) {
          const auto net = store::find_network_by_slug(c, "default")->id;
          const auto now = core::format_utc_ms(clock_.system_now());
          return store::insert_case(c, {net, users_[Member], topic_, "concern", std::nullopt, now, now});
        })
        .get();
  }

  void fill(std::string& path, std::string_view placeholder, std::int64_t id) {
    if (const auto at = path.find(placeholder); at != std::string::npos) path.replace(at, placeholder.size(), std::to_string(id));
  }

  http::Response call(const Row& row, P who, int n) {
    const std::string_view route(row.route);
    const auto space = route.find(' ');
    http::Request req;
    req.method_text = std::string(route.substr(0, space));
    req.method = http::parse_method(req.method_text);
    req.path = row.path;
    if (const auto at = req.path.find("{invitation}"); at != std::string::npos) {
      req.path.replace(at, 12, std::to_string(fresh_member_invitation()));
    }
    fill(req.path, "{members_category}", members_category_);
    fill(req.path, "{category}", category_);
    fill(req.path, "{topic}", topic_);
    fill(req.path, "{blog}", blog_);
    if (req.path.find("{fresh}") != std::string::npos) fill(req.path, "{fresh}", fresh_reply());
    if (req.path.find("{resource}") != std::string::npos) fill(req.path, "{resource}", fresh_resource());
    if (req.path.find("{case}") != std::string::npos) fill(req.path, "{case}", fresh_case());
    // The router matches the path alone; a row's query string goes where the server puts it.
    if (const auto q = req.path.find('?'); q != std::string::npos) {
      req.query = req.path.substr(q + 1);
      req.path.resize(q);
    }
    req.remote_ip = "10.9." + std::to_string(n / 250) + "." + std::to_string(n % 250);  // no rate limit crosstalk
    req.received_at = std::chrono::steady_clock::now();
    req.headers.set("Host", "harbour.test");
    if (req.method != http::Method::Get && req.method != http::Method::Head) {
      req.headers.set("Content-Type", "application/json");
      req.headers.set("Origin", "https://harbour.test");
      req.body = row.body;
    }
    if (const auto s = session_for(who); !s.empty()) {
      req.headers.set("Cookie", "__Host-harbour_session=" + s.substr(0, s.find('|')));
      req.headers.set("X-CSRF-Token", s.substr(s.find('|') + 1));
    }
    return app_->handle(req);
  }

  test::TempDir dir_;
  live::Hub hub_;
  core::RealClock clock_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<services::Services> services_;
  std::unique_ptr<http::App> app_;
  std::array<std::int64_t, kPrincipals> users_{};
  std::int64_t category_ = 0;
  std::int64_t members_category_ = 0;
  std::int64_t topic_ = 0;
  std::int64_t blog_ = 0;
};

}  // namespace

TEST_F(PolicyTable, EveryRouteHasARow) {
  std::set<std::string> covered;
  for (const auto& row : kTable) covered.insert(row.route);
  const auto router = api::build_router();
  for (const auto& route : router.routes()) {
    const auto key = std::string(http::method_name(route.method)) + " " + route.pattern;
    EXPECT_TRUE(covered.contains(key)) << "route missing from the policy table: " << key;
  }
  for (const auto& key : covered) {
    bool exists = false;
    for (const auto& route : router.routes()) {
      exists = exists || std::string(http::method_name(route.method)) + " " + route.pattern == key;
    }
    EXPECT_TRUE(exists) << "policy table row for a route that does not exist: " << key;
  }
}

// The reference in schema/api/*.md names every route as "METHOD /path" (the /api/v1 prefix may
// be left out and parameters may be named differently), so no route goes undocumented.
TEST(ApiReference, EveryRouteIsDocumented) {
  std::string docs;
  for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(HARBOUR_SOURCE_DIR) / "schema" / "api")) {
    if (entry.path().extension() != ".md") continue;
    std::ifstream in(entry.path());
    docs.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  ASSERT_GT(docs.size(), 1000u);
  // Backticks and the prefix go; every {parameter} becomes {}.
  const auto normal = [](std::string text) {
    std::erase(text, '`');
    for (std::size_t at; (at = text.find("/api/v1")) != std::string::npos;) text.erase(at, 7);
    return std::regex_replace(text, std::regex("\\{[^}/ ]*\\}"), "{}");
  };
  const auto reference = normal(docs);
  const auto router = api::build_router();
  for (const auto& route : router.routes()) {
    const auto key = normal(std::string(http::method_name(route.method)) + " " + route.pattern);
    // The whole path: what follows it is not more path (" |", "?query", ", ").
    bool found = false;
    for (auto at = reference.find(key); !found && at != std::string::npos; at = reference.find(key, at + 1)) {
      const auto end = at + key.size();
      found = end == reference.size() || std::string_view(" ?|,").find(reference[end]) != std::string_view::npos;
    }
    EXPECT_TRUE(found) << "not in schema/api/*.md: " << key;
  }
}

TEST_F(PolicyTable, EveryRouteAnswersEveryCallerAsTheTableSays) {
  int checked = 0;
  for (const auto& row : kTable) {
    for (int who = 0; who < kPrincipals; ++who) {
      const auto response = call(row, static_cast<P>(who), checked);
      const auto got = classify(response);
      EXPECT_STREQ(name(got), name(row.expect[who]))
          << row.route << " at " << row.path << " as " << kNames[who] << ": status " << response.status << " "
          << response.body_view();
      ++checked;
    }
  }
  std::printf("policy table: %d route rows x %d callers = %d checks\n", static_cast<int>(std::size(kTable)),
              static_cast<int>(kPrincipals), checked);
}
