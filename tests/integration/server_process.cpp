#include "server_process.hpp"

#include <nlohmann/json.hpp>

#include <fstream>
#include <stdexcept>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace harbour::test {

ServerProcess::ServerProcess(ServerOptions options) : data_dir_(options.data_dir.value_or(data_.path())) {
  // A tiny web root of our own, so these tests do not depend on the web client build.
  std::ofstream(web_.path() / "index.html") << "<!doctype html><html lang=\"en\"><title>Harbour test</title></html>";
  std::ofstream(web_.path() / "app.js") << "export {};\n";

  std::vector<std::string> args = {HARBOUR_BINARY, "serve", "--data-dir", data_dir_.string(), "--listen",
                                   "127.0.0.1:0", "--web-root", web_.path().string()};
  args.insert(args.end(), options.args.begin(), options.args.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  std::vector<std::string> env_store;
  for (char** e = environ; *e; ++e) {
    if (std::string_view(*e).starts_with("HARBOUR_")) continue;  // only what the test sets
    env_store.emplace_back(*e);
  }
  for (const auto& [k, v] : options.env) env_store.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& e : env_store) envp.push_back(e.data());
  envp.push_back(nullptr);

  int err_pipe[2], out_pipe[2];
  if (pipe2(err_pipe, O_CLOEXEC) != 0 || pipe2(out_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  if (posix_spawn(&pid_, HARBOUR_BINARY, &actions, nullptr, argv.data(), envp.data()) != 0) {
    throw std::runtime_error("cannot start " HARBOUR_BINARY);
  }
  posix_spawn_file_actions_destroy(&actions);
  ::close(err_pipe[1]);
  ::close(out_pipe[1]);
  err_reader_ = std::thread([this, fd = err_pipe[0]] { read_stream(fd, true); });
  out_reader_ = std::thread([this, fd = out_pipe[0]] { read_stream(fd, false); });

  if (options.expect_listening) {
    if (!wait_for_log("\"event\":\"listening\"", std::chrono::seconds(20))) {
      std::string log;
      for (const auto& l : log_lines()) log += l + "\n";
      throw std::runtime_error("harbour did not start listening:\n" + log);
    }
    for (const auto& line : log_lines()) {
      auto j = nlohmann::json::parse(line, nullptr, false);
      if (j.is_object() && j.value("event", "") == "listening") {
        port_ = j.value("port", 0);
        redirect_port_ = j.value("redirect_port", 0);
      }
    }
  }
}

ServerProcess::~ServerProcess() {
  if (!exit_code_) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  if (err_reader_.joinable()) err_reader_.join();
  if (out_reader_.joinable()) out_reader_.join();
}

void ServerProcess::read_stream(int fd, bool is_stderr) {
  std::string pending;
  char buf[4096];
  for (;;) {
    const auto n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    std::lock_guard lock(mutex_);
    if (!is_stderr) {
      out_text_.append(buf, static_cast<std::size_t>(n));
      continue;
    }
    pending.append(buf, static_cast<std::size_t>(n));
    for (auto nl = pending.find('\n'); nl != std::string::npos; nl = pending.find('\n')) {
      err_lines_.push_back(pending.substr(0, nl));
      pending.erase(0, nl + 1);
    }
    cv_.notify_all();
  }
  ::close(fd);
}

std::vector<std::string> ServerProcess::log_lines() const {
  std::lock_guard lock(mutex_);
  return err_lines_;
}

std::string ServerProcess::stdout_text() const {
  std::lock_guard lock(mutex_);
  return out_text_;
}

bool ServerProcess::wait_for_log(const std::string& needle, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return cv_.wait_for(lock, timeout, [&] {
    for (const auto& l : err_lines_) {
      if (l.find(needle) != std::string::npos) return true;
    }
    return false;
  });
}

std::optional<int> ServerProcess::wait_exit(std::chrono::milliseconds timeout) {
  if (exit_code_) return exit_code_;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    const auto r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return exit_code_;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return std::nullopt;
}

std::optional<int> ServerProcess::terminate(std::chrono::milliseconds timeout) {
  if (!exit_code_) ::kill(pid_, SIGTERM);
  return wait_exit(timeout);
}

}  // namespace harbour::test
