#include "services/moderation_gate.hpp"

#include "services/office_hours.hpp"
#include "store/moderation_repo.hpp"
#include "store/post_repo.hpp"
#include "store/safety_policy_repo.hpp"

namespace harbour::services {
namespace {

// A network created after migration 0003 has no policy row: it gets the table's defaults.
constexpr std::string_view kDefaultMode = "first_posts";
constexpr std::int64_t kDefaultFirstPosts = 3;

constexpr std::string_view kHoldMessage =
    "Thank you. A moderator will read this before it appears. You can see it in the meantime, marked 'waiting for a "
    "moderator'.";
constexpr std::string_view kStoryMessage =
    "Thank you for sharing your story. A moderator will read it before it appears on the blog. You can see it in the "
    "meantime, marked 'waiting for a moderator'.";
constexpr std::string_view kRiskInHoursMessage =
    "Thank you for telling us. What you wrote sounds really hard, and you do not have to carry it alone. One of our "
    "clinical team has been asked to read it and will be in touch with you here soon. If you feel unable to keep "
    "yourself safe right now, please use one of the contacts below.";
constexpr std::string_view kRiskOutOfHoursMessage =
    "Thank you for telling us. What you wrote sounds really hard, and you do not have to carry it alone. Our team is "
    "not here right now: a clinician will read it as soon as we are back. If you feel unable to keep yourself safe, "
    "please use one of the contacts below now. They are there for you at any hour.";
constexpr std::string_view kAnonymityMessage =
    "Thank you. Your post seems to include details that could identify you or someone else, so a moderator will read "
    "it before it appears. You can still edit it: it is marked 'waiting for a moderator' in the meantime.";
constexpr std::string_view kOutOfHoursMessage =
    "Thank you. Our moderators are not here right now, so your post will appear once one of them has read it. You can "
    "see it in the meantime, marked 'waiting for a moderator'.";
constexpr std::string_view kResubmittedMessage =
    "Thank you for making changes. A moderator will read your post again before it appears. You can see it in the "
    "meantime, marked 'waiting for a moderator'.";
// Never names the word: a list of what is watched would only teach people to spell around it.
constexpr std::string_view kRefuseMessage =
    "Some of the wording here is not something we can publish in this community. Please could you rephrase it and "
    "try again? Nothing has been posted yet, and your text is still here.";

// The code point starting at `pos` and its length in bytes. Input is valid UTF-8 by the time it
// gets here (checked_text); a stray byte is read as itself, one byte long, so nothing loops.
std::pair<char32_t, std::size_t> code_point_at(std::string_view s, std::size_t pos) {
  const auto b0 = static_cast<unsigned char>(s[pos]);
  std::size_t len = b0 < 0x80 ? 1 : (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xe ? 3 : (b0 >> 3) == 0x1e ? 4 : 1;
  if (pos + len > s.size()) len = 1;
  if (len == 1) return {b0, 1};
  char32_t cp = b0 & (0x7f >> len);
  for (std::size_t i = 1; i < len; ++i) {
    const auto b = static_cast<unsigned char>(s[pos + i]);
    if ((b & 0xc0) != 0x80) return {b0, 1};
    cp = (cp << 6) | (b & 0x3f);
  }
  return {cp, len};
}

// The code point that ends just before `pos` (pos > 0).
char32_t code_point_before(std::string_view s, std::size_t pos) {
  std::size_t start = pos - 1;
  while (start > 0 && pos - start < 4 && (static_cast<unsigned char>(s[start]) & 0xc0) == 0x80) --start;
  const auto [cp, len] = code_point_at(s, start);
  return start + len == pos ? cp : static_cast<unsigned char>(s[pos - 1]);
}

bool is_space(char32_t cp) {
  return cp == ' ' || (cp >= '\t' && cp <= '\r') || cp == 0x85 || cp == 0xa0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 || cp == 0x2029 || cp == 0x202f || cp == 0x205f || cp == 0x3000;
}

// Letters and digits in any script count as word characters; white space, punctuation, symbols
// and emoji do not, so "kill's", "kill," "“kill”" and "kill🔪" all hold the word "kill".
bool is_word(char32_t cp) {
  if (cp < 0x80) return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || cp == '_';
  if (cp <= 0xbf) return cp == 0xaa || cp == 0xb5 || cp == 0xba;  // Latin-1 punctuation, but ª µ º
  if (cp == 0xd7 || cp == 0xf7) return false;                        // × ÷
  if (is_space(cp)) return false;
  if (cp >= 0x2000 && cp <= 0x2bff) return false;    // general punctuation .. arrows, symbols, dingbats
  if (cp >= 0x2e00 && cp <= 0x2e7f) return false;    // supplemental punctuation
  if (cp >= 0x3000 && cp <= 0x303f) return false;    // CJK punctuation
  if (cp >= 0xfe00 && cp <= 0xfe0f) return false;    // variation selectors (emoji presentation)
  if (cp >= 0xfe30 && cp <= 0xfe6f) return false;    // CJK compatibility and small forms
  if (cp >= 0xff00 && cp <= 0xff0f) return false;    // full-width punctuation
  if (cp >= 0x1f000 && cp <= 0x1faff) return false;  // emoji and pictographs
  return true;
}

std::string fold_ascii(std::string_view s) {
  std::string out(s);
  for (auto& ch : out) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  return out;
}

// The end of the run of white space starting at `pos` (pos itself when there is none).
std::size_t skip_space(std::string_view s, std::size_t pos) {
  while (pos < s.size()) {
    const auto [cp, len] = code_point_at(s, pos);
    if (!is_space(cp)) break;
    pos += len;
  }
  return pos;
}

std::vector<std::string> split_on_space(std::string_view s) {
  std::vector<std::string> words;
  std::size_t pos = skip_space(s, 0);
  while (pos < s.size()) {
    std::size_t end = pos;
    while (end < s.size()) {
      const auto [cp, len] = code_point_at(s, end);
      if (is_space(cp)) break;
      end += len;
    }
    words.emplace_back(s.substr(pos, end - pos));
    pos = skip_space(s, end);
  }
  return words;
}

// `words` are folded and non-empty; `text` is folded.
bool words_match(std::string_view text, const std::vector<std::string>& words) {
  if (words.empty()) return false;
  const std::string& first = words.front();
  const std::string& last = words.back();
  // The boundary test only means something where the phrase itself starts or ends with a word
  // character: a watched "!!!" has no word to be part of.
  const bool check_left = is_word(code_point_at(first, 0).first);
  const bool check_right = is_word(code_point_before(last, last.size()));
  for (auto pos = text.find(first); pos != std::string_view::npos; pos = text.find(first, pos + 1)) {
    if (check_left && pos > 0 && is_word(code_point_before(text, pos))) continue;
    std::size_t end = pos + first.size();
    bool whole = true;
    for (std::size_t i = 1; i < words.size() && whole; ++i) {
      const auto next = skip_space(text, end);
      whole = next > end && text.compare(next, words[i].size(), words[i]) == 0;
      end = next + words[i].size();
    }
    if (!whole) continue;
    if (check_right && end < text.size() && is_word(code_point_at(text, end).first)) continue;
    return true;
  }
  return false;
}

}  // namespace

std::string normalize_phrase(std::string_view raw) {
  std::string out;
  for (const auto& word : split_on_space(raw)) {
    if (!out.empty()) out.push_back(' ');
    out += word;
  }
  return out;
}

std::string phrase_key(std::string_view raw) { return fold_ascii(normalize_phrase(raw)); }

bool phrase_matches(std::string_view text, std::string_view phrase) {
  return words_match(fold_ascii(text), split_on_space(fold_ascii(phrase)));
}

GateDecision gate_decide(store::Connection& c, const GateInput& in) {
  GateDecision d;
  const auto office = office_status(c, in.network_id, in.now);
  // No hours set at all: there is no "out of hours" to apply (a new network, or tests).
  const bool hours_set = office.next_change.has_value();
  d.office_open = office.open || !hours_set;
  d.office_summary = office.summary;

  // 1. Risk first, for members: a post that may mean someone is at risk is never refused (they
  // would be told to rephrase and the signal lost); it is held, a case opens, they see help now.
  if (!in.author_is_staff) {
    if (auto risk = match_risk(c, in.network_id, in.title, in.body)) {
      d.outcome = GateDecision::Outcome::Hold;
      d.reasons.emplace_back("risk");
      d.risk = std::move(risk);
      d.message = std::string(d.office_open ? kRiskInHoursMessage : kRiskOutOfHoursMessage);
      return d;
    }
  }

  // Title and body are searched apart, so a phrase cannot straddle the two.
  const auto title = fold_ascii(in.title);
  const auto body = fold_ascii(in.body);
  std::optional<std::string> held_by;
  std::optional<std::string> flagged_by;
  for (const auto& w : store::list_watched_words(c, in.network_id)) {
    const bool refuse = w.action == "refuse";
    if (!refuse && held_by) continue;  // the first hold is enough; keep looking for a refusal
    const auto words = split_on_space(fold_ascii(w.phrase));
    if (!words_match(title, words) && !words_match(body, words)) continue;
    if (refuse) {
      d.outcome = GateDecision::Outcome::Refuse;
      d.matched = w.phrase;
      d.message = std::string(kRefuseMessage);
      return d;
    }
    if (w.action == "flag") {
      if (!flagged_by) flagged_by = w.phrase;
    } else {
      held_by = w.phrase;
    }
  }

  if (in.author_is_staff) return d;

  std::string_view message = kHoldMessage;
  if (in.kind == "blog_post") {
    d.reasons.emplace_back("story");
    message = kStoryMessage;
  } else if (in.resubmission) {
    d.reasons.emplace_back("resubmitted");
    message = kResubmittedMessage;
  } else {
    const auto policy = store::find_moderation_policy(c, in.network_id);
    const std::string mode = policy ? policy->mode : std::string(kDefaultMode);
    const std::int64_t first_posts = policy ? policy->first_posts : kDefaultFirstPosts;
    const bool hold_out_of_hours = store::find_safety_policy(c, in.network_id).out_of_hours == "hold_all";
    if (mode == "pre_moderate_all") {
      d.reasons.emplace_back("pre_moderation");
    } else if (mode == "first_posts" && first_posts > 0 &&
               store::count_published_by(c, in.author_id, in.network_id, first_posts) < first_posts) {
      d.reasons.emplace_back("new_member");
    }
    if (!d.office_open && hold_out_of_hours) {
      d.reasons.emplace_back("out_of_hours");
      if (d.reasons.size() == 1) message = kOutOfHoursMessage;
    }
  }
  d.identifying = find_identifying_details(std::string(in.title) + "\n" + std::string(in.body));
  if (!d.identifying.empty()) {
    d.reasons.emplace_back("anonymity");
    if (d.reasons.size() == 1) message = kAnonymityMessage;
  }
  if (held_by) {
    d.reasons.emplace_back("watched_word");
    d.matched = std::move(held_by);
  }
  if (d.reasons.empty()) {
    if (flagged_by) {
      d.flagged = true;
      d.matched = std::move(flagged_by);
    }
    return d;
  }
  // An edit of something already published tells the moderator to compare with the history.
  if (in.is_edit && !in.resubmission) d.reasons.emplace_back("edit");
  d.outcome = GateDecision::Outcome::Hold;
  d.message = std::string(message);
  return d;
}

}  // namespace harbour::services
