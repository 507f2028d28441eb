#pragma once
// The instant the unit tests' fixtures write their rows at, in the store's ISO 8601 UTC form.
// One definition for every test file that uses it (they are compiled together in unity builds).
namespace harbour::test {

inline constexpr const char* kNow = "2026-03-01T10:00:00.000Z";

}  // namespace harbour::test
