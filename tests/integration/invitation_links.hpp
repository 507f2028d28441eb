#pragma once
// Helpers shared by the account tests: invitation links as the binary prints them, and the
// `harbour` command line itself.
#include <string>
#include <utility>

namespace harbour::test {

inline const std::string kTestPassword = "a long river of quiet stones";

// The first "https://.../join#<token>" in a text (stdout of the server or of `invite create`).
std::string first_invitation_link(const std::string& text);
// The token after "/join#" in a link ("" when there is none).
std::string invitation_token(const std::string& link);
// Runs `harbour <args>` and returns (exit code, stdout).
std::pair<int, std::string> run_harbour(const std::string& args);

}  // namespace harbour::test
