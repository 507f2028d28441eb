#include "services/anonymity_guard.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <unordered_set>

// The rules, each written to stay quiet on ordinary writing (times, dates, money, years, book
// titles) at the cost of missing some odd spellings: a false alarm on every other post would
// teach people to ignore the warning.
//
//  email     local@domain.tld, the top-level domain 2+ letters.
//  phone     UK numbers: 07 mobiles and 01/02/03 numbers of 11 digits (01 also 10), written
//            with spaces, dashes or dots between groups, a first group of 3+ digits, or as
//            +44 / 0044 with an optional (0); other +country numbers of 10-15 digits. Never:
//            999, 112, 111, 116 123, 116 111, 85258 (too short anyway), 0800/0808 freephone and
//            09 numbers (services, not people), and the 03 helplines listed in kHelplines.
//  postcode  a full UK postcode (outward + inward: SW1A 1AA, M1 1AE, B33 8TH, or without the
//            space), letters in the positions the Royal Mail allows, all upper or all lower
//            case. "5PM" or "6am" can never be an inward code (no M in it, no letter first).
//  handle    a profile address on a social site (instagram.com/name, tiktok.com/@name ...);
//            "@name" (3-30 letters, digits, '_' or '.') at the start of a word when it holds a
//            digit, '_' or '.', or when a platform is named within 60 characters (insta,
//            snapchat, tiktok ...); "insta: name_92" style (platform, ':' or "is", a name with
//            a digit, '_' or '.'). A bare "@Sam" is an @mention of someone's pseudonym here.
//  full_name "my name is", "my name's", "I'm", "I am" or "called" followed by two capitalised
//            words, neither of them a common word (so "I'm Not Okay" and "a book called
//            Reasons To Stay Alive" pass).
//  address   a house number (1-4 digits, optional letter) and one or two capitalised words,
//            then a street word (Street, Road, Avenue, Lane, Close, Drive, Way, Crescent,
//            Place ...), also capitalised.

namespace harbour::services {
namespace {

constexpr std::size_t kMaxDetails = 50;
constexpr std::size_t kMaxExcerpt = 120;
constexpr std::size_t kPlatformWindow = 60;

struct Found {
  std::size_t begin;
  std::size_t end;
  const char* kind;
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_alpha(char c) { return is_upper(c) || is_lower(c); }
bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }
char lower(char c) { return is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c; }
char upper(char c) { return is_lower(c) ? static_cast<char>(c - 'a' + 'A') : c; }

// Word boundaries for these ASCII patterns: any non-ASCII byte (curly quotes, letters of other
// scripts) counts as a boundary, which at worst lets "é07700 900123" through.
bool word_before(std::string_view s, std::size_t pos) { return pos > 0 && (is_alnum(s[pos - 1]) || s[pos - 1] == '_'); }
bool word_at(std::string_view s, std::size_t pos) { return pos < s.size() && (is_alnum(s[pos]) || s[pos] == '_'); }

std::string lowered(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = lower(c);
  return out;
}

// ---- email ------------------------------------------------------------------------------------
bool local_char(char c) { return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'; }
bool domain_char(char c) { return is_alnum(c) || c == '.' || c == '-'; }

bool valid_domain(std::string_view d) {
  if (d.find('.') == std::string_view::npos || d.find("..") != std::string_view::npos) return false;
  std::size_t label_start = 0;
  for (std::size_t i = 0; i <= d.size(); ++i) {
    if (i < d.size() && d[i] != '.') continue;
    const auto label = d.substr(label_start, i - label_start);
    if (label.empty() || label.front() == '-' || label.back() == '-') return false;
    label_start = i + 1;
  }
  const auto tld = d.substr(d.rfind('.') + 1);
  return tld.size() >= 2 && std::all_of(tld.begin(), tld.end(), is_alpha);
}

void find_emails(std::string_view s, std::vector<Found>& out) {
  for (auto at = s.find('@'); at != std::string_view::npos; at = s.find('@', at + 1)) {
    std::size_t b = at;
    while (b > 0 && local_char(s[b - 1])) --b;
    while (b < at && s[b] == '.') ++b;
    std::size_t e = at + 1;
    while (e < s.size() && domain_char(s[e])) ++e;
    while (e > at + 1 && (s[e - 1] == '.' || s[e - 1] == '-')) --e;
    if (b == at || !valid_domain(s.substr(at + 1, e - at - 1))) continue;
    out.push_back({b, e, "email"});
  }
}

// ---- social profiles --------------------------------------------------------------------------
struct Site {
  std::string_view prefix;  // lowercase, ends where the profile name starts
  std::array<std::string_view, 10> not_profiles;
};

constexpr Site kSites[] = {
    {"facebook.com/", {"groups", "events", "help", "watch", "share", "hashtag", "policies", "privacy", "pages", "login"}},
    {"fb.com/", {"groups", "events", "help", "watch", "share", "hashtag", "", "", "", ""}},
    {"instagram.com/", {"p", "reel", "reels", "explore", "accounts", "about", "", "", "", ""}},
    {"tiktok.com/@", {}},
    {"twitter.com/", {"home", "search", "hashtag", "i", "intent", "share", "explore", "settings", "", ""}},
    {"x.com/", {"home", "search", "hashtag", "i", "intent", "share", "explore", "settings", "", ""}},
    {"snapchat.com/add/", {}},
    {"linkedin.com/in/", {}},
    {"youtube.com/@", {}},
    {"threads.net/@", {}},
    {"reddit.com/u/", {}},
    {"reddit.com/user/", {}},
};

bool url_char(char c) {
  return is_alnum(c) || c == '.' || c == '_' || c == '-' || c == '/' || c == '@' || c == '~' || c == '?' ||
         c == '=' || c == '&' || c == '%';
}
bool name_char(char c) { return is_alnum(c) || c == '.' || c == '_' || c == '-'; }

void find_profiles(std::string_view s, std::string_view low, std::vector<Found>& out) {
  for (const auto& site : kSites) {
    for (auto pos = low.find(site.prefix); pos != std::string_view::npos; pos = low.find(site.prefix, pos + 1)) {
      // "fax.com/" is not x.com: the domain must start the word or follow "www." or "//".
      if (pos > 0 && (is_alnum(s[pos - 1]) || s[pos - 1] == '-' || s[pos - 1] == '_')) continue;
      const auto name_start = pos + site.prefix.size();
      auto name_end = name_start;
      while (name_end < s.size() && name_char(s[name_end])) ++name_end;
      const auto name = low.substr(name_start, name_end - name_start);
      if (name.size() < 2) continue;
      if (std::find(site.not_profiles.begin(), site.not_profiles.end(), name) != site.not_profiles.end()) continue;
      auto b = pos;
      while (b > 0 && (is_alnum(s[b - 1]) || s[b - 1] == '.' || s[b - 1] == '/' || s[b - 1] == ':')) --b;
      auto e = name_end;
      while (e < s.size() && url_char(s[e])) ++e;
      while (e > name_end && (s[e - 1] == '.' || s[e - 1] == '?')) --e;
      out.push_back({b, e, "handle"});
    }
  }
}

// ---- handles ----------------------------------------------------------------------------------
constexpr std::string_view kPlatforms[] = {"instagram", "insta", "ig", "twitter", "tiktok", "snapchat", "snap",
                                           "facebook", "fb", "threads", "youtube", "discord", "reddit",
                                           "telegram", "bluesky", "kik", "whatsapp"};

// Where `word` occurs in low[from, to) as a whole word, or npos.
std::size_t find_word(std::string_view low, std::string_view word, std::size_t from, std::size_t to) {
  // Searching only [from, to) keeps a window check from scanning the rest of a long post.
  const auto window = low.substr(0, to);
  for (auto p = window.find(word, from); p != std::string_view::npos; p = window.find(word, p + 1)) {
    if (!word_before(low, p) && !word_at(low, p + word.size())) return p;
  }
  return std::string_view::npos;
}

bool platform_near(std::string_view low, std::size_t begin, std::size_t end) {
  const auto from = begin > kPlatformWindow ? begin - kPlatformWindow : 0;
  const auto to = std::min(low.size(), end + kPlatformWindow);
  return std::any_of(std::begin(kPlatforms), std::end(kPlatforms),
                     [&](std::string_view p) { return find_word(low, p, from, to) != std::string_view::npos; });
}

bool looks_made_up(std::string_view name) {
  return std::any_of(name.begin(), name.end(), [](char c) { return is_digit(c) || c == '_' || c == '.'; });
}

// The handle-like name starting at `pos`: letters, digits, '_' and inner '.'; its end.
std::size_t handle_end(std::string_view s, std::size_t pos) {
  auto e = pos;
  while (e < s.size() && (is_alnum(s[e]) || s[e] == '_' || s[e] == '.')) ++e;
  while (e > pos && s[e - 1] == '.') --e;
  return e;
}

bool plausible_handle(std::string_view name) {
  return name.size() >= 3 && name.size() <= 30 && std::any_of(name.begin(), name.end(), is_alpha);
}

void find_handles(std::string_view s, std::string_view low, std::vector<Found>& out) {
  for (auto at = s.find('@'); at != std::string_view::npos; at = s.find('@', at + 1)) {
    if (word_before(s, at)) continue;  // an email address
    const auto e = handle_end(s, at + 1);
    const auto name = s.substr(at + 1, e - at - 1);
    if (!plausible_handle(name) || word_at(s, e)) continue;
    if (looks_made_up(name) || platform_near(low, at, e)) out.push_back({at, e, "handle"});
  }
  // "insta: sam_92", "my snapchat is sam.b.1"
  for (const auto platform : kPlatforms) {
    for (auto p = find_word(low, platform, 0, low.size()); p != std::string_view::npos;
         p = find_word(low, platform, p + 1, low.size())) {
      auto q = p + platform.size();
      while (q < s.size() && s[q] == ' ') ++q;
      if (q < s.size() && s[q] == ':') {
        ++q;
      } else if (low.compare(q, 3, "is ") == 0) {
        q += 3;
      } else {
        continue;
      }
      while (q < s.size() && s[q] == ' ') ++q;
      if (q < s.size() && s[q] == '@') continue;  // the '@' rule above has it
      const auto e = handle_end(s, q);
      const auto name = s.substr(q, e - q);
      if (plausible_handle(name) && looks_made_up(name) && !word_at(s, e)) out.push_back({q, e, "handle"});
    }
  }
}

// ---- phone numbers ----------------------------------------------------------------------------
// Helplines people share with each other: never flagged (national form, digits only).
constexpr std::string_view kHelplines[] = {"03001233393", "03003047000", "03001020505", "03000020070"};

bool uk_shape(std::string_view national) {
  if (national.size() < 10 || national.front() != '0') return false;
  if (std::find(std::begin(kHelplines), std::end(kHelplines), national) != std::end(kHelplines)) return false;
  const char area = national[1];
  if (national.size() == 11) return area == '1' || area == '2' || area == '3' || area == '7';
  return national.size() == 10 && area == '1';
}

void find_phones(std::string_view s, std::vector<Found>& out) {
  std::size_t i = 0;
  while (i < s.size()) {
    const bool plus = s[i] == '+' && i + 1 < s.size() && is_digit(s[i + 1]);
    const bool paren = s[i] == '(' && i + 1 < s.size() && is_digit(s[i + 1]);  // "(01632) 960 123"
    if ((!is_digit(s[i]) && !plus && !paren) || word_before(s, i) ||
        (i > 0 && (s[i - 1] == '+' || s[i - 1] == '.'))) {
      ++i;
      continue;
    }
    std::string digits;
    std::size_t first_group = 0;  // digits in the first group (after any country code)
    std::size_t groups = 0;
    std::size_t j = plus ? i + 1 : i;
    bool open_paren = false;
    while (j < s.size()) {
      if (is_digit(s[j])) {
        const auto start = j;
        while (j < s.size() && is_digit(s[j])) digits.push_back(s[j++]);
        ++groups;
        if (groups == 1 || (groups == 2 && plus)) first_group = j - start;
      } else if (s.compare(j, 3, "(0)") == 0 && !digits.empty()) {
        j += 3;
      } else if (s[j] == '(' && !open_paren && j + 1 < s.size() && is_digit(s[j + 1])) {
        open_paren = true;
        ++j;
      } else if (s[j] == ')' && open_paren) {
        open_paren = false;
        ++j;
      } else if ((s[j] == ' ' || s[j] == '-' || s[j] == '.') && j + 1 < s.size() &&
                 (is_digit(s[j + 1]) || s[j + 1] == '(')) {
        ++j;
      } else {
        break;
      }
    }
    auto end = j;
    while (end > i && !is_digit(s[end - 1]) && s[end - 1] != ')') --end;
    const bool bounded = !word_at(s, end);
    bool phone = false;
    if (bounded) {
      const bool intl = plus || digits.starts_with("00");
      if (intl) {
        const auto rest = plus ? std::string_view(digits) : std::string_view(digits).substr(2);
        if (rest.starts_with("44")) {
          phone = uk_shape("0" + std::string(rest.substr(2)));
        } else {
          phone = rest.size() >= 10 && rest.size() <= 15;
        }
      } else {
        phone = (groups == 1 || first_group >= 3) && uk_shape(digits);
      }
    }
    if (phone) out.push_back({i, end, "phone"});
    i = std::max(j, i + 1);
  }
}

// ---- postcodes --------------------------------------------------------------------------------
bool valid_outward(std::string_view o) {  // upper case
  auto letter = [](char c) { return is_upper(c); };
  const auto n = o.size();
  if (n < 2 || n > 4 || !letter(o[0])) return false;
  if (std::string_view("QVX").find(o[0]) != std::string_view::npos) return false;
  const bool two_letters = letter(o[1]);
  if (two_letters && std::string_view("IJZ").find(o[1]) != std::string_view::npos) return false;
  const std::size_t d = two_letters ? 2 : 1;  // where the district digit is
  if (d >= n || !is_digit(o[d])) return false;
  if (d + 1 == n) return true;                    // A9, AA9
  if (d + 2 != n) return false;
  if (is_digit(o[d + 1])) return true;            // A99, AA99
  return two_letters ? std::string_view("ABEHMNPRVWXY").find(o[d + 1]) != std::string_view::npos   // AA9A
                     : std::string_view("ABCDEFGHJKPSTUW").find(o[d + 1]) != std::string_view::npos;  // A9A
}

bool valid_inward(std::string_view i) {  // upper case
  constexpr std::string_view kNever = "CIKMOV";
  return i.size() == 3 && is_digit(i[0]) && is_upper(i[1]) && is_upper(i[2]) &&
         kNever.find(i[1]) == std::string_view::npos && kNever.find(i[2]) == std::string_view::npos;
}

bool one_case(std::string_view s) {
  const bool any_upper = std::any_of(s.begin(), s.end(), is_upper);
  const bool any_lower = std::any_of(s.begin(), s.end(), is_lower);
  return !(any_upper && any_lower);
}

std::string uppered(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = upper(c);
  return out;
}

void find_postcodes(std::string_view s, std::vector<Found>& out) {
  std::size_t i = 0;
  while (i < s.size()) {
    if (!is_alpha(s[i]) || word_before(s, i)) {
      ++i;
      continue;
    }
    auto e = i;
    while (e < s.size() && is_alnum(s[e])) ++e;
    const auto token = s.substr(i, e - i);
    bool found = false;
    if (!word_at(s, e) && one_case(token)) {
      const auto up = uppered(token);
      if (up == "GIR0AA" ||
          (up.size() >= 5 && up.size() <= 7 && valid_outward(up.substr(0, up.size() - 3)) &&
           valid_inward(up.substr(up.size() - 3)))) {
        found = !word_at(s, e);
      } else if (valid_outward(up) || up == "GIR") {
        if (e + 4 <= s.size() && s[e] == ' ' && !word_at(s, e + 4)) {
          const auto in = s.substr(e + 1, 3);
          if (one_case(std::string(token) + std::string(in)) && valid_inward(uppered(in))) {
            e += 4;
            found = true;
          }
        }
      }
    }
    if (found) out.push_back({i, e, "postcode"});
    i = e;
  }
}

// ---- names and addresses ----------------------------------------------------------------------
const std::unordered_set<std::string_view>& common_words() {
  static const std::unordered_set<std::string_view> words = {
      "a", "about", "absolutely", "actually", "afraid", "after", "again", "alive", "all", "almost", "alone",
      "already", "also", "always", "am", "an", "and", "angry", "another", "anxiety", "anxious", "any", "app",
      "april", "are", "as", "at", "august", "back", "bad", "be", "because", "been", "before", "being", "better",
      "big", "bit", "blog", "book", "both", "british", "broken", "but", "by", "called", "calling", "calm", "can",
      "chapter", "clinician", "college", "completely", "confused", "coping", "could", "counsellor", "currently",
      "dad", "day", "days", "dear", "december", "definitely", "depressed", "depression", "did", "different", "do",
      "doctor", "does", "doing", "done", "down", "each", "early", "empty", "english", "enough", "even", "ever",
      "every", "exhausted", "father", "february", "feel", "feeling", "few", "film", "finally", "fine", "finished",
      "first", "for", "forum", "free", "friday", "friend", "from", "get", "getting", "glad", "go", "god", "going",
      "good", "got", "gp", "grateful", "great", "group", "had", "happy", "harm", "has", "hate", "have", "he",
      "hello", "her", "here", "hey", "hi", "him", "his", "home", "honestly", "hoping", "hospital", "how",
      "husband", "i", "if", "in", "inside", "into", "irish", "is", "it", "its", "january", "job", "july", "june",
      "just", "kind", "know", "last", "late", "let", "life", "like", "literally", "little", "living", "lonely",
      "looking", "lord", "lost", "lot", "love", "made", "make", "many", "march", "may", "me", "member", "might",
      "mind", "monday", "month", "months", "more", "most", "mostly", "mother", "much", "mum", "must", "my",
      "need", "nervous", "never", "new", "next", "nhs", "no", "not", "nothing", "november", "now", "numb",
      "october", "of", "often", "ok", "okay", "old", "on", "one", "online", "only", "or", "other", "our", "out",
      "outside", "over", "overwhelmed", "own", "page", "part", "partner", "peer", "please", "podcast", "post",
      "pretty", "probably", "proud", "quite", "rather", "ready", "really", "reading", "reasons", "recently",
      "sad", "same", "saturday", "saw", "say", "scared", "school", "scottish", "see", "september", "series",
      "several", "she", "should", "show", "sister", "slightly", "small", "so", "some", "sometimes", "son", "song",
      "soon", "sorry", "sort", "stay", "still", "story", "strong", "struggling", "stuck", "such", "sunday",
      "supporter", "sure", "team", "tell", "than", "thank", "thankful", "thanks", "that", "the", "their",
      "them", "then", "there", "therapist", "these", "they", "thinking", "this", "those", "thread", "three",
      "thursday", "time", "times", "tired", "to", "today", "told", "tomorrow", "tonight", "too", "topic",
      "totally", "trying", "tuesday", "two", "uni", "university", "up", "upset", "us", "usually", "very",
      "volunteer", "waiting", "want", "was", "we", "weak", "wednesday", "week", "weeks", "well", "welsh",
      "went", "were", "what", "when", "where", "which", "who", "why", "wife", "will", "with", "work", "working",
      "worried", "worse", "would", "year", "years", "yesterday", "you", "your"};
  return words;
}

bool is_common(std::string_view word) { return common_words().contains(lowered(word)); }

// A capitalised word at `pos` ("Jane", "O'Brien", "Smith-Jones", "McDonald"): its end, or pos.
std::size_t capitalised_end(std::string_view s, std::size_t pos) {
  if (pos >= s.size() || !is_upper(s[pos]) || word_before(s, pos)) return pos;
  auto e = pos + 1;
  bool inner_capital = false;
  while (e < s.size()) {
    if (is_lower(s[e])) {
      ++e;
    } else if (!inner_capital && (s[e] == '\'' || s[e] == '-') && e + 2 < s.size() && is_upper(s[e + 1]) &&
               is_lower(s[e + 2])) {
      inner_capital = true;
      e += 2;
    } else if (!inner_capital && is_upper(s[e]) && e == pos + 2 && s[pos + 1] == 'c' && e + 1 < s.size() &&
               is_lower(s[e + 1])) {
      inner_capital = true;  // Mc
      ++e;
    } else {
      break;
    }
  }
  if (e - pos < 2 || word_at(s, e)) return pos;
  return e;
}

// The apostrophe forms people type: ' and ’ (3 bytes).
std::size_t apostrophe_len(std::string_view s, std::size_t pos) {
  if (pos < s.size() && s[pos] == '\'') return 1;
  if (s.compare(pos, 3, "\xe2\x80\x99") == 0) return 3;
  return 0;
}

std::size_t skip_spaces(std::string_view s, std::size_t pos) {
  while (pos < s.size() && s[pos] == ' ') ++pos;
  return pos;
}

// Where a name would start after a trigger ending at `pos` (one space or more), or npos.
std::size_t after_space(std::string_view s, std::size_t pos) {
  if (pos >= s.size() || s[pos] != ' ') return std::string_view::npos;
  return skip_spaces(s, pos);
}

void find_names(std::string_view s, std::string_view low, std::vector<Found>& out) {
  std::vector<std::size_t> starts;  // where a name would begin
  // "my name is" / "my name's", "i am", "called"
  for (auto p = find_word(low, "name", 0, low.size()); p != std::string_view::npos;
       p = find_word(low, "name", p + 1, low.size())) {
    auto q = p + 4;
    if (const auto a = apostrophe_len(s, q); a && q + a < s.size() && low[q + a] == 's') {
      starts.push_back(after_space(s, q + a + 1));
    } else if (low.compare(q, 4, " is ") == 0) {
      starts.push_back(skip_spaces(s, q + 4));
    }
  }
  for (auto p = find_word(low, "i", 0, low.size()); p != std::string_view::npos;
       p = find_word(low, "i", p + 1, low.size())) {
    const auto a = apostrophe_len(s, p + 1);
    if (a && p + 1 + a < s.size() && low[p + 1 + a] == 'm' && !word_at(s, p + 2 + a)) {
      starts.push_back(after_space(s, p + 2 + a));
    } else if (low.compare(p + 1, 4, " am ") == 0) {
      starts.push_back(skip_spaces(s, p + 5));
    }
  }
  for (auto p = find_word(low, "called", 0, low.size()); p != std::string_view::npos;
       p = find_word(low, "called", p + 1, low.size())) {
    starts.push_back(after_space(s, p + 6));
  }
  for (const auto b : starts) {
    if (b == std::string_view::npos) continue;
    const auto e1 = capitalised_end(s, b);
    if (e1 == b || e1 >= s.size() || s[e1] != ' ') continue;
    const auto e2 = capitalised_end(s, e1 + 1);
    if (e2 == e1 + 1) continue;
    if (is_common(s.substr(b, e1 - b)) || is_common(s.substr(e1 + 1, e2 - e1 - 1))) continue;
    out.push_back({b, e2, "full_name"});
  }
}

constexpr std::string_view kStreetWords[] = {
    "Street", "St", "Road", "Rd", "Avenue", "Ave", "Lane", "Ln", "Close", "Drive", "Dr", "Way", "Crescent",
    "Place", "Pl", "Gardens", "Grove", "Terrace", "Court", "Mews", "Square", "Hill", "Row", "Walk", "Parade", "Rise"};

bool is_street_word(std::string_view w) {
  return std::find(std::begin(kStreetWords), std::end(kStreetWords), w) != std::end(kStreetWords);
}

void find_addresses(std::string_view s, std::vector<Found>& out) {
  std::size_t i = 0;
  while (i < s.size()) {
    if (!is_digit(s[i]) || word_before(s, i)) {
      ++i;
      continue;
    }
    const auto start = i;
    auto e = i;
    while (e < s.size() && is_digit(s[e])) ++e;
    const auto digits = e - i;
    if (e < s.size() && is_alpha(s[e]) && !word_at(s, e + 1)) ++e;  // 12a
    const auto number_end = e;
    i = e;
    if (digits > 4 || number_end >= s.size() || s[number_end] != ' ') continue;
    // One or two name words, then the street word.
    auto pos = number_end + 1;
    for (int names = 0; names < 2; ++names) {
      const auto w_end = capitalised_end(s, pos);
      if (w_end == pos) break;
      const auto word = s.substr(pos, w_end - pos);
      if (is_common(word)) break;
      if (w_end >= s.size() || s[w_end] != ' ') break;
      const auto t = w_end + 1;
      auto t_end = t;
      while (t_end < s.size() && is_alpha(s[t_end])) ++t_end;
      if (t_end > t && is_street_word(s.substr(t, t_end - t)) && !word_at(s, t_end)) {
        out.push_back({start, t_end, "address"});
        break;
      }
      pos = t;
    }
  }
}

}  // namespace

std::vector<IdentifyingDetail> find_identifying_details(std::string_view text) {
  const std::string low = lowered(text);
  std::vector<Found> found;
  find_emails(text, found);
  find_profiles(text, low, found);
  find_handles(text, low, found);
  find_phones(text, found);
  find_postcodes(text, found);
  find_names(text, low, found);
  find_addresses(text, found);

  // Earliest first; of two that overlap (an '@name' inside a profile address) the first found
  // and longest is kept, so one detail is reported once.
  std::stable_sort(found.begin(), found.end(), [](const Found& a, const Found& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end > b.end;
  });
  std::vector<IdentifyingDetail> details;
  std::size_t covered_to = 0;
  for (const auto& f : found) {
    if (f.begin < covered_to) continue;
    covered_to = f.end;
    auto excerpt = std::string(text.substr(f.begin, std::min(f.end - f.begin, kMaxExcerpt)));
    const bool seen = std::any_of(details.begin(), details.end(),
                                  [&](const auto& d) { return d.kind == f.kind && d.excerpt == excerpt; });
    if (!seen) details.push_back({f.kind, std::move(excerpt)});
    if (details.size() == kMaxDetails) break;
  }
  return details;
}

}  // namespace harbour::services
