#pragma once
// A fresh directory under /tmp for one test (databases, certificates ...), removed with
// everything in it when the TempDir goes out of scope.
#include <filesystem>
#include <set>
#include <string>
#include <string_view>

namespace harbour::test {

class TempDir {
 public:
  TempDir();   // throws std::system_error when no directory can be made
  ~TempDir();  // never throws; a leftover directory is not worth failing a test for
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const noexcept { return path_; }
  // path() / name, e.g. dir.file("harbour.db").
  std::filesystem::path file(std::string_view name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// The names of the entries of a folder (files and folders, not recursive), sorted.
std::set<std::string> names_in(const std::filesystem::path& folder);

}  // namespace harbour::test
