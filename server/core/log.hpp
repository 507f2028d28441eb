#pragma once
// Structured logging: one JSON object per line on stderr (systemd's journal keeps it), with an
// "event" name and fields. Never log tokens, passwords or post bodies (DESIGN.md §9).
#include <nlohmann/json_fwd.hpp>

#include <string_view>

namespace harbour::core::log {

enum class Level { Debug, Info, Warn, Error };

// Parses "debug" | "info" | "warn" | "error"; throws std::invalid_argument otherwise.
Level parse_level(std::string_view name);
void set_level(Level level);
bool enabled(Level level);

// Writes {"ts":..., "level":..., "event": event, ...fields} as one line.
void write(Level level, std::string_view event, const nlohmann::json& fields);
void info(std::string_view event, const nlohmann::json& fields);
void warn(std::string_view event, const nlohmann::json& fields);
void error(std::string_view event, const nlohmann::json& fields);

// Makes sure every line written so far has reached stderr (at exit).
void flush();

}  // namespace harbour::core::log
