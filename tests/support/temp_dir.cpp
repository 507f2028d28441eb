#include "support/temp_dir.hpp"

#include <stdlib.h>  // mkdtemp (POSIX)

#include <cerrno>
#include <string>
#include <system_error>
#include <vector>

namespace harbour::test {

TempDir::TempDir() {
  std::string pattern = "/tmp/harbour-test-XXXXXX";
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (mkdtemp(buffer.data()) == nullptr) {
    throw std::system_error(errno, std::generic_category(), "mkdtemp " + pattern);
  }
  path_ = buffer.data();
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace harbour::test
