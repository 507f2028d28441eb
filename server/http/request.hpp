#pragma once
// Harbour's own request type: what handlers see. The net layer fills it from Beast; nothing here
// knows about sockets, so handlers and middleware are tested with plain values.
#include "http/headers.hpp"

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace harbour::http {

enum class Method { Get, Head, Post, Put, Patch, Delete, Options, Other };

Method parse_method(std::string_view name) noexcept;
std::string_view method_name(Method method) noexcept;

struct Request {
  Method method = Method::Get;
  std::string method_text;  // as sent (for Other and for logs)
  std::string target;       // origin-form as sent: path and query
  std::string path;         // percent-decoded path, without the query
  std::string query;        // raw query string, without '?'
  Headers headers;
  std::string body;
  std::string remote_ip;
  bool secure = false;      // arrived over TLS (or a trusted proxy said so)
  std::string request_id;   // set by middleware
  std::map<std::string, std::string, std::less<>> params;  // path parameters, set by the router
  std::chrono::steady_clock::time_point received_at{};
  // Set by App::dispatch when the handler runs on the I/O thread: middleware must not block then.
  bool on_io_thread = false;
  // On the I/O thread for a route with RouteOptions::answer_from_memory: answer only from what
  // is in memory (the session and answer caches); whatever would read the database throws
  // http::NeedsWorker instead, and the App runs the request again on the worker pool.
  bool memory_only = false;

  // First value of a query parameter, percent-decoded; nullopt when absent or badly encoded.
  std::optional<std::string> query_param(std::string_view name) const;
  std::string_view param(std::string_view name) const;
};

// Splits an origin-form target into decoded path and raw query. False for anything that is not
// origin-form ("/..."), has bad percent-encoding, or decodes to NUL.
bool split_target(std::string_view target, std::string& path, std::string& query);

// Percent-decodes; '+' stays '+' unless `plus_is_space`. nullopt on bad encoding or NUL.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

}  // namespace harbour::http
