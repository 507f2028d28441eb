#pragma once
// What services record about where a request came from, without knowing HTTP: the client IP
// (already resolved through a trusted proxy) and the time.
#include <chrono>
#include <string>

namespace harbour::services {

struct RequestMeta {
  std::string ip;
  std::chrono::system_clock::time_point now;
};

}  // namespace harbour::services
