#pragma once
// What a new password must be (OWASP ASVS 5.0 §6.2, NIST SP 800-63B §3.1.1.2): long enough, not
// common, not built from the person's own name here. No composition rules (no "one capital, one
// symbol"): length and a blocklist do more for the people using it, and three or four random
// words pass.
//
// The blocklist is server/data/common_passwords.txt, embedded at build time by
// server/data/embed_passwords.cmake (source and licence in server/data/README.md).
#include <cstddef>
#include <span>
#include <string_view>

namespace harbour::services {

inline constexpr std::size_t kPasswordMinCodePoints = 12;
inline constexpr std::size_t kPasswordMaxCodePoints = 128;
inline constexpr std::size_t kPasswordMinDistinct = 5;

// Returns when `password` may be used by the account named `pseudonym`; otherwise throws
// core::AppError(BadRequest, code, message), checking in this order:
//   password_invalid_utf8        not valid UTF-8
//   password_too_short           fewer than 12 Unicode code points
//   password_too_long            more than 128 code points
//   password_contains_pseudonym  contains the pseudonym, compared by confusable skeleton
//                                (pseudonym_key: case, accents, separators and look-alike
//                                characters ignored), for pseudonyms whose key has 3+ characters
//   password_repetitive          fewer than 5 distinct characters, ignoring case; or characters
//                                that run in sequence or repeat with at most two breaks
//                                ("abcdefghijkl", "1234567890ab")
//   password_too_common          after case folding (NFKC + case fold), equal to a list entry;
//                                or equal to one once digits, punctuation and spaces are stripped
//                                from the end or both ends ("Password123!" -> "password"), or
//                                once spaces, '-', '_' and '.' between words are removed; or one
//                                entry repeated ("passwordpassword", "tiger tiger tiger"); or
//                                any of those after undoing common character swaps (@->a, 0->o,
//                                1->i or l, 3->e, $->s, ...: "$unsh1ne2024")
// The pseudonym may be empty (then that rule is skipped).
void check_password(std::string_view password, std::string_view pseudonym);

// Whether `lowercase` is exactly an entry of the embedded list. The caller lowercases.
bool is_common_password(std::string_view lowercase);
// Entries in the embedded list (after removing duplicates).
std::size_t common_password_count();

namespace detail {
// Defined in the embed_passwords.cmake generated source: the list's text, one password a line,
// split into chunks that each end with a line break.
std::span<const std::string_view> embedded_common_password_chunks();
}  // namespace detail

}  // namespace harbour::services
