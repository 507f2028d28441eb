#include "services/pseudonym_policy.hpp"

#include "core/app_error.hpp"

#include <utf8proc.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <memory>
#include <optional>
#include <set>
#include <vector>

namespace harbour::services {
namespace {

using CodePoint = utf8proc_int32_t;
using CodePoints = std::vector<CodePoint>;

constexpr std::size_t kMaxRawBytes = 256;
constexpr int kMaxMarksInARow = 3;

[[noreturn]] void refuse(const char* code, const char* message) {
  throw core::AppError(core::ErrorKind::BadRequest, code, message);
}

// ---- UTF-8 ----------------------------------------------------------------------------------

std::optional<CodePoints> decode(std::string_view s) {
  CodePoints out;
  out.reserve(s.size());
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(s.size());
  while (left > 0) {
    CodePoint cp = 0;
    const utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
    if (n <= 0 || cp < 0) return std::nullopt;
    out.push_back(cp);
    p += n;
    left -= n;
  }
  return out;
}

void append_utf8(std::string& out, CodePoint cp) {
  utf8proc_uint8_t buffer[4];
  const utf8proc_ssize_t n = utf8proc_encode_char(cp, buffer);
  out.append(reinterpret_cast<const char*>(buffer), static_cast<std::size_t>(n));
}

std::string encode(const CodePoint* first, const CodePoint* last) {
  std::string out;
  for (; first != last; ++first) append_utf8(out, *first);
  return out;
}

std::string encode(const CodePoints& cps) { return encode(cps.data(), cps.data() + cps.size()); }

// utf8proc_map with explicit length; nullopt for invalid UTF-8.
std::optional<std::string> utf8_map(std::string_view s, int options) {
  if (s.empty()) return std::string();
  utf8proc_uint8_t* mapped = nullptr;
  const utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(s.data()),
                                          static_cast<utf8proc_ssize_t>(s.size()), &mapped,
                                          static_cast<utf8proc_option_t>(options));
  std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owned(mapped, &std::free);
  if (n < 0) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(mapped), static_cast<std::size_t>(n));
}

// ---- character classes ----------------------------------------------------------------------

bool is_white_space(CodePoint c) {  // Unicode White_Space
  return (c >= 0x09 && c <= 0x0d) || c == 0x20 || c == 0x85 || c == 0xa0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f ||
         c == 0x205f || c == 0x3000;
}

bool is_separator(CodePoint c) {
  return c == ' ' || c == '-' || c == '_' || c == '.' || c == '\'' || c == 0x2019;
}

bool is_ascii_digit(CodePoint c) { return c >= '0' && c <= '9'; }

bool is_letter(CodePoint c) {
  switch (utf8proc_category(c)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
      return true;
    default:
      return false;
  }
}

bool is_mark(CodePoint c) {
  const auto cat = utf8proc_category(c);
  return cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_MC ||
         cat == UTF8PROC_CATEGORY_ME;
}

bool is_lower(CodePoint c) { return utf8proc_category(c) == UTF8PROC_CATEGORY_LL; }
bool is_upper(CodePoint c) {
  const auto cat = utf8proc_category(c);
  return cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT;
}

// ---- scripts --------------------------------------------------------------------------------
// utf8proc has no Script property, so letters are placed by block. A letter outside every
// block below is refused: that keeps out historic scripts, IPA and modifier letters (which
// include apostrophe and quote look-alikes) and full-width forms.

enum class Script {
  Latin, Greek, Cyrillic, Armenian, Hebrew, Arabic, Syriac, Thaana, Devanagari, Bengali,
  Gurmukhi, Gujarati, Oriya, Tamil, Telugu, Kannada, Malayalam, Sinhala, Thai, Lao, Tibetan,
  Myanmar, Georgian, Hangul, Ethiopic, Khmer, Mongolian, Hiragana, Katakana, Bopomofo, Han,
};

struct ScriptRange {
  CodePoint first;
  CodePoint last;
  Script script;
};

constexpr ScriptRange kScriptRanges[] = {
    {0x0041, 0x005a, Script::Latin},      {0x0061, 0x007a, Script::Latin},
    {0x00c0, 0x024f, Script::Latin},      {0x0370, 0x03ff, Script::Greek},
    {0x0400, 0x052f, Script::Cyrillic},   {0x0530, 0x058f, Script::Armenian},
    {0x0590, 0x05ff, Script::Hebrew},     {0x0600, 0x06ff, Script::Arabic},
    {0x0700, 0x074f, Script::Syriac},     {0x0750, 0x077f, Script::Arabic},
    {0x0780, 0x07bf, Script::Thaana},     {0x08a0, 0x08ff, Script::Arabic},
    {0x0900, 0x097f, Script::Devanagari}, {0x0980, 0x09ff, Script::Bengali},
    {0x0a00, 0x0a7f, Script::Gurmukhi},   {0x0a80, 0x0aff, Script::Gujarati},
    {0x0b00, 0x0b7f, Script::Oriya},      {0x0b80, 0x0bff, Script::Tamil},
    {0x0c00, 0x0c7f, Script::Telugu},     {0x0c80, 0x0cff, Script::Kannada},
    {0x0d00, 0x0d7f, Script::Malayalam},  {0x0d80, 0x0dff, Script::Sinhala},
    {0x0e00, 0x0e7f, Script::Thai},       {0x0e80, 0x0eff, Script::Lao},
    {0x0f00, 0x0fff, Script::Tibetan},    {0x1000, 0x109f, Script::Myanmar},
    {0x10a0, 0x10ff, Script::Georgian},   {0x1100, 0x11ff, Script::Hangul},
    {0x1200, 0x139f, Script::Ethiopic},   {0x1780, 0x17ff, Script::Khmer},
    {0x1800, 0x18af, Script::Mongolian},  {0x1c80, 0x1c8f, Script::Cyrillic},
    {0x1c90, 0x1cbf, Script::Georgian},   {0x1e00, 0x1eff, Script::Latin},
    {0x1f00, 0x1fff, Script::Greek},      {0x2c60, 0x2c7f, Script::Latin},
    {0x2d00, 0x2d2f, Script::Georgian},   {0x2d80, 0x2ddf, Script::Ethiopic},
    {0x2de0, 0x2dff, Script::Cyrillic},   {0x3005, 0x3007, Script::Han},
    {0x3040, 0x309f, Script::Hiragana},   {0x30a0, 0x30ff, Script::Katakana},
    {0x3100, 0x312f, Script::Bopomofo},   {0x3130, 0x318f, Script::Hangul},
    {0x31a0, 0x31bf, Script::Bopomofo},   {0x31f0, 0x31ff, Script::Katakana},
    {0x3400, 0x4dbf, Script::Han},        {0x4e00, 0x9fff, Script::Han},
    {0xa640, 0xa69f, Script::Cyrillic},   {0xa720, 0xa7ff, Script::Latin},
    {0xa8e0, 0xa8ff, Script::Devanagari}, {0xa960, 0xa97f, Script::Hangul},
    {0xab30, 0xab6f, Script::Latin},      {0xac00, 0xd7ff, Script::Hangul},
    {0xf900, 0xfaff, Script::Han},        {0xfb13, 0xfb17, Script::Armenian},
    {0xfb1d, 0xfb4f, Script::Hebrew},     {0xfb50, 0xfdff, Script::Arabic},
    {0xfe70, 0xfeff, Script::Arabic},     {0x20000, 0x2fa1f, Script::Han},
};

std::optional<Script> script_of(CodePoint c) {
  const auto* it = std::upper_bound(
      std::begin(kScriptRanges), std::end(kScriptRanges), c,
      [](CodePoint v, const ScriptRange& r) { return v < r.first; });
  if (it == std::begin(kScriptRanges)) return std::nullopt;
  --it;
  if (c > it->last) return std::nullopt;
  return it->script;
}

// UTS #39 "moderately restrictive", with Latin never beside Greek or Cyrillic.
bool scripts_may_mix(const std::set<Script>& scripts) {
  if (scripts.size() <= 1) return true;
  const auto within = [&](std::initializer_list<Script> allowed) {
    return std::all_of(scripts.begin(), scripts.end(), [&](Script s) {
      return std::find(allowed.begin(), allowed.end(), s) != allowed.end();
    });
  };
  if (within({Script::Latin, Script::Han, Script::Hiragana, Script::Katakana}) ||
      within({Script::Latin, Script::Han, Script::Bopomofo}) ||
      within({Script::Latin, Script::Han, Script::Hangul})) {
    return true;
  }
  return scripts.size() == 2 && scripts.count(Script::Latin) == 1 &&
         scripts.count(Script::Greek) == 0 && scripts.count(Script::Cyrillic) == 0;
}

// ---- skeleton -------------------------------------------------------------------------------

// Applied after NFKC, case folding and stripping marks, so only lowercase forms appear.
CodePoint latin_look_alike(CodePoint c) {
  switch (c) {
    case '0': return 'o';
    case '1': return 'l';
    case '3': return 'e';
    case '4': return 'a';
    case '5': return 's';
    case '7': return 't';
    case '8': return 'b';
    case 'i': return 'l';  // capital I and small l are one glyph in many fonts
    case '|': return 'l';
    case 0x0131: return 'l';  // ı dotless i
    case 0x0142: return 'l';  // ł
    case 0x01c0: return 'l';  // ǀ
    case 0x0269: return 'l';  // ɩ
    case 0x00f8: return 'o';  // ø
    case 0x0111: return 'd';  // đ
    case 0x0127: return 'h';  // ħ
    case 0x0167: return 't';  // ŧ
    case 0x0261: return 'g';  // ɡ
    // Cyrillic (lowercase, and lowercase forms of capitals that look Latin: В К М Н Т)
    case 0x0430: return 'a';
    case 0x0432: return 'b';
    case 0x0435: return 'e';
    case 0x043a: return 'k';
    case 0x043c: return 'm';
    case 0x043d: return 'h';
    case 0x043e: return 'o';
    case 0x0440: return 'p';
    case 0x0441: return 'c';
    case 0x0442: return 't';
    case 0x0443: return 'y';
    case 0x0445: return 'x';
    case 0x0455: return 's';
    case 0x0456: return 'l';  // і, as i
    case 0x0458: return 'j';
    case 0x04bb: return 'h';
    case 0x04cf: return 'l';
    case 0x0501: return 'd';
    case 0x051b: return 'q';
    case 0x051d: return 'w';
    // Greek
    case 0x03b1: return 'a';
    case 0x03b2: return 'b';
    case 0x03b5: return 'e';
    case 0x03b6: return 'z';
    case 0x03b7: return 'n';
    case 0x03b9: return 'l';  // ι, as i
    case 0x03ba: return 'k';
    case 0x03bc: return 'm';
    case 0x03bd: return 'v';
    case 0x03bf: return 'o';
    case 0x03c1: return 'p';
    case 0x03c4: return 't';
    case 0x03c5: return 'u';
    case 0x03c7: return 'x';
    case 0x03c9: return 'w';
    case 0x03f2: return 'c';
    case 0x03f3: return 'j';
    default: return c;
  }
}

}  // namespace

std::string pseudonym_key(std::string_view text) {
  const auto folded =
      utf8_map(text, UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD |
                         UTF8PROC_STRIPMARK | UTF8PROC_IGNORE | UTF8PROC_LUMP);
  if (!folded) return {};
  const auto cps = decode(*folded);
  if (!cps) return {};
  std::string single;
  single.reserve(folded->size());
  for (const CodePoint c : *cps) {
    if (is_separator(c) || is_white_space(c)) continue;
    append_utf8(single, latin_look_alike(c));
  }
  // Letter pairs that read as one letter. ASCII only, so byte-wise is safe on UTF-8.
  std::string key;
  key.reserve(single.size());
  for (std::size_t i = 0; i < single.size(); ++i) {
    const char a = single[i];
    const char b = i + 1 < single.size() ? single[i + 1] : '\0';
    if (a == 'r' && b == 'n') {
      key += 'm';
      ++i;
    } else if (a == 'v' && b == 'v') {
      key += 'w';
      ++i;
    } else if (a == 'c' && b == 'l') {
      key += 'd';
      ++i;
    } else {
      key += a;
    }
  }
  return key;
}

namespace {

// ---- staff imitation ------------------------------------------------------------------------
//
// A name is cut into words at separators and at case changes ("ModeratorMia" -> Moderator, Mia;
// "NHSHelper" -> NHS, Helper; "Mod2Mia" -> Mod2, Mia). Each word, each run of one-letter words
// ("D r", "N H S"), and each join of 2-3 neighbouring words ("Mo Derator", "Ad Min") is compared
// by skeleton, with and without digits at its ends, against the words below:
//   Exact:    the word itself or its plural ("Dr", "Mods", "Mod99"), so "Drew", "Modesty",
//             "Stafford" stay allowed
//   Prefix:   a word that starts with it ("Adm1n", "Adminbot", "Nurse_Jo", "Doctorjo"); a join of
//             words only when it is exactly the word, so "Nur Sevim" stays allowed
//   Contains: long, unmistakable words anywhere, even across words ("iamthemoderator",
//             "Mo De Ra Tor")
//   InWord:   anywhere inside one word ("NHSfan", "ilovenhs", "theharbour"); a join of words
//             only when it is exactly the word, so "Jon Hsu" and "Sarah Arbour" stay allowed
enum class Match { Exact, Prefix, Contains, InWord };

struct StaffWord {
  std::string_view word;
  Match match;
};

constexpr StaffWord kStaffWords[] = {
    {"dr", Match::Exact},           {"mod", Match::Exact},
    {"staff", Match::Exact},        {"nhs", Match::InWord},
    {"admin", Match::Prefix},       {"nurse", Match::Prefix},
    {"doctor", Match::Prefix},      {"system", Match::Prefix},
    {"sysadmin", Match::Contains},  {"administrator", Match::Contains},
    {"moderator", Match::Contains}, {"clinician", Match::Contains},
    {"therapist", Match::Contains}, {"counsellor", Match::Contains},
    {"counselor", Match::Contains}, {"psychiatrist", Match::Contains},
    {"psychologist", Match::Contains}, {"official", Match::Contains},
    {"harbour", Match::InWord},     {"harbor", Match::InWord},
    {"volunteer", Match::Contains}, {"support team", Match::Contains},
    {"peer supporter", Match::Contains},
};

struct StaffSkeleton {
  std::string key;
  Match match;
};

const std::vector<StaffSkeleton>& staff_skeletons() {
  static const std::vector<StaffSkeleton> skeletons = [] {
    std::vector<StaffSkeleton> out;
    for (const StaffWord& w : kStaffWords) out.push_back({pseudonym_key(w.word), w.match});
    return out;
  }();
  return skeletons;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// `single`: one word (or a run of one-letter words), as opposed to several words joined.
bool imitates(std::string_view key, bool single) {
  if (key.empty()) return false;
  for (const StaffSkeleton& w : staff_skeletons()) {
    const bool exact = key == w.key || (key.size() == w.key.size() + 1 &&
                                        starts_with(key, w.key) && key.back() == 's');
    switch (w.match) {
      case Match::Exact:
        if (exact) return true;
        break;
      case Match::Prefix:
        if (single ? starts_with(key, w.key) : exact) return true;
        break;
      case Match::Contains:
        if (key.find(w.key) != std::string_view::npos) return true;
        break;
      case Match::InWord:
        if (single ? key.find(w.key) != std::string_view::npos : exact) return true;
        break;
    }
  }
  return false;
}

// Checks a piece of the name as written, and again without digits at its ends ("Mod99").
bool piece_imitates(const CodePoint* first, const CodePoint* last, bool single) {
  if (imitates(pseudonym_key(encode(first, last)), single)) return true;
  while (first != last && is_ascii_digit(*first)) ++first;
  while (first != last && is_ascii_digit(*(last - 1))) --last;
  return imitates(pseudonym_key(encode(first, last)), single);
}

bool imitates_staff(const CodePoints& display) {
  // Words: split at separators, then at case changes. Each whole word between separators is
  // checked as typed too, since case changes can cut a name in the wrong place ("NHShelper"
  // reads as "NH" + "Shelper").
  std::vector<CodePoints> words;
  CodePoints current;
  CodePoints typed_word;
  const auto flush = [&] {
    if (!current.empty()) words.push_back(std::move(current));
    current.clear();
  };
  for (std::size_t i = 0; i <= display.size(); ++i) {
    if (i == display.size() || is_separator(display[i])) {
      if (piece_imitates(typed_word.data(), typed_word.data() + typed_word.size(), true)) {
        return true;
      }
      typed_word.clear();
      flush();
      continue;
    }
    const CodePoint c = display[i];
    typed_word.push_back(c);
    if (!current.empty() && is_upper(c)) {
      const CodePoint prev = current.back();
      const bool next_lower = i + 1 < display.size() && is_lower(display[i + 1]);
      if (is_lower(prev) || is_ascii_digit(prev) || (is_upper(prev) && next_lower)) flush();
    }
    current.push_back(c);
  }

  for (const CodePoints& w : words) {
    if (piece_imitates(w.data(), w.data() + w.size(), true)) return true;
  }
  // Neighbouring words read together.
  for (std::size_t i = 0; i < words.size(); ++i) {
    CodePoints joined = words[i];
    for (std::size_t j = i + 1; j < words.size() && j <= i + 2; ++j) {
      joined.insert(joined.end(), words[j].begin(), words[j].end());
      if (piece_imitates(joined.data(), joined.data() + joined.size(), false)) return true;
    }
  }
  // Runs of one-letter words: "D r", "N H S", "a d m i n".
  for (std::size_t i = 0; i < words.size();) {
    CodePoints run;
    std::size_t j = i;
    while (j < words.size() && words[j].size() == 1) run.push_back(words[j++][0]);
    if (run.size() >= 2 && piece_imitates(run.data(), run.data() + run.size(), true)) return true;
    i = j == i ? i + 1 : j;
  }
  // Long words spread over any number of pieces.
  const std::string whole = pseudonym_key(encode(display));
  for (const StaffSkeleton& w : staff_skeletons()) {
    if (w.match == Match::Contains && whole.find(w.key) != std::string::npos) return true;
  }
  return false;
}

// ---- identifying details --------------------------------------------------------------------

bool looks_like_email(const CodePoints& cps) {
  const auto at = std::find(cps.begin(), cps.end(), CodePoint{'@'});
  if (at == cps.begin() || at == cps.end()) return false;
  const auto dot = std::find(at + 1, cps.end(), CodePoint{'.'});
  return dot != cps.end() && dot != at + 1 && dot + 1 != cps.end();
}

bool looks_like_phone(const CodePoints& cps) {
  int digits = 0;
  for (const CodePoint c : cps) {
    if (is_ascii_digit(c)) {
      if (++digits >= 7) return true;
    } else if (!(c == ' ' || c == '-' || c == '.' || c == '_' || c == '(' || c == ')' ||
                 c == '+' || c == '/')) {
      digits = 0;
    }
  }
  return false;
}

std::size_t grapheme_count(const CodePoints& cps) {
  if (cps.empty()) return 0;
  std::size_t count = 1;
  utf8proc_int32_t state = 0;
  for (std::size_t i = 1; i < cps.size(); ++i) {
    if (utf8proc_grapheme_break_stateful(cps[i - 1], cps[i], &state)) ++count;
  }
  return count;
}

}  // namespace

Pseudonym check_pseudonym(std::string_view raw) {
  if (raw.size() > kMaxRawBytes) {
    refuse("pseudonym_too_long", "Your name on Harbour must be 24 characters or fewer.");
  }
  const auto nfc = utf8_map(raw, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
  const auto decoded = nfc ? decode(*nfc) : std::nullopt;
  if (!decoded) {
    refuse("pseudonym_invalid_characters",
           "Your name has characters we cannot read. Please type it again.");
  }

  // Trim, and make every run of spaces one plain space.
  CodePoints cps;
  for (const CodePoint c : *decoded) {
    if (utf8proc_category(c) == UTF8PROC_CATEGORY_ZS || c == ' ') {
      if (!cps.empty() && cps.back() != ' ') cps.push_back(' ');
    } else if (is_white_space(c) && cps.empty()) {
      // leading line breaks and tabs from a paste
    } else {
      cps.push_back(c);
    }
  }
  while (!cps.empty() && is_white_space(cps.back())) cps.pop_back();

  const std::size_t length = grapheme_count(cps);
  if (length < kPseudonymMinGraphemes) {
    refuse("pseudonym_too_short", "Your name on Harbour must be at least 3 characters long.");
  }
  if (length > kPseudonymMaxGraphemes) {
    refuse("pseudonym_too_long", "Your name on Harbour must be 24 characters or fewer.");
  }

  if (cps.front() == '@') {
    refuse("pseudonym_looks_like_handle",
           "Your name looks like a social media handle. To keep you anonymous, please choose "
           "a name you do not use anywhere else.");
  }
  if (looks_like_email(cps)) {
    refuse("pseudonym_looks_like_email",
           "Your name looks like an email address. To keep you anonymous, please choose a "
           "name that is not your email address or any part of it.");
  }
  if (looks_like_phone(cps)) {
    refuse("pseudonym_looks_like_phone",
           "Your name looks like it has a phone number in it. To keep you anonymous, please "
           "leave out phone numbers and long numbers.");
  }

  constexpr const char* kInvalidMessage =
      "Your name can only have letters, numbers, spaces, hyphens (-), underscores (_), "
      "apostrophes (') and full stops (.), and must start with a letter or number.";
  bool has_letter = false;
  int marks_in_a_row = 0;
  std::set<Script> scripts;
  for (std::size_t i = 0; i < cps.size(); ++i) {
    const CodePoint c = cps[i];
    if (is_mark(c)) {
      // A mark belongs to the letter before it; a pile of them is "Zalgo" text.
      if (i == 0 || !(is_letter(cps[i - 1]) || is_mark(cps[i - 1])) ||
          ++marks_in_a_row > kMaxMarksInARow) {
        refuse("pseudonym_invalid_characters", kInvalidMessage);
      }
      continue;
    }
    marks_in_a_row = 0;
    if (is_letter(c)) {
      const auto script = script_of(c);
      if (!script) refuse("pseudonym_invalid_characters", kInvalidMessage);
      scripts.insert(*script);
      has_letter = true;
    } else if (is_ascii_digit(c)) {
      // allowed
    } else if (is_separator(c) && i > 0) {
      // allowed, but not first
    } else {
      refuse("pseudonym_invalid_characters", kInvalidMessage);
    }
  }
  if (!has_letter) {
    refuse("pseudonym_invalid_characters", "Your name on Harbour must have at least one letter.");
  }
  if (!scripts_may_mix(scripts)) {
    refuse("pseudonym_invalid_characters",
           "Your name mixes letters from different alphabets that look alike (for example "
           "Latin and Cyrillic). Please use letters from one alphabet.");
  }

  if (imitates_staff(cps)) {
    refuse("pseudonym_imitates_staff",
           "Names that could be mistaken for staff, moderators or the service itself are kept "
           "for staff. Please choose another name.");
  }

  Pseudonym result;
  result.display = encode(cps);
  result.key = pseudonym_key(result.display);
  return result;
}

std::string_view anonymity_guidance() {
  return "Choose a name that other members will see instead of your real name. To stay "
         "anonymous, do not use your real name or any part of it, or a name you use anywhere "
         "else online, such as on social media or for email or gaming. Leave out dates of "
         "birth, ages, and the names of places, schools or workplaces.";
}

}  // namespace harbour::services
