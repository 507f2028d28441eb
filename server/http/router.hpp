#pragma once
// Routes "METHOD /path/{param}/..." to handlers. A path that exists under another method answers
// 405 with Allow; HEAD is served by the GET route. Routes are matched segment by segment.
#include "http/context.hpp"
#include "http/request.hpp"
#include "http/response.hpp"

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace harbour::http {

using Handler = std::function<Response(const Request&, Context&)>;

struct RouteOptions {
  std::size_t max_body = 0;  // 0: the server-wide limit (limits.body_bytes)
  // Cheap, never blocking (no SQLite, no hashing): may run on the I/O thread, skipping the pool.
  bool inline_safe = false;
  // Tried first on the I/O thread with Request::memory_only (a cached answer costs no hand-off
  // to the pool); rerun on the pool when it throws NeedsWorker. GET routes only: the first try
  // must change nothing.
  bool answer_from_memory = false;
  // Long CPU work (argon2id password checks, tens of ms each): runs on the App's small
  // low-priority pool, so a burst of sign-ins never holds the general workers or starves the
  // I/O thread; when that pool's queue is full the answer is 503 at once.
  bool heavy_cpu = false;
};

// Thrown (only with Request::memory_only) where an answer would need the database. Deliberately
// not a std::exception, so no error mapper turns it into a response.
struct NeedsWorker {};

struct Route {
  Method method;
  std::string pattern;
  std::vector<std::string> segments;  // "{name}" marks a parameter
  Handler handler;
  RouteOptions options;
};

struct RouteMatch {
  const Route* route = nullptr;                 // set when method and path match
  std::map<std::string, std::string, std::less<>> params;
  std::vector<Method> allowed;                  // methods of routes whose path matched
};

class Router {
 public:
  // Throws std::invalid_argument on a malformed pattern or a duplicate route.
  void add(Method method, std::string_view pattern, Handler handler, RouteOptions options = {});
  RouteMatch match(Method method, std::string_view path) const;
  const std::vector<Route>& routes() const noexcept { return routes_; }

 private:
  std::vector<Route> routes_;
};

// "GET, HEAD, POST" for an Allow header.
std::string allow_header(const std::vector<Method>& methods);

}  // namespace harbour::http
