#include "core/log.hpp"

#include "core/clock.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <stdexcept>

namespace harbour::core::log {
namespace {

std::atomic<Level> g_level{Level::Info};

// spdlog's thread-safe stderr sink, written synchronously, one write(2) per line. An async
// logger was measured here too (BENCHMARKS.md): its queue hand-off to a second thread cost more
// per request on one core (29 us vs 23 us per /healthz at log level info) than the write itself.
// The pattern is only the message because the message is already the whole JSON line.
spdlog::logger& sink() {
  static auto logger = [] {
    auto l = spdlog::stderr_logger_mt("harbour");
    l->set_pattern("%v");
    l->set_level(spdlog::level::trace);
    l->flush_on(spdlog::level::trace);
    return l;
  }();
  return *logger;
}

const char* level_name(Level level) {
  switch (level) {
    case Level::Debug: return "debug";
    case Level::Info: return "info";
    case Level::Warn: return "warn";
    case Level::Error: return "error";
  }
  return "info";
}

}  // namespace

Level parse_level(std::string_view name) {
  if (name == "debug") return Level::Debug;
  if (name == "info") return Level::Info;
  if (name == "warn") return Level::Warn;
  if (name == "error") return Level::Error;
  throw std::invalid_argument("expected one of debug, info, warn, error");
}

void set_level(Level level) { g_level.store(level, std::memory_order_relaxed); }

bool enabled(Level level) { return level >= g_level.load(std::memory_order_relaxed); }

void write(Level level, std::string_view event, const nlohmann::json& fields) {
  if (!enabled(level)) return;
  nlohmann::json line = nlohmann::json::object();
  line["ts"] = format_utc(std::chrono::system_clock::now());
  line["level"] = level_name(level);
  line["event"] = event;
  if (fields.is_object()) {
    for (auto it = fields.begin(); it != fields.end(); ++it) line[it.key()] = it.value();
  }
  // `replace` keeps a line with invalid UTF-8 from throwing; logs must never take a request down.
  const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  // Passed as a plain message, never as a format string: the JSON holds braces.
  sink().log(spdlog::level::info, spdlog::string_view_t(text.data(), text.size()));
}

void info(std::string_view event, const nlohmann::json& fields) { write(Level::Info, event, fields); }
void warn(std::string_view event, const nlohmann::json& fields) { write(Level::Warn, event, fields); }
void error(std::string_view event, const nlohmann::json& fields) { write(Level::Error, event, fields); }

void flush() { sink().flush(); }

}  // namespace harbour::core::log
