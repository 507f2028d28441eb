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

// Silences the member until `until` (replacing any earlier silence in the network).
void upsert_silence(Connection& c, std::int64_t network_id, std::int64_t user_id, std::string_view until,
                    std::string_view reason, std::int64_t created_by, std::string_view now);
// Lifts the member's silence; false when none was in force at `now` (an expired row is dropped).
bool delete_silence(Connection& c, std::int64_t network_id, std::int64_t user_id, std::string_view now);

}  // namespace harbour::store
