#include "ws_fanout_frames.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace harbour_bench {
namespace {

using json = nlohmann::json;

void append_letters(std::string& out, std::uint64_t v) {
  const std::string digits = std::to_string(v);
  for (char d : digits) out.push_back(static_cast<char>('a' + (d - '0')));
}

bool read_letters(std::string_view s, std::size_t& pos, std::uint64_t& out) {
  out = 0;
  const auto start = pos;
  while (pos < s.size() && s[pos] >= 'a' && s[pos] <= 'j') out = out * 10 + static_cast<std::uint64_t>(s[pos++] - 'a');
  if (pos == start || pos >= s.size() || s[pos] != 'z' || pos - start > 19) return false;
  ++pos;
  return true;
}

// "2026-11-24T04:01:18.123Z", as Harbour writes created_at / published_at (core::format_utc_ms).
std::string utc_ms_now() {
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char buf[96];  // wide enough for any int fields (g++ -Wformat-truncation)
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 16);
  for (char ch : s) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out.push_back(ch);
    }
  }
  return out;
}

// Harbour's excerpt (services/post_json.cpp excerpt_of, for ASCII text): Markdown punctuation
// dropped, white space folded, cut at 200 characters with "…" once it reaches them.
std::string excerpt_of(std::string_view body) {
  constexpr std::size_t kMax = 200;
  std::string out;
  bool space = false;
  std::size_t chars = 0;
  for (std::size_t i = 0; i < body.size() && chars < kMax; ++i) {
    const char ch = body[i];
    if (ch == '*' || ch == '_' || ch == '#' || ch == '>' || ch == '`' || ch == '[' || ch == ']') continue;
    if (ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) {
      out.push_back(' ');
      ++chars;
      space = false;
    }
    out.push_back(ch);
    ++chars;
  }
  if (chars >= kMax) out += "\xE2\x80\xA6";  // "…"
  return out;
}

}  // namespace

std::string letters_name(std::size_t i) {
  std::string s;
  ++i;
  while (i > 0) {
    --i;
    s.insert(s.begin(), static_cast<char>('A' + i % 26));
    i /= 26;
  }
  return s;
}

std::string make_body(std::uint64_t seq, std::int64_t send_us, std::size_t chars) {
  std::string body = "Fan-out check wsbq";
  append_letters(body, seq);
  body.push_back('z');
  append_letters(body, static_cast<std::uint64_t>(send_us));
  body += "z. ";
  static const std::string kFill =
      "Thank you all for being here today, it really helps to read how everyone is getting on this week. ";
  while (body.size() < chars) body += kFill.substr(0, std::min(kFill.size(), chars - body.size()));
  while (!body.empty() && body.back() == ' ') body.pop_back();
  return body;
}

bool parse_marker(std::string_view text, std::uint64_t& seq, std::int64_t& sent_us) {
  const auto m = text.find("wsbq");
  if (m == std::string_view::npos) return false;
  std::size_t pos = m + 4;
  std::uint64_t ts = 0;
  if (!read_letters(text, pos, seq) || !read_letters(text, pos, ts)) return false;
  sent_us = static_cast<std::int64_t>(ts);
  return true;
}

std::string type_of(std::string_view text) {
  const auto t = text.find("\"type\":\"");
  if (t == std::string_view::npos) return "?";
  const auto start = t + 8;
  const auto end = text.find('"', start);
  return std::string(text.substr(start, end == std::string_view::npos ? 0 : end - start));
}

std::string mimic_wall_frame(std::uint64_t seq, std::int64_t send_us, std::size_t chars, std::size_t author,
                             const std::string& network) {
  const std::string body = make_body(seq, send_us, chars);
  const std::string at = utc_ms_now();
  // Ids of the widths a fresh Harbour gives them: the members are users 1.., posts and events
  // count up from 1.
  const auto id = static_cast<std::int64_t>(seq + 1);
  json a = json::object();
  a["badge"] = nullptr;
  a["id"] = static_cast<std::int64_t>(author + 1);
  a["muted"] = false;
  a["pseudonym"] = "Fanout Reader " + letters_name(author);
  json m = json::object();
  m["author"] = std::move(a);
  m["body"] = body;
  m["body_html"] = "<p>" + html_escape(body) + "</p>\n";
  m["can_delete"] = false;
  m["can_edit"] = false;
  m["can_react"] = false;
  m["collapsed"] = false;
  m["content_notes"] = json::array();
  m["created_at"] = at;
  m["edited_at"] = nullptr;
  m["excerpt"] = excerpt_of(body);
  m["id"] = id;
  m["kind"] = "wall_message";
  m["my_reactions"] = json::array();
  m["network"] = network;
  m["published_at"] = at;
  m["reactions"] = json{{"me_too", 0}, {"support", 0}, {"thank_you", 0}};  // today's counts, every kind
  m["state"] = "published";
  m["state_reason"] = nullptr;
  m["title"] = nullptr;
  json ev = json::object();
  ev["event_id"] = id;
  ev["message"] = std::move(m);
  ev["network"] = network;
  ev["type"] = "wall_message";
  return ev.dump();
}

}  // namespace harbour_bench
