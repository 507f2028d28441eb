#pragma once
// The rules for the name a person is known by here. Accounts are pseudonymous and the people
// using them may be vulnerable, so a name must not identify anyone (no email addresses, phone
// numbers or social media handles), must not pass for staff or for the service, and must not be
// a look-alike of someone else's name.
#include <cstddef>
#include <string>
#include <string_view>

namespace harbour::services {

// Length is counted in user-perceived characters (extended grapheme clusters, UAX #29): "é"
// typed as e + combining accent is one, and so is a Hangul syllable.
inline constexpr std::size_t kPseudonymMinGraphemes = 3;
inline constexpr std::size_t kPseudonymMaxGraphemes = 24;

struct Pseudonym {
  std::string display;  // what others see: NFC, trimmed, runs of spaces made one space
  std::string key;      // pseudonym_key(display): store it UNIQUE so look-alikes collide
};

// Validates a name as typed and returns its display form and key, or throws
// core::AppError(BadRequest, code, message), checking in this order:
//   pseudonym_invalid_characters  not valid UTF-8 (also: more than 256 bytes before trimming
//                                 is pseudonym_too_long, so no work is spent on huge input)
//   pseudonym_too_short / _too_long  fewer than 3 or more than 24 characters after trimming
//   pseudonym_looks_like_handle   starts with '@'
//   pseudonym_looks_like_email    something@domain.tld
//   pseudonym_looks_like_phone    a run of 7 or more digits, ignoring spaces, hyphens, dots,
//                                 brackets and '+' between them ("07700 900 123", "sam1234567")
//   pseudonym_invalid_characters  anything but letters (with at most 3 combining marks in a
//                                 row), ASCII digits, spaces, hyphen, underscore, apostrophe
//                                 (' or U+2019) and full stop; no letter at all; a first
//                                 character that is not a letter or digit; letters from a
//                                 script the check does not know (historic scripts, IPA,
//                                 modifier letters, full-width forms); or letters that mix
//                                 scripts deceptively: Latin, Greek and Cyrillic never mix;
//                                 Latin may join Han with Hiragana/Katakana, Bopomofo or Hangul,
//                                 or one other script (UTS #39 "moderately restrictive")
//   pseudonym_imitates_staff      a word that passes for staff or the service (see the .cpp:
//                                 "Dr Sam", "D r_Sam", "Adm1n", "NHS_helper", "ModeratorMia"),
//                                 matched on skeletons so digits and look-alikes do not evade it
Pseudonym check_pseudonym(std::string_view raw);

// The confusable skeleton of any UTF-8 text (UTS #39 in spirit), for uniqueness: NFKC, case
// fold, accents stripped, default-ignorable characters removed; Cyrillic and Greek look-alikes,
// digits (0 1 3 4 5 7 8) and i/l/| mapped to Latin; separators (space - _ . ') dropped; then
// "rn" -> "m", "vv" -> "w", "cl" -> "d". So "Sam_Smith", "sam smith", "SAM.SMITH", "5am5mith"
// and "Ѕаm Smith" (Cyrillic Ѕ and а) share one key. It errs towards collisions: distinct names
// such as "Clare" and "Dare", or "Mia" and "Mla", share a key, which only means one of them is
// taken. Invalid UTF-8 gives "".
std::string pseudonym_key(std::string_view text);

// Plain-English advice shown beside the name field on the registration page.
std::string_view anonymity_guidance();

}  // namespace harbour::services
