#pragma once
// Members silenced for a time in a network: they read, but cannot post, until the time is up.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace harbour::store {

class Connection;

// The end of the member's silence in this network if one is in force at `now`.
std::optional<std::string> active_silence_until(Connection& c, std::int64_t network_id, std::int64_t user_id,
                                                std::string_view now);

}  // namespace harbour::store
