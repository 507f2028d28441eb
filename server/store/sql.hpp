#pragma once
// SQL text that can only come from a string literal (or another constant expression): the
// consteval constructor makes `prepare(some_std_string.c_str())` a compile error, so no
// statement can be built by concatenating input (DESIGN.md section 4). Values go in as bound
// parameters.

namespace harbour::store {

struct Sql {
  // Implicit on purpose: `conn.prepare("SELECT ...")` reads naturally and is still checked.
  consteval Sql(const char* s) : text(s) {}  // NOLINT(google-explicit-constructor)
  const char* text;
};

}  // namespace harbour::store
