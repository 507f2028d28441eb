#include "invitation_links.hpp"

#include <cstdio>
#include <regex>

#include <sys/wait.h>

namespace harbour::test {

std::string first_invitation_link(const std::string& text) {
  std::smatch m;
  if (std::regex_search(text, m, std::regex(R"(https://\S+/join#[A-Za-z0-9_-]+)"))) return m.str();
  return {};
}

std::string invitation_token(const std::string& link) {
  const auto hash = link.find("/join#");
  return hash == std::string::npos ? std::string() : link.substr(hash + 6, link.find_first_of(" \n", hash) - hash - 6);
}

std::pair<int, std::string> run_harbour(const std::string& args) {
  const std::string cmd = std::string(HARBOUR_BINARY) + " " + args + " 2>/dev/null";
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (!pipe) return {-1, {}};
  std::string out;
  char buf[4096];
  while (auto n = std::fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

}  // namespace harbour::test
