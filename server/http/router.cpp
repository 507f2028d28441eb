#include "http/router.hpp"

#include <algorithm>
#include <stdexcept>

namespace harbour::http {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t pos = 1;  // skip the leading '/'
  while (pos <= path.size()) {
    const auto slash = path.find('/', pos);
    const auto end = slash == std::string_view::npos ? path.size() : slash;
    parts.push_back(path.substr(pos, end - pos));
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  return parts;
}

bool is_param(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

void Router::add(Method method, std::string_view pattern, Handler handler, RouteOptions options) {
  if (pattern.empty() || pattern.front() != '/') throw std::invalid_argument("route pattern must start with /");
  Route route{method, std::string(pattern), {}, std::move(handler), options};
  for (auto seg : split_path(pattern)) route.segments.emplace_back(seg);
  for (const auto& r : routes_) {
    if (r.method == method && r.segments == route.segments) {
      throw std::invalid_argument("duplicate route " + std::string(method_name(method)) + " " + route.pattern);
    }
  }
  routes_.push_back(std::move(route));
}

RouteMatch Router::match(Method method, std::string_view path) const {
  RouteMatch result;
  if (path.empty() || path.front() != '/') return result;
  const auto parts = split_path(path);
  const Method wanted = method == Method::Head ? Method::Get : method;
  for (const auto& route : routes_) {
    if (route.segments.size() != parts.size()) continue;
    std::map<std::string, std::string, std::less<>> params;
    bool ok = true;
    for (std::size_t i = 0; i < parts.size() && ok; ++i) {
      const auto& seg = route.segments[i];
      if (is_param(seg)) {
        if (parts[i].empty()) ok = false;
        else params.emplace(seg.substr(1, seg.size() - 2), std::string(parts[i]));
      } else {
        ok = seg == parts[i];
      }
    }
    if (!ok) continue;
    if (std::find(result.allowed.begin(), result.allowed.end(), route.method) == result.allowed.end()) {
      result.allowed.push_back(route.method);
      if (route.method == Method::Get) result.allowed.push_back(Method::Head);
    }
    if (route.method == wanted && !result.route) {
      result.route = &route;
      result.params = std::move(params);
    }
  }
  return result;
}

std::string allow_header(const std::vector<Method>& methods) {
  std::string out;
  for (auto m : methods) {
    if (!out.empty()) out += ", ";
    out += method_name(m);
  }
  return out;
}

}  // namespace harbour::http
