// harbour_bench_seed: fills a Harbour database (already created and migrated by `harbour`) with a
// realistic community for the performance benchmark (issue 7), through Harbour's own store and
// services code, so every row is what the server itself would write:
//   - networks (the first one named by --network, then existing ones, then new ones), each with a
//     bench forum category that members read and post in;
//   - members (bench-m0001 ...) with one shared password, hashed once by Harbour's argon2id
//     hasher; keys to the networks and the current guidelines accepted, as registration records;
//   - topics and replies in Markdown, published, spread over the past months, inserted oldest
//     first so ids follow time and the counters, newest child, last activity and search index
//     come out as the server keeps them; a few reactions;
//   - a moderation policy that holds no forum reply of these members: every member has at least
//     the policy's first_posts published posts in the first network, out_of_hours = as_in_hours;
//   - signed-in sessions made by SessionService, each audited as a sign-in, and the audit anchor
//     moved to the new head so `harbour audit verify` still passes.
// All of it in one transaction: a seed that fails (say, too few posts for the policy's
// first_posts, or a database seeded before) leaves the database as it was. Before committing it
// asks the moderation gate itself whether a reply of each benched member would be published.
// It writes CREDS.json (mode 0600) for the load scripts. Run it while the server is stopped.
//
//   harbour_bench_seed --db DATA/harbour.db --out CREDS.json [--networks 2 --topics 1000
//     --replies 20000 --members 2000 --sessions 512 --signin-accounts 600 --password PW]
//
// For a sign-in burst, mind AccountService's limits: per client IP 20 attempts a minute (10 at
// once) and per account 6 a minute, before any hashing; and argon2id runs at most 2 at a time.
// tests/bench/seed/check.sh runs the whole thing end to end against the real server.
#include "seed_text.hpp"

#include "core/app_error.hpp"
#include "core/clock.hpp"
#include "core/config.hpp"
#include "services/anonymity_guard.hpp"
#include "services/audit_anchor.hpp"
#include "services/audit_log.hpp"
#include "services/content_rules.hpp"
#include "services/ip_ref.hpp"
#include "services/markdown.hpp"
#include "services/moderation_gate.hpp"
#include "services/password_hasher.hpp"
#include "services/password_policy.hpp"
#include "services/pseudonym_policy.hpp"
#include "services/risk_lexicon.hpp"
#include "services/session_service.hpp"
#include "store/account_repo.hpp"
#include "store/category_repo.hpp"
#include "store/connection.hpp"
#include "store/database.hpp"
#include "store/moderation_repo.hpp"
#include "store/network_repo.hpp"
#include "store/post_repo.hpp"
#include "store/safety_policy_repo.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <numeric>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <sys/stat.h>

namespace {

using namespace harbour;
using json = nlohmann::json;
using Clock = std::chrono::system_clock;
using TimePoint = Clock::time_point;
using std::chrono::milliseconds;

constexpr const char* kDefaultPassword = "steady harbour lantern walk";
constexpr const char* kBenchCategoryName = "Everyday life (bench)";
constexpr const char* kBenchCategoryDescription =
    "Day-to-day life after therapy: what helps, what is hard, small wins. Seeded for the performance benchmark.";
constexpr const char* kSeedReason = "bench seed (issue 7): forum replies of established members are not held";
constexpr std::array<const char*, 3> kReactionKinds{"support", "me_too", "thank_you"};
// The client address the seeded sign-ins are recorded from (the bench runs on this host).
constexpr const char* kSignInIp = "127.0.0.1";

struct Options {
  std::filesystem::path db;
  std::filesystem::path out;
  int networks = 2;
  int topics = 1000;
  int replies = 20000;
  int members = 2000;
  int sessions = 512;
  int signin = 600;
  int topic_ids = 100;
  int days = 180;
  std::string password = kDefaultPassword;
  std::string network = "default";
  std::uint64_t seed = 7;
};

struct Network {
  std::int64_t id = 0;
  std::string slug;
  std::int64_t bench_category = 0;
  std::vector<std::int64_t> other_categories;  // existing ones members read and post in
  std::int64_t first_posts = 0;                // published posts a member needs before the gate lets replies through
  std::vector<std::size_t> members;            // indexes into Setup::members of the key holders
};

struct Member {
  std::int64_t id = 0;
  std::string pseudonym;
};

struct Setup {
  std::vector<Network> networks;
  std::vector<Member> members;
  int audit_rows = 0;
};

struct PlannedPost {
  TimePoint at;
  std::size_t net = 0;
  std::int64_t category = 0;
  std::int64_t topic = -1;  // replies: index of the parent in the topic plan; topics: their own index
  bool is_topic = false;
  std::size_t author = 0;  // index into Setup::members
  std::optional<std::string> title;
  std::string body;
};

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

void say(const std::string& line) { std::cerr << "harbour_bench_seed: " << line << "\n"; }

std::string member_name(int i, int members) {
  char buf[32];
  std::snprintf(buf, sizeof buf, members > 9999 ? "bench-m%05d" : "bench-m%04d", i);
  return buf;
}

// The server keys the audit log's IP references with secret.key beside the database; the seeded
// sign-ins use the same key when it is there (none: they carry no IP reference).
bool load_ip_key(const std::filesystem::path& data_dir) {
  std::ifstream in(data_dir / "secret.key");
  std::string hex;
  if (!(in >> hex) || hex.size() != 64) return false;
  services::set_ip_ref_key(hex);
  return true;
}

// ---- Phase 1: networks, categories, policies, members -------------------------------------------

std::int64_t add_category(store::Connection& c, std::int64_t network_id, TimePoint now, int& audit_rows) {
  std::int64_t position = 0;
  for (const auto& k : store::list_categories(c, network_id)) position = std::max(position, k.position + 10);
  store::NewCategory k{network_id,
                       services::checked_text(kBenchCategoryName, services::TextKind::Summary, "name"),
                       services::checked_text(kBenchCategoryDescription, services::TextKind::Summary, "description"),
                       position,
                       services::kAllRolesMask,
                       services::kAllRolesMask};
  if (store::find_category_by_name(c, network_id, k.name)) {
    throw std::runtime_error("this database has been seeded already (category '" + k.name + "' exists)");
  }
  const auto id = store::insert_category(c, k, core::format_utc_ms(now));
  // As ForumService::create_category records it, with the system as the actor.
  services::AuditEntry e;
  e.action = "category.create";
  e.target_type = "category";
  e.target_id = std::to_string(id);
  e.network_id = network_id;
  e.details = {
      {"name", k.name}, {"read", services::mask_roles(k.read_mask)}, {"post", services::mask_roles(k.post_mask)}};
  services::append_audit(c, e, now);
  ++audit_rows;
  return id;
}

// Keeps the network's mode and first_posts (pre_moderate_all becomes first_posts, which would
// otherwise hold every reply) and sets out_of_hours = as_in_hours, as ModerationService::set_policy
// writes it. Returns the first_posts count the gate will ask of a member.
std::int64_t open_policy(store::Connection& c, std::int64_t network_id, TimePoint now, int& audit_rows) {
  const auto row = store::find_moderation_policy(c, network_id);
  const auto safety = store::find_safety_policy(c, network_id);
  const std::string old_mode = row ? row->mode : "first_posts";
  const std::int64_t first_posts = row ? row->first_posts : 3;
  const std::string mode = old_mode == "pre_moderate_all" ? "first_posts" : old_mode;
  const auto as_json = [](const std::string& m, std::int64_t n, const std::string& ooh, std::int64_t minutes) {
    return json{{"mode", m}, {"first_posts", n}, {"out_of_hours", ooh}, {"case_response_minutes", minutes}};
  };
  const auto old = as_json(old_mode, first_posts, safety.out_of_hours, safety.case_response_minutes);
  const auto wanted = as_json(mode, first_posts, "as_in_hours", safety.case_response_minutes);
  if (!row || old != wanted) {
    store::upsert_moderation_policy(c, network_id, mode, first_posts, core::format_utc_ms(now));
    store::update_safety_policy(c, network_id, {"as_in_hours", safety.case_response_minutes});
    services::AuditEntry e;
    e.action = "moderation.policy_update";
    e.target_type = "network";
    e.target_id = std::to_string(network_id);
    e.network_id = network_id;
    e.reason = kSeedReason;
    e.details = {{"old", old}, {"new", wanted}};
    services::append_audit(c, e, now);
    ++audit_rows;
  }
  return mode == "first_posts" ? first_posts : 0;
}

Setup seed_setup(store::Connection& c, const Options& o, const std::string& hash, TimePoint now) {
  Setup s;
  const auto first = store::find_network_by_slug(c, o.network);
  if (!first) throw std::runtime_error("no network '" + o.network + "' in this database");
  if (store::find_user_by_key(c, services::pseudonym_key(member_name(1, o.members)))) {
    throw std::runtime_error("this database has been seeded already (" + member_name(1, o.members) + " exists)");
  }
  // The first network, then the others oldest first, then new ones when there are too few.
  std::vector<store::NetworkRow> chosen{*first};
  for (auto& n : store::list_networks(c)) {
    if (static_cast<int>(chosen.size()) < o.networks && n.id != first->id) chosen.push_back(std::move(n));
  }
  for (int k = static_cast<int>(chosen.size()) + 1; static_cast<int>(chosen.size()) < o.networks; ++k) {
    const std::string slug = "bench-" + std::to_string(k);
    const auto id = store::insert_network(c, slug, "Bench network " + std::to_string(k), first->time_zone,
                                          first->crisis_contacts_json);
    // The first network's guidelines, so its members can accept them (as demo_seed does).
    c.prepare(
         "INSERT INTO guidelines (network_id, version, body)"
         " SELECT ?1, 1, body FROM guidelines WHERE network_id = ?2 ORDER BY version DESC LIMIT 1")
        .bind(1, id)
        .bind(2, first->id)
        .run();
    chosen.push_back(*store::find_network_by_slug(c, slug));
  }
  for (const auto& n : chosen) {
    Network net;
    net.id = n.id;
    net.slug = n.slug;
    for (const auto& k : store::list_categories(c, n.id)) {
      if ((k.read_mask & 1) && (k.post_mask & 1)) net.other_categories.push_back(k.id);  // 1: the member role bit
    }
    net.bench_category = add_category(c, n.id, now, s.audit_rows);
    net.first_posts = open_policy(c, n.id, now, s.audit_rows);
    s.networks.push_back(std::move(net));
  }

  // Members joined before the oldest post. Each holds a key to the first network; about a
  // third also to each other one.
  std::mt19937_64 rng(o.seed ^ 0x6d656d62);
  std::uniform_int_distribution<std::int64_t> joined_ms(0, 30ll * 86'400'000);
  std::vector<std::optional<store::GuidelinesRow>> guidelines;
  for (const auto& net : s.networks) guidelines.push_back(store::current_guidelines(c, net.id));
  for (int i = 1; i <= o.members; ++i) {
    const auto name = services::check_pseudonym(member_name(i, o.members));
    if (store::find_user_by_key(c, name.key)) throw std::runtime_error("pseudonym taken: " + name.display);
    const auto joined = core::format_utc_ms(now - std::chrono::hours(24 * (o.days + 1)) - milliseconds(joined_ms(rng)));
    const auto id = store::insert_user(c, name.display, name.key, hash, false, joined);
    const auto index = s.members.size();
    s.members.push_back({id, name.display});
    for (std::size_t k = 0; k < s.networks.size(); ++k) {
      if (k > 0 && (i + static_cast<int>(k)) % 3 != 0) continue;
      store::upsert_membership(c, id, s.networks[k].id, "member");
      if (guidelines[k]) store::record_guidelines_acceptance(c, id, s.networks[k].id, guidelines[k]->version, joined);
      s.networks[k].members.push_back(index);
    }
  }
  return s;
}

// ---- Phase 2: topics and replies ----------------------------------------------------------------

// Zipf-like weights over a shuffled order: a few prolific posters, a long tail of occasional ones.
std::discrete_distribution<std::size_t> poster_weights(std::size_t n, std::mt19937_64& rng) {
  std::vector<std::size_t> rank(n);
  std::iota(rank.begin(), rank.end(), std::size_t{0});
  std::shuffle(rank.begin(), rank.end(), rng);
  std::vector<double> w(n);
  for (std::size_t i = 0; i < n; ++i) w[i] = 1.0 / std::pow(static_cast<double>(rank[i]) + 8.0, 0.9);
  return std::discrete_distribution<std::size_t>(w.begin(), w.end());
}

struct Plan {
  std::vector<PlannedPost> posts;        // oldest first
  std::vector<std::size_t> topic_count;  // per network
  std::vector<std::size_t> reply_count;
  std::size_t rendered_bytes = 0;
};

Plan plan_content(store::Connection& c, const Options& o, const Setup& s, TimePoint now) {
  Plan plan;
  std::mt19937_64 rng(o.seed);
  const std::size_t nets = s.networks.size();
  plan.topic_count.assign(nets, 0);
  plan.reply_count.assign(nets, 0);

  // Topics: 80 % in the first network (85 % of those in its bench category, at least enough for
  // the topic_ids list), the rest shared by the others; created over the past `days`.
  std::vector<PlannedPost> topics(static_cast<std::size_t>(o.topics));
  const std::size_t first_share = nets == 1 ? topics.size() : topics.size() * 4 / 5;
  const auto& first = s.networks[0];
  const std::size_t bench_share =
      first.other_categories.empty()
          ? first_share
          : std::min(first_share, std::max<std::size_t>(first_share * 85 / 100, static_cast<std::size_t>(o.topic_ids)));
  const std::int64_t span_ms = std::int64_t{o.days} * 86'400'000;
  std::uniform_int_distribution<std::int64_t> topic_age(3'600'000, span_ms);
  for (std::size_t i = 0; i < topics.size(); ++i) {
    auto& t = topics[i];
    t.is_topic = true;
    t.topic = static_cast<std::int64_t>(i);
    t.net = i < first_share ? 0 : 1 + (i - first_share) % (nets - 1);
    const auto& net = s.networks[t.net];
    if (t.net == 0 && i < bench_share) {
      t.category = net.bench_category;
    } else {
      // The other member categories of the network, and its bench category, alike.
      const auto k = std::uniform_int_distribution<std::size_t>(0, net.other_categories.size())(rng);
      t.category = k == net.other_categories.size() ? net.bench_category : net.other_categories[k];
    }
    t.at = now - milliseconds(topic_age(rng));
    ++plan.topic_count[t.net];
  }

  // Replies: a heavy tail (many short threads, a few long ones), written mostly soon after the
  // topic, some much later.
  std::vector<double> weight(topics.size());
  std::lognormal_distribution<double> thread_size(0.0, 1.0);
  for (auto& w : weight) w = thread_size(rng);
  std::discrete_distribution<std::size_t> which_topic(weight.begin(), weight.end());
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<PlannedPost> replies(static_cast<std::size_t>(o.replies));
  for (auto& r : replies) {
    const auto ti = which_topic(rng);
    const auto& t = topics[ti];
    r.topic = static_cast<std::int64_t>(ti);
    r.net = t.net;
    r.category = t.category;
    const auto window = std::chrono::duration_cast<milliseconds>(now - t.at).count() - 2'000;
    const auto u = unit(rng);
    r.at = t.at + milliseconds(1'000 + static_cast<std::int64_t>(static_cast<double>(window) * u * u * u));
    ++plan.reply_count[r.net];
  }

  plan.posts = std::move(topics);
  plan.posts.insert(plan.posts.end(), replies.begin(), replies.end());
  // Oldest first, so ids follow time as in a living forum and every topic exists before its replies.
  std::stable_sort(plan.posts.begin(), plan.posts.end(), [](const auto& a, const auto& b) { return a.at < b.at; });

  // Authors. In each network every member first gets the posts the gate asks of them (so their
  // next reply is published at once), then the rest go to prolific and occasional posters alike.
  for (std::size_t k = 0; k < nets; ++k) {
    const auto& net = s.networks[k];
    const std::size_t posts_here = plan.topic_count[k] + plan.reply_count[k];
    if (net.members.empty()) throw std::runtime_error("network " + net.slug + " has no bench members");
    std::vector<std::size_t> authors;
    const auto quota = static_cast<std::size_t>(net.first_posts);
    if (quota * net.members.size() <= posts_here) {
      for (const auto m : net.members) authors.insert(authors.end(), quota, m);
    } else if (k == 0) {
      // Too few posts for everyone: those who get a session or sign in come first.
      const std::size_t needed = static_cast<std::size_t>(o.sessions + o.signin);
      if (quota * needed > posts_here) {
        throw std::runtime_error("too few posts in " + net.slug + " (" + std::to_string(posts_here) + ") to give the " +
                                 std::to_string(needed) + " benched members the " + std::to_string(quota) +
                                 " published posts its first_posts policy asks; add --topics/--replies");
      }
      for (std::size_t m = 0; m < needed; ++m) authors.insert(authors.end(), quota, net.members[m]);
    }
    auto weights = poster_weights(net.members.size(), rng);
    while (authors.size() < posts_here) authors.push_back(net.members[weights(rng)]);
    std::shuffle(authors.begin(), authors.end(), rng);
    std::size_t next = 0;
    for (auto& p : plan.posts) {
      if (p.net == k) p.author = authors[next++];
    }
  }

  // Text: Markdown that passes the gate as it stands (no risk phrase, watched word or identifying
  // detail: a published post holding one would not be realistic), rendered once as the server
  // renders it on the way out, to be sure it does.
  bench::TextGenerator text(o.seed ^ 0x74657874);
  std::lognormal_distribution<double> length(std::log(320.0), 0.5);
  {
    std::vector<std::vector<store::WatchedWordRow>> watched;
    for (const auto& net : s.networks) watched.push_back(store::list_watched_words(c, net.id));
    for (auto& p : plan.posts) {
      const auto net_id = s.networks[p.net].id;
      for (int attempt = 0;; ++attempt) {
        if (attempt == 50) throw std::logic_error("the text generator keeps writing text the gate would hold");
        const auto target = static_cast<std::size_t>(std::clamp(length(rng), 100.0, 800.0));
        std::optional<std::string> title;
        if (p.is_topic) title = services::checked_text(text.title(), services::TextKind::TopicTitle, "title");
        const auto body =
            services::checked_text(text.body(target, 100, 800, !p.is_topic),
                                   p.is_topic ? services::TextKind::TopicBody : services::TextKind::Reply, "body");
        const std::string_view t = title ? std::string_view(*title) : std::string_view();
        if (services::match_risk(c, net_id, t, body)) continue;
        if (!services::find_identifying_details(std::string(t) + "\n" + body).empty()) continue;
        const bool watched_word = std::any_of(watched[p.net].begin(), watched[p.net].end(), [&](const auto& w) {
          return services::phrase_matches(t, w.phrase) || services::phrase_matches(body, w.phrase);
        });
        if (watched_word) continue;
        plan.rendered_bytes += services::render_markdown(body).size();
        p.title = std::move(title);
        p.body = body;
        break;
      }
    }
  }
  return plan;
}

struct Written {
  std::vector<std::int64_t> topic_ids;  // by topic plan index
  std::size_t reactions = 0;
};

// Inserts the plan oldest first through insert_post, exactly as a published post is stored
// (counters, newest child, last activity, search index).
Written write_content(store::Connection& c, const Options& o, const Setup& s, const Plan& plan, TimePoint now) {
  Written w;
  w.topic_ids.assign(static_cast<std::size_t>(o.topics), 0);
  std::mt19937_64 rng(o.seed ^ 0x72656163);
  std::uniform_int_distribution<int> percent(0, 99);
  for (const auto& p : plan.posts) {
    const auto& net = s.networks[p.net];
    store::NewPost row;
    row.network_id = net.id;
    row.kind = p.is_topic ? "topic" : "reply";
    row.author_id = s.members[p.author].id;
    row.author_role = "member";
    row.category_id = p.category;
    if (!p.is_topic) row.parent_id = w.topic_ids[static_cast<std::size_t>(p.topic)];
    row.title = p.title;
    row.body = p.body;
    row.state = "published";
    const auto at = core::format_utc_ms(p.at);
    const auto id = store::insert_post(c, row, at);
    if (p.is_topic) w.topic_ids[static_cast<std::size_t>(p.topic)] = id;
    // About four posts in ten get one to four reactions from other members of the network.
    if (percent(rng) < 40) {
      const int count = 1 + percent(rng) % 4;
      for (int r = 0; r < count; ++r) {
        const auto who = net.members[std::uniform_int_distribution<std::size_t>(0, net.members.size() - 1)(rng)];
        if (who == p.author) continue;
        const auto late = std::min(now - milliseconds(1'000), p.at + std::chrono::minutes(5 + percent(rng) * 7));
        if (store::add_reaction(c, id, s.members[who].id, kReactionKinds[static_cast<std::size_t>(percent(rng)) % 3],
                                core::format_utc_ms(late))) {
          ++w.reactions;
        }
      }
    }
  }
  return w;
}

// ---- Phase 3: sessions --------------------------------------------------------------------------

struct SessionOut {
  std::int64_t user_id = 0;
  std::string pseudonym;
  std::string token;
  std::string csrf;
};

// What AccountService::sign_in commits for a correct password: failures reset, a session from
// SessionService, an auth.sign_in audit row.
std::vector<SessionOut> sign_in(store::Connection& c, services::SessionService& sessions, const Setup& s, int count,
                                bool ip_key, TimePoint now) {
  std::vector<SessionOut> out;
  for (int i = 0; i < count; ++i) {
    const auto& m = s.members[static_cast<std::size_t>(i)];
    store::record_signin_success(c, m.id);
    const auto session = sessions.create(c, m.id, false, now);
    services::AuditEntry e;
    e.action = "auth.sign_in";
    e.actor_id = m.id;
    e.ip_hash = ip_key ? services::audit_ip_ref(kSignInIp) : "";
    e.session_hash = services::session_ref(session.token);
    services::append_audit(c, e, now);
    out.push_back({m.id, m.pseudonym, session.token, session.csrf_token});
  }
  return out;
}

// ---- Checks ---------------------------------------------------------------------------------

// The gate, asked as the server asks it for a member's new reply in the first network, must
// publish for every benched member; the listed topics must be open to replies.
void check_result(store::Connection& c, const Setup& s, int benched, const std::vector<std::int64_t>& topic_ids,
                  TimePoint now) {
  const auto& first = s.networks[0];
  const std::string body = "Thank you for sharing this. It really helps to read how other people manage.";
  for (int i = 0; i < benched; ++i) {
    services::GateInput in;
    in.network_id = first.id;
    in.author_id = s.members[static_cast<std::size_t>(i)].id;
    in.kind = "reply";
    in.body = body;
    in.now = now;
    const auto d = services::gate_decide(c, in);
    if (d.outcome != services::GateDecision::Outcome::Publish) {
      std::string why;
      for (const auto& r : d.reasons) why += " " + r;
      throw std::runtime_error("the gate would not publish a reply of " +
                               s.members[static_cast<std::size_t>(i)].pseudonym + ":" + why);
    }
  }
  for (const auto id : topic_ids) {
    const auto t = store::find_post(c, id);
    if (!t || t->kind != "topic" || t->state != "published" || t->locked || t->category_id != first.bench_category) {
      throw std::logic_error("topic " + std::to_string(id) + " is not an open bench topic");
    }
  }
}

int run(const Options& o) {
  const auto started = std::chrono::steady_clock::now();
  if (!std::filesystem::is_regular_file(o.db)) {
    throw std::runtime_error(o.db.string() +
                             " does not exist: start `harbour serve --data-dir DIR` (or `harbour migrate`) once first");
  }
  const auto data_dir = std::filesystem::absolute(o.db).parent_path();
  const bool ip_key = load_ip_key(data_dir);
  const auto now = Clock::now();

  // One argon2id hash (the server's parameters) for every account: hashing each would take minutes.
  services::PasswordHasher hasher(services::Argon2Params{}, 1, std::chrono::seconds(30));
  try {
    services::check_password(o.password, member_name(1, o.members));
  } catch (const core::AppError& e) {
    say(std::string("warning: registration would refuse this password (") + e.what() + "); sign-in still accepts it");
  }
  const auto hash = hasher.hash(o.password);

  // Opening applies any pending migration, as `harbour migrate` does.
  store::Database db({.path = o.db, .max_readers = 2});
  services::SessionService session_service(db, core::SessionLimits{});
  const auto head_before = db.read([](store::Connection& c) { return services::current_audit_head(c); });

  // One transaction for all of it: a seed that fails half-way (say, too few posts for the
  // policy's first_posts) leaves the database as it was.
  struct Result {
    Setup setup;
    std::vector<SessionOut> sessions;
    std::vector<std::int64_t> topic_ids;
  };
  const auto tx_started = std::chrono::steady_clock::now();
  const auto result =
      db.writer()
          .run([&](store::Connection& c) {
            Result r;
            auto t = std::chrono::steady_clock::now();
            r.setup = seed_setup(c, o, hash, now);
            say("networks, categories, policies and " + std::to_string(r.setup.members.size()) +
                " members: " + std::to_string(seconds_since(t)) + " s");

            t = std::chrono::steady_clock::now();
            const auto plan = plan_content(c, o, r.setup, now);
            say("planned and wrote the text of " + std::to_string(plan.posts.size()) + " posts (" +
                std::to_string(plan.rendered_bytes / 1024) +
                " KiB of HTML when rendered): " + std::to_string(seconds_since(t)) + " s");

            t = std::chrono::steady_clock::now();
            const auto written = write_content(c, o, r.setup, plan, now);
            say("stored " + std::to_string(plan.posts.size()) + " posts and " + std::to_string(written.reactions) +
                " reactions: " + std::to_string(seconds_since(t)) + " s");

            t = std::chrono::steady_clock::now();
            r.sessions = sign_in(c, session_service, r.setup, o.sessions, ip_key, now);
            say(std::to_string(r.sessions.size()) + " sessions: " + std::to_string(seconds_since(t)) + " s");

            // The bench topics: the most recently active open ones of the first
            // network's bench category, in the order its topic list shows them.
            store::TopicPageQuery q;
            q.category_id = r.setup.networks[0].bench_category;
            q.limit = o.topic_ids;
            for (const auto& row : store::list_topics(c, q)) {
              if (!row.locked) r.topic_ids.push_back(row.id);
            }
            check_result(c, r.setup, o.sessions + o.signin, r.topic_ids, now);
            return r;
          })
          .get();
  say("one transaction, committed after " + std::to_string(seconds_since(tx_started)) + " s");
  const auto& setup = result.setup;
  const auto& sessions = result.sessions;
  const auto& topic_ids = result.topic_ids;

  // The anchor follows the log's head, as the server moves it after each audited commit.
  const auto head = db.read([](store::Connection& c) { return services::current_audit_head(c); });
  const auto anchor_file = data_dir / services::kAuditAnchorFileName;
  if (head.last_id != head_before.last_id) {
    if (std::filesystem::exists(anchor_file) || o.db.filename() == "harbour.db") {
      services::write_audit_anchor(anchor_file, head);
    } else {
      say("note: no " + anchor_file.string() + " beside the database; audit anchor not written");
    }
  }
  const auto verified = db.read(
      [&](store::Connection& c) { return services::verify_audit_chain(c, services::read_audit_anchor(anchor_file)); });
  if (!verified.ok) throw std::runtime_error("audit chain does not verify after seeding: " + verified.problem);
  db.close();

  json creds;
  creds["network"] = setup.networks[0].slug;
  creds["networks"] = json::array();
  for (const auto& n : setup.networks) creds["networks"].push_back(n.slug);
  creds["category_id"] = setup.networks[0].bench_category;
  creds["topic_ids"] = topic_ids;
  creds["cookie_name"] = std::string(services::kSessionCookie);
  creds["sessions"] = json::array();
  for (const auto& s : sessions) {
    creds["sessions"].push_back({{"user_id", s.user_id},
                                 {"pseudonym", s.pseudonym},
                                 {"cookie", std::string(services::kSessionCookie) + "=" + s.token},
                                 {"csrf", s.csrf}});
  }
  creds["signin"] = json::array();
  for (int i = o.sessions; i < o.sessions + o.signin; ++i) {
    creds["signin"].push_back(
        {{"pseudonym", setup.members[static_cast<std::size_t>(i)].pseudonym}, {"password", o.password}});
  }
  creds["counts"] = {{"networks", setup.networks.size()},
                     {"topics", o.topics},
                     {"replies", o.replies},
                     {"members", setup.members.size()}};
  // Session tokens and a password: readable by the owner only.
  const auto tmp = o.out.string() + ".tmp";
  {
    const auto old_mask = ::umask(077);
    std::ofstream out(tmp, std::ios::trunc);
    ::umask(old_mask);
    out << creds.dump(1) << "\n";
    if (!out.flush()) throw std::runtime_error("cannot write " + tmp);
  }
  std::filesystem::rename(tmp, o.out);

  say("done in " + std::to_string(seconds_since(started)) + " s: " + std::to_string(setup.networks.size()) +
      " networks, " + std::to_string(o.topics) + " topics, " + std::to_string(o.replies) + " replies, " +
      std::to_string(setup.members.size()) + " members, " + std::to_string(sessions.size()) + " sessions; audit rows " +
      std::to_string(head_before.last_id) + " -> " + std::to_string(head.last_id) + " (chain verified); wrote " +
      o.out.string());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"Fills a migrated Harbour database with a realistic community for the benchmark (issue 7)."};
  app.add_option("--db", o.db, "The database (DATA_DIR/harbour.db), created and migrated by harbour; server stopped")
      ->required();
  app.add_option("--out", o.out, "Where to write CREDS.json (sessions, sign-in accounts, topic ids)")->required();
  app.add_option("--networks", o.networks, "Networks to fill (the first is where the bench runs)")
      ->capture_default_str()
      ->check(CLI::Range(1, 20));
  app.add_option("--network", o.network, "Slug of the first network")->capture_default_str();
  app.add_option("--topics", o.topics, "Topics to add")->capture_default_str()->check(CLI::Range(1, 10'000'000));
  app.add_option("--replies", o.replies, "Replies to add")->capture_default_str()->check(CLI::Range(0, 100'000'000));
  app.add_option("--members", o.members, "Member accounts to add (bench-m0001 ...)")
      ->capture_default_str()
      ->check(CLI::Range(1, 99'999));
  app.add_option("--sessions", o.sessions, "Signed-in sessions, one per member")
      ->capture_default_str()
      ->check(CLI::Range(0, 99'999));
  app.add_option("--signin-accounts", o.signin, "Members without a session, for a sign-in burst")
      ->capture_default_str()
      ->check(CLI::Range(0, 99'999));
  app.add_option("--topic-ids", o.topic_ids, "How many open bench topics to list in topic_ids")
      ->capture_default_str()
      ->check(CLI::Range(1, 10'000));
  app.add_option("--days", o.days, "Posts are spread over this many past days")
      ->capture_default_str()
      ->check(CLI::Range(1, 3650));
  app.add_option("--password", o.password, "Password of every bench member")->capture_default_str();
  app.add_option("--seed", o.seed, "Random seed (same seed, same text and shape)")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (o.sessions + o.signin > o.members) {
    std::cerr << "harbour_bench_seed: --sessions + --signin-accounts (" << o.sessions + o.signin
              << ") must not exceed --members (" << o.members << ")\n";
    return 2;
  }
  try {
    return run(o);
  } catch (const std::exception& e) {
    std::cerr << "harbour_bench_seed: error: " << e.what() << "\n";
    return 1;
  }
}
