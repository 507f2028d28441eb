// The whole HTTP pipeline without sockets: middleware, routing, 404/405, error mapping.
#include "api/error_mapper.hpp"
#include "api/routes.hpp"
#include "core/app_error.hpp"
#include "http/app.hpp"

#include <gtest/gtest.h>
#include <future>
#include <mutex>
#include <thread>
#include <nlohmann/json.hpp>

using namespace harbour;
using http::Method;

namespace {
http::App make_app(http::Router router) {
  return http::App(std::move(router), api::build_middleware(true), nullptr, http::Context{}, nullptr, {});
}

http::Response call(const http::App& app, Method m, std::string path) {
  http::Request req;
  req.method = m;
  req.method_text = std::string(http::method_name(m));
  req.path = std::move(path);
  req.received_at = std::chrono::steady_clock::now();
  return app.handle(req);
}

void expect_security_headers(const http::Response& r) {
  EXPECT_TRUE(r.headers.has("Content-Security-Policy"));
  EXPECT_EQ(r.headers.get("X-Content-Type-Options").value(), "nosniff");
  EXPECT_EQ(r.headers.get("Referrer-Policy").value(), "no-referrer");
  EXPECT_TRUE(r.headers.get("Strict-Transport-Security").has_value());
  EXPECT_TRUE(r.headers.get("X-Request-Id").has_value());
  EXPECT_EQ(r.headers.get("Cache-Control").value(), "no-store");
}
}  // namespace

TEST(AppPipeline, UnknownApiPathIsJson404WithSecurityHeaders) {
  auto app = make_app({});
  auto r = call(app, Method::Get, "/api/v1/nope");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(nlohmann::json::parse(r.body)["error"]["code"], "not_found");
  expect_security_headers(r);
}

TEST(AppPipeline, WrongMethodIs405WithAllow) {
  http::Router router;
  router.add(Method::Get, "/api/v1/thing", [](const http::Request&, http::Context&) { return http::Response::no_content(); });
  auto app = make_app(std::move(router));
  auto r = call(app, Method::Delete, "/api/v1/thing");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers.get("Allow").value(), "GET, HEAD");
  expect_security_headers(r);
}

TEST(AppPipeline, AppErrorBecomesItsStatusAndStableCode) {
  http::Router router;
  router.add(Method::Get, "/api/v1/x", [](const http::Request&, http::Context&) -> http::Response {
    throw core::AppError(core::ErrorKind::Conflict, "pseudonym_taken", "That name is taken.");
  });
  auto app = make_app(std::move(router));
  auto r = call(app, Method::Get, "/api/v1/x");
  EXPECT_EQ(r.status, 409);
  auto body = nlohmann::json::parse(r.body);
  EXPECT_EQ(body["error"]["code"], "pseudonym_taken");
  EXPECT_EQ(body["error"]["message"], "That name is taken.");
  expect_security_headers(r);
}

TEST(AppPipeline, UnexpectedExceptionIs500WithoutInternalDetail) {
  http::Router router;
  router.add(Method::Get, "/api/v1/boom", [](const http::Request&, http::Context&) -> http::Response {
    throw std::runtime_error("SELECT secret FROM /var/lib/harbour");
  });
  auto app = make_app(std::move(router));
  auto r = call(app, Method::Get, "/api/v1/boom");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.find("SELECT"), std::string::npos);
  EXPECT_EQ(r.body.find("/var/lib"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(r.body)["error"]["code"], "internal_error");
}

TEST(AppPipeline, ErrorKindsMapToHttpStatuses) {
  EXPECT_EQ(api::status_for(core::ErrorKind::BadRequest), 400);
  EXPECT_EQ(api::status_for(core::ErrorKind::Unauthenticated), 401);
  EXPECT_EQ(api::status_for(core::ErrorKind::Forbidden), 403);
  EXPECT_EQ(api::status_for(core::ErrorKind::NotFound), 404);
  EXPECT_EQ(api::status_for(core::ErrorKind::RateLimited), 429);
  EXPECT_EQ(api::status_for(core::ErrorKind::Unavailable), 503);
}

TEST(AppPipeline, PathParametersReachTheHandler) {
  http::Router router;
  router.add(Method::Get, "/api/v1/networks/{slug}", [](const http::Request& req, http::Context&) {
    return http::Response::text(200, std::string(req.param("slug")));
  });
  auto app = make_app(std::move(router));
  EXPECT_EQ(call(app, Method::Get, "/api/v1/networks/carers").body, "carers");
}

TEST(AppPipeline, FullWorkerPoolAnswers503Inline) {
  core::WorkerPool pool(1, 1);
  std::mutex gate;
  std::unique_lock hold(gate);
  http::Router router;
  router.add(Method::Get, "/api/v1/slow", [&gate](const http::Request&, http::Context&) {
    std::lock_guard wait(gate);
    return http::Response::no_content();
  });
  http::App app(std::move(router), api::build_middleware(true), nullptr, http::Context{}, &pool, {});
  std::atomic<int> done{0};
  std::vector<int> statuses(4, 0);
  for (int i = 0; i < 4; ++i) {
    http::Request req;
    req.method = Method::Get;
    req.path = "/api/v1/slow";
    app.dispatch(std::move(req), [&, i](http::Response r) { statuses[i] = r.status; done++; });
    // Let the worker take the first request before queueing more, so the outcome is exact.
    while (i == 0 && pool.queue_depth() != 0) std::this_thread::yield();
  }
  // One runs (blocked on the gate), one waits in the queue, the rest are refused at once.
  EXPECT_EQ(statuses[2], 503);
  EXPECT_EQ(statuses[3], 503);
  hold.unlock();
  pool.stop();
  EXPECT_EQ(done.load(), 4);
  EXPECT_EQ(statuses[0], 204);
  EXPECT_EQ(statuses[1], 204);
}

// A route that answers from memory is tried on the calling (I/O) thread first; when it throws
// NeedsWorker it runs again on the pool, and the client gets exactly one answer either way.
TEST(AppPipeline, AnswerFromMemoryTriesInlineThenFallsBackToThePool) {
  core::WorkerPool pool(1, 8);
  std::atomic<bool> in_memory{false};
  std::atomic<int> tries{0};
  http::Router router;
  router.add(
      Method::Get, "/api/v1/cached",
      [&](const http::Request& req, http::Context&) {
        ++tries;
        if (req.memory_only && !in_memory) throw http::NeedsWorker{};
        auto r = http::Response::text(200, req.memory_only ? "memory" : "pool");
        return r;
      },
      {.answer_from_memory = true});
  http::App app(std::move(router), api::build_middleware(true), nullptr, http::Context{}, &pool, {});
  auto run = [&] {
    std::promise<http::Response> answer;
    int answers = 0;
    http::Request req;
    req.method = Method::Get;
    req.path = "/api/v1/cached";
    app.dispatch(std::move(req), [&](http::Response r) {
      ++answers;
      answer.set_value(std::move(r));
    });
    auto r = answer.get_future().get();
    EXPECT_EQ(answers, 1);
    expect_security_headers(r);
    return std::string(r.body_view());
  };
  EXPECT_EQ(run(), "pool") << "not in memory: the pool answers";
  EXPECT_EQ(tries.load(), 2);
  in_memory = true;
  EXPECT_EQ(run(), "memory") << "in memory: answered on the calling thread";
  EXPECT_EQ(tries.load(), 3);
  pool.stop();
}

// Password checks run on their own pool: with every general worker busy, a sign-in still runs,
// and a burst of sign-ins cannot take the general workers from everyone else.
TEST(AppPipeline, HeavyCpuRoutesRunOnTheirOwnPool) {
  core::WorkerPool pool(1, 8);
  core::WorkerPool heavy(1, 8, 10);
  std::mutex gate;
  std::unique_lock hold(gate);
  http::Router router;
  router.add(Method::Get, "/api/v1/slow", [&gate](const http::Request&, http::Context&) {
    std::lock_guard wait(gate);
    return http::Response::no_content();
  });
  router.add(
      Method::Post, "/api/v1/hash", [](const http::Request&, http::Context&) { return http::Response::text(200, "hashed"); },
      {.heavy_cpu = true});
  http::App app(std::move(router), api::build_middleware(true), nullptr, http::Context{}, &pool, {.heavy_pool = &heavy});
  std::promise<int> slow;
  http::Request blocked;
  blocked.method = Method::Get;
  blocked.path = "/api/v1/slow";
  app.dispatch(std::move(blocked), [&](http::Response r) { slow.set_value(r.status); });

  std::promise<std::string> hashed;
  http::Request sign_in;
  sign_in.method = Method::Post;
  sign_in.path = "/api/v1/hash";
  app.dispatch(std::move(sign_in), [&](http::Response r) { hashed.set_value(std::string(r.body_view())); });
  auto answer = hashed.get_future();
  ASSERT_EQ(answer.wait_for(std::chrono::seconds(10)), std::future_status::ready) << "not stuck behind the general pool";
  EXPECT_EQ(answer.get(), "hashed");
  hold.unlock();
  EXPECT_EQ(slow.get_future().get(), 204);
  pool.stop();
  heavy.stop();
}

// Writes run on their own pool: with every write worker waiting (on a held database writer, say),
// reads are still answered, and the waiting write finishes once let go.
TEST(AppPipeline, WritesRunOnTheirOwnPoolSoReadsNeverWaitBehindThem) {
  core::WorkerPool pool(1, 8);
  core::WorkerPool writes(1, 8);
  std::mutex gate;
  std::unique_lock hold(gate);
  http::Router router;
  router.add(Method::Post, "/api/v1/write", [&gate](const http::Request&, http::Context&) {
    std::lock_guard wait(gate);
    return http::Response::no_content();
  });
  router.add(Method::Get, "/api/v1/read", [](const http::Request&, http::Context&) { return http::Response::text(200, "read"); });
  // No middleware: the write must reach its handler (the CSRF check would refuse it first).
  http::App app(std::move(router), {}, nullptr, http::Context{}, &pool, {.write_pool = &writes});
  auto send = [&app](Method method, const char* path, std::promise<http::Response>& answer) {
    http::Request r;
    r.method = method;
    r.path = path;
    app.dispatch(std::move(r), [&answer](http::Response resp) { answer.set_value(std::move(resp)); });
  };
  std::promise<http::Response> written, read;
  send(Method::Post, "/api/v1/write", written);
  send(Method::Get, "/api/v1/read", read);
  auto got = read.get_future();
  ASSERT_EQ(got.wait_for(std::chrono::seconds(10)), std::future_status::ready) << "the read waited behind the write";
  EXPECT_EQ(got.get().status, 200);
  hold.unlock();
  EXPECT_EQ(written.get_future().get().status, 204);
  pool.stop();
  writes.stop();
}
