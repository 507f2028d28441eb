// The first page of GET /api/v1/categories/{id}/topics on a category of 1,000 topics (the shared
// community of micro_fixture: a real SQLite file, WAL, warm page cache), read by a member.
// A page is the 2 pinned topics plus kTopicPageSize (25) others; items = topics on the page.
//
//  BM_TopicPage_handler/fresh_session
//      The route's own handler from api::build_router() (forums_api.cpp), called with the
//      Request/Context the server would give it, as a different session each time:
//      ForumService::topics (reader lease, category and permission checks, unread count, pinned
//      and page queries, reactions, markers, mutes...), the JSON of the page (category_json and
//      post_json per topic, file-local to forums_api.cpp) and its serialisation. The working
//      tree's handler keeps rendered pages in an answer cache keyed by session and write
//      generation: a new session id per iteration makes every call a miss, so this is the full
//      render plus the cache insert. Middleware (session lookup, headers, logging) is not included.
//  BM_TopicPage_handler/same_session
//      The same call repeated by one session with nothing committed in between (a reload): with
//      that cache, a hit.
//  BM_TopicPage_service
//      ForumService::topics alone: the SQL and the PostViews.
//  BM_TopicPage_json
//      The JSON alone, from a page fetched once: services::post_json(v, false) per topic (what
//      list_json in forums_api.cpp calls) and dump(); the small category object (file-local
//      category_json) is left out.
#include "micro_fixture.hpp"

#include "api/routes.hpp"
#include "http/context.hpp"
#include "http/request.hpp"
#include "services/forum_service.hpp"
#include "services/post_json.hpp"

#include <benchmark/benchmark.h>

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>

namespace {

using namespace harbour;

std::int64_t page_items(const services::TopicPage& page) {
  return static_cast<std::int64_t>(page.pinned.size() + page.topics.size());
}

void BM_TopicPage_handler(benchmark::State& state, bool fresh_session) {
  auto& community = micro::community();
  const auto router = api::build_router();
  http::Request req;
  req.method = http::Method::Get;
  req.path = "/api/v1/categories/" + std::to_string(community.category_id) + "/topics";
  req.target = req.path;
  auto match = router.match(req.method, req.path);
  if (match.route == nullptr) {
    state.SkipWithError("no route for GET /api/v1/categories/{id}/topics");
    return;
  }
  req.params = std::move(match.params);
  http::Context ctx;
  ctx.services = community.services.get();
  const auto reader = std::make_shared<services::Principal>(community.reader);
  ctx.principal = reader;
  ctx.client_ip = "192.0.2.10";

  const auto first = match.route->handler(req, ctx);
  if (first.status != 200) {
    const auto why = "handler answered " + std::to_string(first.status) + ": " + std::string(first.body_view());
    state.SkipWithError(why.c_str());
    return;
  }
  const auto doc = nlohmann::json::parse(first.body_view());
  const auto items = static_cast<std::int64_t>(doc.at("pinned").size() + doc.at("topics").size());
  std::int64_t bytes = 0;
  std::int64_t session = 1'000'000;
  for (auto _ : state) {
    if (fresh_session) reader->session_id = ++session;
    auto response = match.route->handler(req, ctx);
    bytes += static_cast<std::int64_t>(response.body_view().size());
    benchmark::DoNotOptimize(response);
  }
  state.SetItemsProcessed(state.iterations() * items);
  if (fresh_session) state.SetBytesProcessed(bytes);  // a hit copies no bytes: a pointer to the cached body
  state.counters["topics_per_page"] = static_cast<double>(items);
}
BENCHMARK_CAPTURE(BM_TopicPage_handler, fresh_session, true)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_TopicPage_handler, same_session, false)->Unit(benchmark::kMicrosecond);

void BM_TopicPage_service(benchmark::State& state) {
  auto& community = micro::community();
  auto& forums = community.services->forums();
  const auto items = page_items(forums.topics(&community.reader, community.category_id, std::nullopt));
  for (auto _ : state) {
    auto page = forums.topics(&community.reader, community.category_id, std::nullopt);
    benchmark::DoNotOptimize(page);
  }
  state.SetItemsProcessed(state.iterations() * items);
}
BENCHMARK(BM_TopicPage_service)->Unit(benchmark::kMicrosecond);

void BM_TopicPage_json(benchmark::State& state) {
  auto& community = micro::community();
  const auto page = community.services->forums().topics(&community.reader, community.category_id, std::nullopt);
  std::int64_t bytes = 0;
  for (auto _ : state) {
    nlohmann::json pinned = nlohmann::json::array();
    for (const auto& v : page.pinned) pinned.push_back(services::post_json(v, false));
    nlohmann::json topics = nlohmann::json::array();
    for (const auto& v : page.topics) topics.push_back(services::post_json(v, false));
    nlohmann::json out = {{"pinned", std::move(pinned)}, {"topics", std::move(topics)}};
    if (page.next_before) out["next_before"] = *page.next_before;
    auto text = out.dump();
    bytes += static_cast<std::int64_t>(text.size());
    benchmark::DoNotOptimize(text);
  }
  state.SetItemsProcessed(state.iterations() * page_items(page));
  state.SetBytesProcessed(bytes);
}
BENCHMARK(BM_TopicPage_json)->Unit(benchmark::kMicrosecond);

}  // namespace
