#pragma once
// Starts the real `harbour` binary on 127.0.0.1:0 with a temporary data folder, reads its JSON log
// from stderr to learn the port, and stops it (SIGTERM, then SIGKILL) when the test ends.
#include "support/temp_dir.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace harbour::test {

struct ServerOptions {
  std::vector<std::string> args;              // extra command-line arguments
  std::map<std::string, std::string> env;     // extra HARBOUR_* variables
  bool expect_listening = true;
  std::optional<std::filesystem::path> data_dir;  // default: a fresh temporary folder
};

class ServerProcess {
 public:
  explicit ServerProcess(ServerOptions options = {});
  ~ServerProcess();

  std::uint16_t port() const { return port_; }
  std::uint16_t redirect_port() const { return redirect_port_; }
  const std::filesystem::path& data_dir() const { return data_dir_; }
  std::filesystem::path ca_file() const { return data_dir_ / "tls" / "cert.pem"; }

  // Sends SIGTERM and waits; returns the exit code (or 128+signal), nullopt on timeout.
  std::optional<int> terminate(std::chrono::milliseconds timeout = std::chrono::seconds(15));
  // Waits for the process to exit by itself (start-up failures).
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);

  std::vector<std::string> log_lines() const;
  // Waits until a log line containing `needle` appears.
  bool wait_for_log(const std::string& needle, std::chrono::milliseconds timeout);
  std::string stdout_text() const;

 private:
  void read_stream(int fd, bool is_stderr);

  TempDir data_;
  std::filesystem::path data_dir_;
  TempDir web_;
  int pid_ = -1;
  std::optional<int> exit_code_;
  std::uint16_t port_ = 0;
  std::uint16_t redirect_port_ = 0;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::string> err_lines_;
  std::string out_text_;
  std::thread err_reader_;
  std::thread out_reader_;
};

}  // namespace harbour::test
