// Message bodies and frames of the WebSocket fan-out tool (tests/bench/ws_fanout.cpp).
//
// Every body carries a marker, "wsbq" + sequence number + "z" + CLOCK_MONOTONIC send time (µs) +
// "z", with the digits written as the letters a-j (no digits that look like a phone number to the
// anonymity guard). Harbour echoes the body inside its `wall_message` event; a reference peer is
// sent a look-alike of that event (mimic_wall_frame). Either way the receiver finds the marker in
// the frame text with parse_marker, so both targets share the same receive and timing code.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace harbour_bench {

// 0 -> A, 25 -> Z, 26 -> AA (names with digits may look alike).
std::string letters_name(std::size_t i);

// A Wall message body of about `chars` characters carrying the marker for (seq, send_us).
std::string make_body(std::uint64_t seq, std::int64_t send_us, std::size_t chars);

// Finds the first marker in a frame (or body); false when there is none.
bool parse_marker(std::string_view text, std::uint64_t& seq, std::int64_t& sent_us);

// The "type" of a JSON frame ("?" when there is none); cheap, no parse.
std::string type_of(std::string_view text);

// A frame with the JSON shape of the `wall_message` event Harbour sends to every socket on the
// Wall (services/wall_service.cpp wall_event_json + services/post_json.cpp, keys in the order
// nlohmann::json writes them) for the body make_body(seq, send_us, chars), posted by member
// `author` ("Fanout Reader A", ...) on `network`. About the same byte size as Harbour's frame for
// the same body: the same fields, ids and timestamps of the same widths, the body three times
// (body, body_html, excerpt).
std::string mimic_wall_frame(std::uint64_t seq, std::int64_t send_us, std::size_t chars, std::size_t author,
                             const std::string& network);

}  // namespace harbour_bench
