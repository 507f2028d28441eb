// WebSocket fan-out load tool for the Wall (DESIGN.md section 5; schema/api/wall.md).
//
// Against a running Harbour on 127.0.0.1 (--target harbour, the default) it:
//   1. creates accounts: `harbour invite create` for a handful of members (and one admin when the
//      moderation policy or office hours are to be set), registers them over the JSON API and keeps
//      each session cookie and CSRF token; the admin enrols and confirms TOTP (staff need it), sets
//      the network's moderation policy to post_moderate with first_posts 0 and its office hours to
//      all week, 00:00-24:00;
//   2. reads the server's VmRSS, opens N WebSockets (wss://127.0.0.1:<port>/ws?wall=<slug>) spread
//      over the member sessions, with a bounded number of handshakes in flight, waits until every
//      socket has its `hello`, lets the server settle and reads VmRSS again (KiB per idle socket);
//   3. posts Wall messages through POST /api/v1/networks/<slug>/wall/messages at a fixed rate R for
//      D seconds (open loop: message i is due at t0 + i/R), from a few keep-alive HTTPS connections,
//      one per posting member; each body carries its sequence number and its CLOCK_MONOTONIC send
//      time (encoded as letters, so no digits look like a phone number to the anonymity guard);
//   4. every socket timestamps each `wall_message` event it receives; after the posts it waits for
//      the deliveries to drain (until all arrived, or none came for --drain seconds, at most
//      --drain-max), then closes every socket and reports (stdout or --md, and --json):
//      expected vs delivered deliveries (losses, duplicates), delivered/s and the ideal (posted/s x
//      sockets), delivery latency p50/p90/p99/p99.9/max, POST latency, connect times, close codes,
//      errors, and CPU used by the server, by this tool and by everything else.
//
// --target ws measures a reference peer instead (tests/bench/peers/ws_server.mjs: the `ws` package
// on https://127.0.0.1:<port>, path /ws without auth or hello, and POST /broadcast whose text body
// goes out verbatim as one text frame to every open client, answered 204). Then no accounts, no
// policy: the sockets open on /ws (connected = upgraded), and the posters POST /broadcast a frame
// shaped like Harbour's `wall_message` event for the same --body-chars (ws_fanout_frames.cpp), so
// that the frames, the receive path and the timing are the same as against Harbour. --server-pid is
// then the peer's process (VmRSS and CPU read the same way).
//
// --step-rates R1,R2,... steps the rate on the same connected sockets instead of one --rate: each
// step posts at its rate for --step-duration seconds (open loop), waits (bounded) for that step's
// deliveries, and is held to an SLO (delivery p99 <= --slo-p99-ms, delivered within the step >=
// --slo-delivery of expected, posted/s >= --slo-posted x rate); stepping stops at the first step
// that misses it. Sequence numbers carry on across steps, so every delivery counts in the step that
// posted it. The report gains "steps" and "capacity" (the highest rate that met the SLO, in
// messages/s and deliveries/s = rate x sockets); ws_fanout_steps.cpp has the arithmetic.
//
// Everything is asynchronous (Asio C++20 coroutines): the sockets are shared out over --io-threads
// io_contexts, the posters and the control flow run on the main thread. Every phase has a deadline
// and --hard-timeout bounds the whole run. It only connects to --host (127.0.0.1 by default).
//
//   harbour_ws_fanout --port 8443 --ca data/tls/cert.pem --server-pid 1234
//       --harbour build/release/harbour --data-dir data --clients 1000 --rate 10 --duration 20
//   harbour_ws_fanout --port 8443 --ca data/tls/cert.pem --server-pid 1234
//       --harbour build/release/harbour --data-dir data --clients 1000 --step-rates 20,50,100,200 --step-duration 8
//   harbour_ws_fanout --target ws --port 9443 --ca cert.pem --server-pid 4321 --clients 1000 --step-rates 20,50,100
//
// --no-wall connects to plain /ws and posts nothing (measures idle sockets only).
#include "core/crypto.hpp"
#include "services/totp.hpp"
#include "ws_fanout_frames.hpp"
#include "ws_fanout_steps.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <nlohmann/json.hpp>
#include <openssl/ssl.h>

#include <algorithm>
#include <atomic>
#include <cinttypes>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <deque>
#include <fstream>
#include <functional>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <vector>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = asio::ip::tcp;
using json = nlohmann::json;

constexpr auto kNothrow = asio::as_tuple(asio::use_awaitable);
const std::string kPassword = "a long river of quiet stones";

// ---- time ---------------------------------------------------------------------------------------
// CLOCK_MONOTONIC in microseconds; std::chrono::steady_clock is the same clock on Linux, so the
// timers below can wait for these instants.
std::int64_t mono_us() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000;
}
std::chrono::steady_clock::time_point steady_at(std::int64_t us) {
  return std::chrono::steady_clock::time_point(std::chrono::microseconds(us));
}
double seconds_since(std::int64_t start_us) { return static_cast<double>(mono_us() - start_us) / 1e6; }

asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor);
  t.expires_after(d);
  co_await t.async_wait(kNothrow);
}

void say(const std::string& text) {
  std::fprintf(stderr, "ws_fanout: %s\n", text.c_str());
  std::fflush(stderr);
}

// ---- options ------------------------------------------------------------------------------------
struct Options {
  std::string target = "harbour";  // harbour | ws (a reference peer: /ws and POST /broadcast)
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string ca_file;             // the server's certificate (self-signed: data_dir/tls/cert.pem)
  int server_pid = 0;              // for VmRSS and CPU; 0 = not measured
  std::string harbour_bin;         // for `harbour invite create`
  std::string data_dir;            // the running server's data folder
  std::string network = "default";
  std::size_t clients = 1000;
  std::size_t accounts = 8;        // member sessions the sockets are spread over
  std::size_t posters = 0;         // posting members (0: min(accounts, 8))
  std::size_t io_threads = 1;
  double rate = 10.0;              // messages per second
  double duration_s = 20.0;
  std::size_t body_chars = 160;
  std::size_t connect_concurrency = 256;
  double connect_timeout_s = 15.0; // per socket: TCP + TLS + upgrade + hello
  double connect_phase_s = 0.0;    // the whole connect phase (0: 60 s + 10 ms per socket)
  double settle_s = 3.0;           // after the last hello, before the RSS reading
  double drain_s = 10.0;           // after the last post: stop waiting once no delivery came for this long
  double drain_max_s = 120.0;      // ... or after this long in all
  double hard_timeout_s = 900.0;
  bool wall = true;                // false: /ws without ?wall, no posts
  bool set_policy = true;          // admin: post_moderate, first_posts 0
  std::string office_hours = "all-week";  // all-week | keep
  std::string post_as = "member";  // member | admin
  std::string label;
  std::string name_prefix = "Fanout";  // of the accounts it makes: runs on one database need their own
  std::string json_out;
  std::string md_out;
  std::string save_frame;          // write the first of our wall_message frames received here
  // Rate stepping (--step-rates): empty = one --rate for --duration.
  std::vector<double> step_rates;
  std::size_t warmup_steps = 0;  // the first N steps warm the server up: reported, never the capacity
  double step_duration_s = 8.0;
  double step_drain_s = 1.0;       // a step's drain ends once none of its deliveries came for this long
  double step_drain_max_s = 5.0;   // ... or this long after its last post
  harbour_bench::Slo slo;

  bool ws_peer() const { return target == "ws"; }
  bool stepping() const { return !step_rates.empty(); }
};

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(stderr,
               "ws_fanout: %s\n"
               "usage: harbour_ws_fanout --port P --ca CERT --harbour BIN --data-dir DIR [--server-pid PID]\n"
               "       harbour_ws_fanout --target ws --port P --ca CERT [--server-pid PID]\n"
               "  [--target harbour|ws] [--host 127.0.0.1] [--network default] [--clients 1000] [--accounts 8] [--posters 0]\n"
               "  [--io-threads 1] [--rate 10] [--duration 20] [--body-chars 160] [--connect-concurrency 256]\n"
               "  [--connect-timeout 15] [--connect-phase 0] [--settle 3] [--drain 10] [--drain-max 120]\n"
               "  [--step-rates R1,R2,...] [--warmup-steps 0] [--step-duration 8] [--step-drain 1] [--step-drain-max 5]\n"
               "  [--slo-p99-ms 100] [--slo-delivery 0.99] [--slo-posted 0.9]\n"
               "  [--hard-timeout 900]\n"
               "  [--no-wall] [--no-policy] [--office-hours all-week|keep] [--post-as member|admin]\n"
               "  [--label TEXT] [--name-prefix TEXT] [--json FILE] [--md FILE] [--save-frame FILE]\n",
               why.c_str());
  std::exit(2);
}

Options parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage("missing value after " + a);
      return argv[++i];
    };
    auto number = [&](double lo, double hi) {
      const auto v = value();
      char* end = nullptr;
      const double d = std::strtod(v.c_str(), &end);
      if (end == v.c_str() || *end != '\0' || !(d >= lo && d <= hi)) usage(a + " expects a number in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
      return d;
    };
    if (a == "--target") o.target = value();
    else if (a == "--host") o.host = value();
    else if (a == "--port") o.port = static_cast<std::uint16_t>(number(1, 65535));
    else if (a == "--ca") o.ca_file = value();
    else if (a == "--server-pid") o.server_pid = static_cast<int>(number(0, 1e9));
    else if (a == "--harbour") o.harbour_bin = value();
    else if (a == "--data-dir") o.data_dir = value();
    else if (a == "--network") o.network = value();
    else if (a == "--clients") o.clients = static_cast<std::size_t>(number(1, 1e6));
    else if (a == "--accounts") o.accounts = static_cast<std::size_t>(number(1, 1000));
    else if (a == "--posters") o.posters = static_cast<std::size_t>(number(0, 1000));
    else if (a == "--io-threads") o.io_threads = static_cast<std::size_t>(number(1, 64));
    else if (a == "--rate") o.rate = number(0.01, 100000);
    else if (a == "--duration") o.duration_s = number(0.1, 86400);
    else if (a == "--body-chars") o.body_chars = static_cast<std::size_t>(number(40, 1000));
    else if (a == "--connect-concurrency") o.connect_concurrency = static_cast<std::size_t>(number(1, 100000));
    else if (a == "--connect-timeout") o.connect_timeout_s = number(0.1, 3600);
    else if (a == "--connect-phase") o.connect_phase_s = number(0, 86400);
    else if (a == "--settle") o.settle_s = number(0, 3600);
    else if (a == "--drain") o.drain_s = number(0, 3600);
    else if (a == "--drain-max") o.drain_max_s = number(0, 3600);
    else if (a == "--hard-timeout") o.hard_timeout_s = number(1, 86400);
    else if (a == "--no-wall") o.wall = false;
    else if (a == "--no-policy") o.set_policy = false;
    else if (a == "--office-hours") o.office_hours = value();
    else if (a == "--post-as") o.post_as = value();
    else if (a == "--label") o.label = value();
    else if (a == "--name-prefix") o.name_prefix = value();
    else if (a == "--json") o.json_out = value();
    else if (a == "--md") o.md_out = value();
    else if (a == "--save-frame") o.save_frame = value();
    else if (a == "--step-rates") {
      const auto v = value();
      auto rates = harbour_bench::parse_rate_list(v);
      if (!rates) usage("--step-rates expects positive numbers separated by commas, e.g. 20,50,100 (got '" + v + "')");
      o.step_rates = std::move(*rates);
    }
    else if (a == "--step-duration") o.step_duration_s = number(0.5, 3600);
    else if (a == "--warmup-steps") o.warmup_steps = static_cast<std::size_t>(number(0, 100));
    else if (a == "--step-drain") o.step_drain_s = number(0.05, 600);
    else if (a == "--step-drain-max") o.step_drain_max_s = number(0.1, 3600);
    else if (a == "--slo-p99-ms") o.slo.p99_ms = number(0.001, 3.6e6);
    else if (a == "--slo-delivery") o.slo.delivery = number(0, 1);
    else if (a == "--slo-posted") o.slo.posted = number(0, 1);
    else if (a == "--help" || a == "-h") usage("help");
    else usage("unknown option " + a);
  }
  if (o.port == 0) usage("--port is required");
  if (o.target != "harbour" && o.target != "ws") usage("--target is harbour or ws");
  if (o.ws_peer()) {
    if (o.post_as != "member") usage("--post-as is for --target harbour (the ws peer has no accounts)");
  } else if (o.harbour_bin.empty() || o.data_dir.empty()) {
    usage("--harbour and --data-dir are required (accounts come from `harbour invite create`)");
  }
  if (o.stepping() && !o.wall) usage("--step-rates needs posts (not with --no-wall)");
  if (o.host != "127.0.0.1" && o.host != "::1" && o.host.rfind("127.", 0) != 0) usage("--host must be a loopback address");
  if (o.office_hours != "all-week" && o.office_hours != "keep") usage("--office-hours is all-week or keep");
  if (o.post_as != "member" && o.post_as != "admin") usage("--post-as is member or admin");
  if (o.posters == 0) o.posters = o.post_as == "admin" ? 1 : std::min<std::size_t>(o.accounts, 8);
  if (o.post_as == "member" && !o.ws_peer()) o.posters = std::min(o.posters, o.accounts);  // one member session each
  if (o.connect_phase_s == 0) o.connect_phase_s = 60.0 + 0.01 * static_cast<double>(o.clients);
  return o;
}

// ---- /proc --------------------------------------------------------------------------------------
std::optional<long> vm_rss_kib(int pid) {
  std::ifstream in("/proc/" + (pid ? std::to_string(pid) : std::string("self")) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  }
  return std::nullopt;
}

// utime + stime of a process in clock ticks.
std::optional<long long> cpu_ticks(int pid) {
  std::ifstream in("/proc/" + (pid ? std::to_string(pid) : std::string("self")) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto close = text.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream rest(text.substr(close + 2));
  std::vector<std::string> f;
  for (std::string s; rest >> s;) f.push_back(s);
  // After the command: state(0) ppid(1) ... utime is field 14 of the line, index 11 here.
  if (f.size() < 13) return std::nullopt;
  return std::stoll(f[11]) + std::stoll(f[12]);
}

// Busy and total ticks over all CPUs (first line of /proc/stat).
std::pair<long long, long long> machine_ticks() {
  std::ifstream in("/proc/stat");
  std::string cpu;
  long long v[10] = {};
  in >> cpu;
  for (auto& x : v) in >> x;
  // user nice system idle iowait irq softirq steal (guest time is already in user). Busy leaves
  // out idle, iowait and steal (time the hypervisor gave to others).
  long long total = 0;
  for (int i = 0; i < 8; ++i) total += v[i];
  return {v[0] + v[1] + v[2] + v[5] + v[6], total};
}

struct CpuSample {
  std::int64_t at_us = 0;
  long long server = 0, self = 0, busy = 0, total = 0;
};
CpuSample cpu_sample(int server_pid) {
  CpuSample s;
  s.at_us = mono_us();
  s.server = server_pid ? cpu_ticks(server_pid).value_or(-1) : -1;  // -1: not measured, or the server is gone
  s.self = cpu_ticks(0).value_or(0);
  std::tie(s.busy, s.total) = machine_ticks();
  return s;
}
json cpu_between(const CpuSample& a, const CpuSample& b, bool have_server) {
  have_server = have_server && a.server >= 0 && b.server >= 0;
  const double hz = static_cast<double>(::sysconf(_SC_CLK_TCK));
  const double wall = static_cast<double>(b.at_us - a.at_us) / 1e6;
  if (wall <= 0) return json::object();
  auto pct = [&](long long ticks) { return std::round(1000.0 * static_cast<double>(ticks) / hz / wall) / 10.0; };
  json j = {{"wall_s", std::round(wall * 100) / 100}, {"tool_pct", pct(b.self - a.self)},
            {"machine_busy_pct", pct(b.busy - a.busy)}};
  const long long other = (b.busy - a.busy) - (b.self - a.self) - (have_server ? (b.server - a.server) : 0);
  if (have_server) {
    j["server_pct"] = pct(b.server - a.server);
    j["server_cpu_s"] = std::round(100.0 * static_cast<double>(b.server - a.server) / hz) / 100;
  }
  j["other_pct"] = pct(std::max(0LL, other));
  return j;
}

std::string loadavg() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

using harbour_bench::clamp_us;
using harbour_bench::letters_name;
using harbour_bench::make_body;
using harbour_bench::parse_marker;
using harbour_bench::percentiles_ms;
using harbour_bench::type_of;

// ---- TLS ----------------------------------------------------------------------------------------
void configure_tls(asio::ssl::context& ctx, const Options& o) {
  if (!o.ca_file.empty()) {
    ctx.load_verify_file(o.ca_file);
    ctx.set_verify_mode(asio::ssl::verify_peer);
  } else {
    ctx.set_verify_mode(asio::ssl::verify_none);
  }
  // Keep this tool's own memory down at 10,000 sockets (OpenSSL frees idle record buffers).
  SSL_CTX_set_mode(ctx.native_handle(), SSL_MODE_RELEASE_BUFFERS);
  SSL_CTX_set_session_cache_mode(ctx.native_handle(), SSL_SESS_CACHE_OFF);  // a full handshake each, as distinct phones
}

// ---- HTTPS keep-alive client ----------------------------------------------------------------------
struct Reply {
  int status = 0;
  std::string body;
  std::string set_cookie;
  std::string retry_after;
  json j;
  std::string code() const {
    if (!j.is_object()) return {};
    const auto it = j.find("error");
    return it != j.end() && it->is_object() ? it->value("code", "") : std::string();
  }
};

class Https {
 public:
  Https(asio::any_io_executor ex, asio::ssl::context& ctx, const Options& o) : ex_(std::move(ex)), ctx_(ctx), o_(o) {}

  // Throws std::runtime_error on a transport failure (the next request reconnects).
  // Parameters by value: a coroutine must own what it reads after its first suspension.
  asio::awaitable<Reply> request(std::string method, std::string target, std::string body,
                                 std::vector<std::pair<std::string, std::string>> headers) {
    if (!s_) co_await connect();
    auto& s = *s_;
    bhttp::request<bhttp::string_body> req;
    req.method_string(method);
    req.target(target);
    req.version(11);
    req.set(bhttp::field::host, host_header());
    req.set(bhttp::field::user_agent, "harbour-ws-fanout");
    for (const auto& [k, v] : headers) req.set(k, v);
    if (!body.empty() || method != "GET") {
      req.body() = body;
      req.prepare_payload();
    }
    req.keep_alive(true);
    beast::get_lowest_layer(s).expires_after(std::chrono::seconds(30));
    auto [wec, wn] = co_await bhttp::async_write(s, req, kNothrow);
    if (wec) fail("write " + target + ": " + wec.message());
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(16u << 20);
    auto [rec, rn] = co_await bhttp::async_read(s, buffer_, parser, kNothrow);
    if (rec) fail("read " + target + ": " + rec.message());
    auto res = parser.release();
    Reply r;
    r.status = static_cast<int>(res.result_int());
    r.set_cookie = std::string(res[bhttp::field::set_cookie]);
    r.retry_after = std::string(res[bhttp::field::retry_after]);
    r.body = std::move(res.body());
    r.j = json::parse(r.body, nullptr, false);
    if (!res.keep_alive()) reset();
    co_return r;
  }

  std::string host_header() const { return o_.host + ":" + std::to_string(o_.port); }

 private:
  asio::awaitable<void> connect() {
    s_ = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(ex_, ctx_);
    s_->set_verify_callback(asio::ssl::host_name_verification(o_.host));
    beast::get_lowest_layer(*s_).expires_after(std::chrono::seconds(10));
    auto [cec] = co_await beast::get_lowest_layer(*s_).async_connect(tcp::endpoint(asio::ip::make_address(o_.host), o_.port), kNothrow);
    if (cec) fail("connect: " + cec.message());
    auto [hec] = co_await s_->async_handshake(asio::ssl::stream_base::client, kNothrow);
    if (hec) fail("TLS handshake: " + hec.message());
  }
  [[noreturn]] void fail(const std::string& what) {
    reset();
    throw std::runtime_error(what);
  }
  void reset() {
    if (s_) {
      beast::error_code ignored;
      beast::get_lowest_layer(*s_).socket().close(ignored);
    }
    s_.reset();
    buffer_.clear();
  }

  asio::any_io_executor ex_;
  asio::ssl::context& ctx_;
  const Options& o_;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> s_;
  beast::flat_buffer buffer_;
};

// ---- accounts -------------------------------------------------------------------------------------
struct Account {
  std::string pseudonym;
  std::string cookie;  // "name=value"
  std::string csrf;
  std::int64_t id = 0;
};

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// `harbour invite create` prints a one-time link ".../join#<token>"; returns the token.
std::string invite(const Options& o, const std::string& role) {
  const std::string cmd = shell_quote(o.harbour_bin) + " invite create --data-dir " + shell_quote(o.data_dir) +
                          " --network " + shell_quote(o.network) + " --role " + role + " 2>&1";
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot run " + o.harbour_bin);
  std::string out;
  char buf[4096];
  while (auto n = std::fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  const int status = ::pclose(pipe);
  std::smatch m;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !std::regex_search(out, m, std::regex(R"(/join#([A-Za-z0-9_-]+))"))) {
    throw std::runtime_error("harbour invite create --role " + role + " failed: " + out);
  }
  return m[1].str();
}

// Request bodies and headers are built outside the coroutines: g++ 12 miscompiles (or rejects)
// braced initializer lists in coroutine bodies.
using Headers = std::vector<std::pair<std::string, std::string>>;
json token_body(const std::string& token) { return json{{"token", token}}; }
json registration_body(const std::string& token, const std::string& pseudonym, int version) {
  return json{{"token", token}, {"pseudonym", pseudonym}, {"password", kPassword}, {"accepted_guidelines_version", version}};
}
json totp_body(const std::string& secret) {
  return json{{"code", harbour::services::totp_code(secret, std::chrono::system_clock::now())}};
}
json policy_body() { return json{{"mode", "post_moderate"}, {"first_posts", 0}}; }
json all_week_body() {
  json week = json::array();
  for (int d = 1; d <= 7; ++d) week.push_back(json{{"weekday", d}, {"opens", "00:00"}, {"closes", "24:00"}});
  return json{{"week", week}, {"closures", json::array()}};
}
std::string wall_post_body(std::uint64_t seq, std::int64_t send_us, std::size_t chars) {
  return json{{"body", make_body(seq, send_us, chars)}}.dump();
}
Headers api_headers(const std::string& origin, const std::string& method, const Account* who) {
  Headers h;
  h.emplace_back("Origin", origin);
  if (method != "GET") h.emplace_back("Content-Type", "application/json");
  if (who) {
    h.emplace_back("Cookie", who->cookie);
    if (method != "GET") h.emplace_back("X-CSRF-Token", who->csrf);
  }
  return h;
}

class Setup {
 public:
  Setup(asio::any_io_executor ex, asio::ssl::context& ctx, const Options& o) : http_(std::move(ex), ctx, o), o_(o) {}

  std::string origin() const { return "https://" + http_.host_header(); }

  // (No temporaries or ?: inside co_await expressions: g++ 12 destroys some of them twice.)
  asio::awaitable<Reply> call(std::string method, std::string target, json body, const Account* who) {
    Headers h = api_headers(origin(), method, who);
    std::string payload;
    if (method != "GET") payload = body.dump();
    Reply r = co_await http_.request(method, target, payload, h);
    co_return r;
  }

  // Registers an account from a fresh invitation; waits out the per-IP registration limit.
  asio::awaitable<Account> join(std::string role, std::string pseudonym) {
    const std::string token = invite(o_, role);
    const std::string post = "POST";
    const std::string preview_path = "/api/v1/invitations/preview";
    const json preview_json = token_body(token);
    Reply preview = co_await call(post, preview_path, preview_json, nullptr);
    if (preview.status != 200) throw std::runtime_error("invitation preview: HTTP " + std::to_string(preview.status) + " " + preview.body);
    const int version = preview.j["guidelines"].value("version", 0);
    const json reg = registration_body(token, pseudonym, version);
    Reply created;
    for (int attempt = 0;; ++attempt) {
      const std::string accounts_path = "/api/v1/accounts";
      created = co_await call(post, accounts_path, reg, nullptr);
      if (created.status != 429 || attempt >= 5) break;
      const int wait = std::clamp(std::atoi(created.retry_after.c_str()), 1, 60);
      say("registration rate-limited; waiting " + std::to_string(wait) + " s (Retry-After)");
      co_await sleep_for(std::chrono::seconds(wait));
    }
    if (created.status != 201) throw std::runtime_error("registration of " + pseudonym + ": HTTP " + std::to_string(created.status) + " " + created.body);
    Account a;
    a.pseudonym = pseudonym;
    a.cookie = created.set_cookie.substr(0, created.set_cookie.find(';'));
    a.csrf = created.j.value("csrf_token", "");
    a.id = created.j["user"].value("id", std::int64_t{0});
    if (a.cookie.empty() || a.csrf.empty()) throw std::runtime_error("registration of " + pseudonym + " gave no session cookie or CSRF token");
    if (role != "member" && role != "carer") {
      // Staff complete a second factor: enrol TOTP and confirm it with a code computed here.
      const std::string enrol_path = "/api/v1/account/totp/enrol";
      const json empty = json::object();
      Reply enrol = co_await call(post, enrol_path, empty, &a);
      if (enrol.status != 200) throw std::runtime_error("TOTP enrol: HTTP " + std::to_string(enrol.status) + " " + enrol.body);
      const auto secret = harbour::core::base32_decode(enrol.j.value("manual_key", ""));
      if (!secret) throw std::runtime_error("TOTP enrol: the manual key is not base32");
      const std::string confirm_path = "/api/v1/account/totp/confirm";
      const json code = totp_body(*secret);
      Reply confirm = co_await call(post, confirm_path, code, &a);
      if (confirm.status != 200) throw std::runtime_error("TOTP confirm: HTTP " + std::to_string(confirm.status) + " " + confirm.body);
    }
    co_return a;
  }

 private:
  Https http_;
  const Options& o_;
};

// ---- the sockets ----------------------------------------------------------------------------------
using WsStream = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;

struct Client {
  Client(asio::io_context& ioc, asio::ssl::context& ctx) : ws(ioc, ctx) {}
  WsStream ws;
  beast::flat_buffer buffer;
  std::uint32_t index = 0;
  bool open = false;       // hello received (ws peer: upgraded), not closed
  bool said_hello = false;
  bool closing = false;    // we are closing it (end of run)
  std::vector<bool> seen;  // per message seq: delivered (a bit each: sequence numbers carry on across steps)
};

// One first delivery of one of our messages on one socket.
struct Delivery {
  std::int64_t at_us;       // when it was read (CLOCK_MONOTONIC)
  std::uint32_t seq;
  std::uint32_t latency_us; // from the send time in the body
};

struct WorkerStats {
  std::vector<Delivery> deliveries;        // first deliveries, in the order they were read
  std::vector<std::uint32_t> connect_us;   // TCP connect to hello (ws peer: to the upgrade)
  std::uint64_t wall_frames = 0;           // wall_message frames with our marker (all deliveries)
  std::uint64_t wall_bytes = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t unknown_seq = 0;
  std::uint64_t other_frames = 0;          // hello, heartbeat, presence, ...
  std::map<std::string, std::uint64_t> other_types;
  std::map<std::string, std::uint64_t> connect_errors;
  std::map<std::string, std::uint64_t> closes;  // unexpected closes and read errors, by code / error
  std::int64_t last_delivery_us = 0;
};

struct Shared {
  const Options* o = nullptr;
  std::string target;       // "/ws?wall=default"
  std::string origin;
  std::size_t max_messages = 0;
  std::vector<const Account*> accounts;
  std::atomic<std::size_t> next_client{0};
  std::atomic<std::size_t> connected{0};
  std::atomic<std::size_t> connect_failed{0};
  std::atomic<std::size_t> closed_unexpectedly{0};
  std::atomic<std::size_t> connectors_running{0};
  std::atomic<std::uint64_t> deliveries{0};   // first deliveries, any seq
  std::atomic<std::int64_t> last_hello_us{0};
  std::atomic<bool> stop_connecting{false};
  // Rate stepping: the step of each sequence number (set before the sockets open, then read-only)
  // and the first deliveries of each step so far.
  std::vector<std::uint16_t> step_of_seq;
  std::unique_ptr<std::atomic<std::uint64_t>[]> step_deliveries;
  std::atomic<bool> frame_saved{false};
};

struct Worker {
  asio::io_context ioc{1};
  std::vector<std::shared_ptr<Client>> clients;
  WorkerStats stats;
  std::thread thread;
};

void on_frame(Client& c, Worker& w, Shared& sh, std::string_view text) {
  const auto now = mono_us();
  if (text.find("\"type\":\"wall_message\"") != std::string_view::npos) {
    std::uint64_t seq = 0;
    std::int64_t sent = 0;
    if (!parse_marker(text, seq, sent)) {
      ++w.stats.other_types["wall_message (not ours)"];
      return;
    }
    ++w.stats.wall_frames;
    w.stats.wall_bytes += text.size();
    if (!sh.o->save_frame.empty() && !sh.frame_saved.exchange(true)) std::ofstream(sh.o->save_frame) << text << "\n";
    if (seq >= c.seen.size()) {
      ++w.stats.unknown_seq;
      return;
    }
    if (c.seen[seq]) {
      ++w.stats.duplicates;
      return;
    }
    c.seen[seq] = true;
    w.stats.deliveries.push_back(Delivery{now, static_cast<std::uint32_t>(seq), clamp_us(now - sent)});
    w.stats.last_delivery_us = now;
    sh.deliveries.fetch_add(1, std::memory_order_relaxed);
    if (sh.step_deliveries) sh.step_deliveries[sh.step_of_seq[seq]].fetch_add(1, std::memory_order_relaxed);
    return;
  }
  ++w.stats.other_frames;
  ++w.stats.other_types[type_of(text)];
}

void record_close(Client& c, Worker& w, Shared& sh, const beast::error_code& ec) {
  if (!c.open || c.closing) {
    c.open = false;
    return;
  }
  c.open = false;
  sh.closed_unexpectedly.fetch_add(1);
  std::string key;
  if (ec == websocket::error::closed) {
    key = "close " + std::to_string(c.ws.reason().code);
    if (!c.ws.reason().reason.empty()) key += " (" + std::string(c.ws.reason().reason.c_str()) + ")";
  } else {
    key = "error: " + ec.message();
  }
  ++w.stats.closes[key];
}

asio::awaitable<void> read_loop(std::shared_ptr<Client> c, Worker& w, Shared& sh) {
  for (;;) {
    auto [ec, n] = co_await c->ws.async_read(c->buffer, kNothrow);
    if (ec) {
      record_close(*c, w, sh, ec);
      co_return;
    }
    const auto data = c->buffer.cdata();
    on_frame(*c, w, sh, std::string_view(static_cast<const char*>(data.data()), data.size()));
    c->buffer.consume(c->buffer.size());
  }
}

// Connects one socket through its hello. Returns "" or the reason it failed.
asio::awaitable<std::string> connect_client(std::shared_ptr<Client> c, Shared& sh) {
  const auto& o = *sh.o;
  const Account* who = sh.accounts.empty() ? nullptr : sh.accounts[c->index % sh.accounts.size()];
  auto& tcp_layer = beast::get_lowest_layer(c->ws);
  const auto budget = std::chrono::milliseconds(static_cast<std::int64_t>(o.connect_timeout_s * 1000));
  tcp_layer.expires_after(budget);
  auto [cec] = co_await tcp_layer.async_connect(tcp::endpoint(asio::ip::make_address(o.host), o.port), kNothrow);
  if (cec) co_return "tcp connect: " + cec.message();
  c->ws.next_layer().set_verify_callback(asio::ssl::host_name_verification(o.host));
  auto [hec] = co_await c->ws.next_layer().async_handshake(asio::ssl::stream_base::client, kNothrow);
  if (hec) co_return "tls handshake: " + hec.message();
  tcp_layer.expires_never();  // the websocket stream keeps its own timeouts from here
  websocket::stream_base::timeout t{};
  t.handshake_timeout = budget;
  t.idle_timeout = budget;  // until the hello; then the heartbeats keep it alive
  t.keep_alive_pings = false;
  c->ws.set_option(t);
  const std::string cookie = who ? who->cookie : std::string();
  const std::string origin = sh.origin;
  c->ws.set_option(websocket::stream_base::decorator([cookie, origin](websocket::request_type& req) {
    req.set(bhttp::field::origin, origin);
    if (!cookie.empty()) req.set(bhttp::field::cookie, cookie);
    req.set(bhttp::field::user_agent, "harbour-ws-fanout");
  }));
  c->ws.read_message_max(4u << 20);
  websocket::response_type res;
  const std::string host = o.host + ":" + std::to_string(o.port);
  auto [uec] = co_await c->ws.async_handshake(res, host, sh.target, kNothrow);
  if (uec) {
    if (res.result_int() != 0 && res.result_int() != 101) co_return "upgrade refused: HTTP " + std::to_string(res.result_int());
    co_return "upgrade: " + uec.message();
  }
  if (o.ws_peer()) {
    // The reference peer sends no hello and no heartbeats: connected once upgraded; a ping after
    // 45 s without a frame (answered by the peer) tells a quiet socket from a dead one.
    t.idle_timeout = std::chrono::seconds(90);
    t.keep_alive_pings = true;
    c->ws.set_option(t);
    co_return std::string();
  }
  for (int frames = 0; frames < 100; ++frames) {
    auto [rec, n] = co_await c->ws.async_read(c->buffer, kNothrow);
    if (rec) {
      if (rec == websocket::error::closed) co_return "closed before hello: " + std::to_string(c->ws.reason().code);
      co_return "read before hello: " + rec.message();
    }
    const auto data = c->buffer.cdata();
    const std::string_view text(static_cast<const char*>(data.data()), data.size());
    const bool hello = text.find("\"type\":\"hello\"") != std::string_view::npos;
    c->buffer.consume(c->buffer.size());
    if (hello) {
      // Server heartbeats come every live.heartbeat_interval (15 s); a minute of silence is a fault.
      t.idle_timeout = std::chrono::seconds(90);
      c->ws.set_option(t);
      co_return std::string();
    }
  }
  co_return "no hello in the first 100 frames";
}

asio::awaitable<void> connector_loop(Worker& w, Shared& sh, asio::ssl::context& ctx) {
  const auto& o = *sh.o;
  for (;;) {
    if (sh.stop_connecting.load()) break;
    const auto i = sh.next_client.fetch_add(1);
    if (i >= o.clients) break;
    auto c = std::make_shared<Client>(w.ioc, ctx);
    c->index = static_cast<std::uint32_t>(i);
    c->seen.assign(sh.max_messages, false);
    w.clients.push_back(c);
    const auto t0 = mono_us();
    std::string err;
    try {
      err = co_await connect_client(c, sh);
    } catch (const std::exception& e) {
      err = std::string("exception: ") + e.what();
    }
    if (!err.empty()) {
      ++w.stats.connect_errors[err];
      sh.connect_failed.fetch_add(1);
      beast::error_code ignored;
      beast::get_lowest_layer(c->ws).socket().close(ignored);
      c->seen.clear();
      c->seen.shrink_to_fit();
      continue;
    }
    const auto t1 = mono_us();
    w.stats.connect_us.push_back(clamp_us(t1 - t0));
    c->open = true;
    c->said_hello = true;
    sh.last_hello_us.store(t1);
    sh.connected.fetch_add(1);
    asio::co_spawn(w.ioc, read_loop(c, w, sh), asio::detached);
  }
  sh.connectors_running.fetch_sub(1);
}

asio::awaitable<void> close_all(Worker& w) {
  for (auto& c : w.clients) {
    if (!c->open) continue;
    c->closing = true;
    auto cc = c;
    asio::co_spawn(w.ioc, [cc]() -> asio::awaitable<void> {
      co_await cc->ws.async_close(websocket::close_code::normal, kNothrow);
    }, asio::detached);
  }
  co_return;
}

// ---- posters --------------------------------------------------------------------------------------
enum class PostOutcome : std::uint8_t { NotSent = 0, Published, Held, Failed };

// What the posts of one batch (the run, or one step) did.
struct PostStats {
  std::vector<std::uint32_t> post_latency_us;  // POST to 201 (ws peer: 204)
  std::map<std::string, std::uint64_t> statuses;  // "201 published", "429 rate_limited", "204", "error: ..."
  std::uint64_t late_50ms = 0;
  std::int64_t max_late_us = 0;
  std::int64_t first_send_us = 0, last_send_us = 0;
};

// By sequence number, over the whole run.
struct PostLog : PostStats {
  std::vector<PostOutcome> outcome;
  std::vector<std::int64_t> sent_us;
};

// Messages [first_seq, first_seq + count) at `rate` a second from t0 (open loop: message first_seq + k
// is due at t0 + k / rate); none is sent after stop_us.
struct PostBatch {
  std::int64_t t0_us = 0;
  double rate = 1;
  std::size_t first_seq = 0;
  std::size_t count = 0;
  std::int64_t stop_us = 0;
};

// One posting connection: the member `who` posting to the Wall (Harbour), or POST /broadcast with
// a frame shaped like Harbour's wall_message event (the ws peer; `who` is null).
asio::awaitable<void> poster(std::size_t p, std::size_t posters, const Account* who, asio::ssl::context& ctx, const Options& o,
                             PostBatch batch, PostLog& log, PostStats& stats) {
  Https http(co_await asio::this_coro::executor, ctx, o);
  const bool peer = o.ws_peer();
  const std::string target = peer ? std::string("/broadcast") : "/api/v1/networks/" + o.network + "/wall/messages";
  Headers headers;
  if (peer) {
    headers.emplace_back("Origin", "https://" + http.host_header());
    headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
  } else {
    headers = api_headers("https://" + http.host_header(), "POST", who);
  }
  const std::size_t author = p % std::max<std::size_t>(1, o.accounts);
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (std::size_t k = p; k < batch.count; k += posters) {
    const std::size_t i = batch.first_seq + k;
    const std::int64_t due = batch.t0_us + static_cast<std::int64_t>(std::llround(static_cast<double>(k) * 1e6 / batch.rate));
    if (mono_us() < due) {
      timer.expires_at(steady_at(due));
      co_await timer.async_wait(kNothrow);
    }
    const auto send = mono_us();
    if (send > batch.stop_us) break;
    const auto late = send - due;
    if (late > 50'000) ++stats.late_50ms;
    stats.max_late_us = std::max(stats.max_late_us, late);
    if (stats.first_send_us == 0 || send < stats.first_send_us) stats.first_send_us = send;
    stats.last_send_us = std::max(stats.last_send_us, send);
    log.sent_us[i] = send;
    try {
      std::string payload = peer ? harbour_bench::mimic_wall_frame(i, send, o.body_chars, author, o.network)
                                 : wall_post_body(i, send, o.body_chars);
      const std::string method = "POST";
      const Reply r = co_await http.request(method, target, payload, headers);
      const auto done = mono_us();
      if (peer && r.status == 204) {
        log.outcome[i] = PostOutcome::Published;
        stats.post_latency_us.push_back(clamp_us(done - send));
        ++stats.statuses["204"];
      } else if (!peer && r.status == 201) {
        std::string state;
        if (r.j.is_object() && r.j.contains("post") && r.j["post"].is_object()) state = r.j["post"].value("state", "");
        if (state.empty() && r.j.is_object() && r.j.contains("moderation") && r.j["moderation"].is_object()) {
          state = r.j["moderation"].value("outcome", "");
        }
        const bool published = state == "published";
        log.outcome[i] = published ? PostOutcome::Published : PostOutcome::Held;
        stats.post_latency_us.push_back(clamp_us(done - send));
        ++stats.statuses["201 " + (state.empty() ? std::string("(no post.state)") : state)];
      } else {
        log.outcome[i] = PostOutcome::Failed;
        ++stats.statuses[peer ? std::to_string(r.status) : std::to_string(r.status) + " " + r.code()];
      }
    } catch (const std::exception& e) {
      log.outcome[i] = PostOutcome::Failed;
      ++stats.statuses[std::string("error: ") + e.what()];
    }
  }
}

// ---- the run --------------------------------------------------------------------------------------
struct Run {
  Options o;
  asio::ssl::context ctx{asio::ssl::context::tls_client};
  std::vector<std::unique_ptr<Worker>> workers;
  Shared sh;
  std::vector<Account> members;
  std::optional<Account> admin;
  PostLog posts;
  json report = json::object();
  std::vector<std::string> problems;
  std::int64_t start_us = mono_us();
  std::int64_t hard_deadline_us = 0;

  bool past_deadline() const { return mono_us() > hard_deadline_us; }

  asio::awaitable<bool> wait_until(std::function<bool()> done, std::int64_t until_us, std::chrono::milliseconds poll) {
    while (!done()) {
      if (mono_us() >= until_us || past_deadline()) co_return done();
      co_await sleep_for(poll);
    }
    co_return true;
  }

  asio::awaitable<void> main_flow() {
    const auto ex = co_await asio::this_coro::executor;
    report["label"] = o.label;
    report["settings"] = settings_json();
    report["loadavg_start"] = loadavg();

    // 1. Accounts (Harbour; the ws peer has none).
    if (!o.ws_peer()) {
      Setup setup(ex, ctx, o);
      say("creating " + std::to_string(o.accounts) + " member accounts" + (need_admin() ? " and an admin" : ""));
      const std::string member_role = "member", admin_role = "admin", admin_name = o.name_prefix + " Kestrel";
      const std::string get = "GET", put = "PUT";
      for (std::size_t i = 0; i < o.accounts; ++i) {
        const std::string name = o.name_prefix + " Reader " + letters_name(i);
        Account a = co_await setup.join(member_role, name);
        members.push_back(a);
      }
      if (need_admin()) {
        Account a = co_await setup.join(admin_role, admin_name);
        admin = a;
      }
      if (o.wall && o.set_policy) {
        const std::string path = "/api/v1/networks/" + o.network + "/moderation/policy";
        const json body = policy_body();
        Reply r = co_await setup.call(put, path, body, &*admin);
        report["setup_policy"] = r.status;
        if (r.status != 200) problems.push_back("PUT moderation/policy: HTTP " + std::to_string(r.status) + " " + r.body);
      }
      if (o.wall && o.office_hours == "all-week") {
        const std::string path = "/api/v1/networks/" + o.network + "/office-hours";
        const json body = all_week_body();
        Reply r = co_await setup.call(put, path, body, &*admin);
        report["setup_office_hours"] = r.status;
        if (r.status != 200) problems.push_back("PUT office-hours: HTTP " + std::to_string(r.status) + " " + r.body);
      }
      if (o.wall) {
        const std::string path = "/api/v1/networks/" + o.network + "/wall";
        const json none;
        Reply r = co_await setup.call(get, path, none, &members.front());
        if (r.status == 200) {
          report["wall_before"] = wall_summary(r.j);
          if (!r.j.value("can_post", true)) problems.push_back("GET /wall says can_post false: " + r.j.value("read_only_reason", json()).dump());
        } else {
          problems.push_back("GET /networks/" + o.network + "/wall: HTTP " + std::to_string(r.status) + " " + r.body);
        }
      }
      for (const auto& m : members) sh.accounts.push_back(&m);
    }

    // 2. Idle sockets and memory.
    co_await sleep_for(std::chrono::milliseconds(500));
    const auto rss_before = o.server_pid ? vm_rss_kib(o.server_pid) : std::nullopt;
    const auto self_rss_before = vm_rss_kib(0);
    say("server VmRSS before: " + (rss_before ? std::to_string(*rss_before) + " KiB" : std::string("n/a")) + "; opening " +
        std::to_string(o.clients) + " sockets to " + sh.target);
    const auto cpu_connect0 = cpu_sample(o.server_pid);
    const auto connect_start = mono_us();
    start_workers();
    const auto connect_deadline = connect_start + static_cast<std::int64_t>(o.connect_phase_s * 1e6);
    std::size_t last_report = 0;
    const std::function<bool()> all_tried = [&] {
      const auto done = sh.connected.load() + sh.connect_failed.load();
      if (done >= last_report + std::max<std::size_t>(1000, o.clients / 5)) {
        last_report = done;
        say("  " + std::to_string(sh.connected.load()) + " connected, " + std::to_string(sh.connect_failed.load()) + " failed, " +
            std::to_string(std::lround(seconds_since(connect_start))) + " s");
      }
      return sh.connectors_running.load() == 0;
    };
    co_await wait_until(all_tried, connect_deadline, std::chrono::milliseconds(50));
    sh.stop_connecting.store(true);
    const auto cpu_connect1 = cpu_sample(o.server_pid);
    const auto connected = sh.connected.load();
    const double connect_phase = static_cast<double>(std::max(sh.last_hello_us.load(), connect_start) - connect_start) / 1e6;
    if (sh.connectors_running.load() != 0) problems.push_back("the connect phase hit its deadline (--connect-phase)");
    say(std::to_string(connected) + " of " + std::to_string(o.clients) + " sockets " + (o.ws_peer() ? "upgraded" : "said hello") + " in " +
        fmt(connect_phase, 2) + " s (" + std::to_string(sh.connect_failed.load()) + " failed)");
    co_await sleep_for(std::chrono::milliseconds(static_cast<std::int64_t>(o.settle_s * 1000)));
    const auto rss_idle = o.server_pid ? vm_rss_kib(o.server_pid) : std::nullopt;
    const auto open_idle = connected - sh.closed_unexpectedly.load();
    json mem = memory_json(rss_before, rss_idle, self_rss_before, open_idle);
    if (rss_before && rss_idle && open_idle > 0) {
      mem["kib_per_idle_socket"] = std::round(100.0 * static_cast<double>(*rss_idle - *rss_before) / static_cast<double>(open_idle)) / 100;
    }
    report["memory"] = mem;
    say("server VmRSS with " + std::to_string(open_idle) + " idle sockets: " + (rss_idle ? std::to_string(*rss_idle) + " KiB" : "n/a") +
        (mem.contains("kib_per_idle_socket") ? " (" + mem["kib_per_idle_socket"].dump() + " KiB per socket)" : ""));

    // 3. Posts, 4. deliveries: one rate, or the steps.
    CpuSample cpu_post0{}, cpu_post1{};
    std::int64_t post_start = 0, post_end = 0, drain_end = 0;
    std::size_t total = 0;
    if (o.wall && connected > 0 && o.stepping()) {
      total = sh.max_messages;
      posts.outcome.assign(total, PostOutcome::NotSent);
      posts.sent_us.assign(total, 0);
      cpu_post0 = cpu_sample(o.server_pid);
      post_start = mono_us();
      for (std::size_t k = 0; k < o.step_rates.size(); ++k) {
        const bool go_on = co_await run_step(ex, k, connected);
        // A warm-up step (the server's first load: JIT, caches, allocator) never stops the run.
        if (k < o.warmup_steps) {
          steps.back().warmup = true;
          if (step_stop == "slo") step_stop = "completed";
          continue;
        }
        if (!go_on) break;
      }
      post_end = mono_us();
      // What is still in flight (the last step's backlog) gets the usual drain (--drain, --drain-max),
      // so that the totals tell late deliveries from lost ones.
      std::size_t published = 0;
      for (auto x : posts.outcome) published += x == PostOutcome::Published;
      const auto open_now = [&] { return connected - sh.closed_unexpectedly.load(); };
      std::uint64_t seen_count = sh.deliveries.load();
      std::int64_t last_progress = mono_us();
      const std::function<bool()> drained = [&] {
        const auto now_count = sh.deliveries.load();
        if (now_count != seen_count) {
          seen_count = now_count;
          last_progress = mono_us();
        }
        return now_count >= published * open_now() || mono_us() - last_progress > static_cast<std::int64_t>(o.drain_s * 1e6);
      };
      if (!drained()) {
        say("waiting for the deliveries still in flight (until " + fmt(o.drain_s, 0) + " s pass without one, at most " +
            fmt(o.drain_max_s, 0) + " s)");
      }
      const std::int64_t drain_until = std::min<std::int64_t>(post_end + static_cast<std::int64_t>(o.drain_max_s * 1e6), soft_deadline_us());
      co_await wait_until(drained, drain_until, std::chrono::milliseconds(10));
      drain_end = mono_us();
      cpu_post1 = cpu_sample(o.server_pid);
    } else if (o.wall && connected > 0) {
      total = sh.max_messages;
      posts.outcome.assign(total, PostOutcome::NotSent);
      posts.sent_us.assign(total, 0);
      say("posting " + std::to_string(total) + " messages at " + fmt(o.rate, 2) + "/s for " + fmt(o.duration_s, 1) + " s from " +
          std::to_string(o.posters) + " " + (o.ws_peer() ? std::string("/broadcast") : o.post_as) + " connection(s)");
      cpu_post0 = cpu_sample(o.server_pid);
      post_start = mono_us() + 200'000;
      PostBatch batch;
      batch.t0_us = post_start;
      batch.rate = o.rate;
      batch.first_seq = 0;
      batch.count = total;
      batch.stop_us = post_start + static_cast<std::int64_t>((o.duration_s + 30) * 1e6);
      const auto running = start_posters(ex, batch, posts);
      const std::function<bool()> posters_done = [&] { return running->load() == 0; };
      co_await wait_until(posters_done, batch.stop_us + 35'000'000, std::chrono::milliseconds(20));
      post_end = mono_us();
      std::size_t published = 0;
      for (auto x : posts.outcome) published += x == PostOutcome::Published;
      const auto open_now = [&] { return connected - sh.closed_unexpectedly.load(); };
      say("posts done in " + fmt(static_cast<double>(post_end - post_start) / 1e6, 2) + " s: " + std::to_string(published) +
          " published; waiting for the deliveries (until " + fmt(o.drain_s, 0) + " s pass without one, at most " +
          fmt(o.drain_max_s, 0) + " s)");
      // Done when every open socket has every published message, or when deliveries stop coming.
      std::uint64_t seen_count = sh.deliveries.load();
      std::int64_t last_progress = mono_us();
      const std::function<bool()> drained = [&] {
        const auto now_count = sh.deliveries.load();
        if (now_count != seen_count) {
          seen_count = now_count;
          last_progress = mono_us();
        }
        return now_count >= published * open_now() || mono_us() - last_progress > static_cast<std::int64_t>(o.drain_s * 1e6);
      };
      co_await wait_until(drained, post_end + static_cast<std::int64_t>(o.drain_max_s * 1e6), std::chrono::milliseconds(10));
      drain_end = mono_us();
      cpu_post1 = cpu_sample(o.server_pid);
    } else if (o.wall) {
      problems.push_back("no socket connected: nothing posted");
    }
    const auto rss_load = o.server_pid ? vm_rss_kib(o.server_pid) : std::nullopt;
    if (rss_load && o.wall) report["memory"]["server_rss_after_posts_kib"] = *rss_load;
    report["memory"]["tool_rss_end_kib"] = vm_rss_kib(0).value_or(0);

    // 5. Close the sockets, stop the threads.
    for (auto& w : workers) asio::co_spawn(w->ioc, close_all(*w), asio::detached);
    co_await sleep_for(std::chrono::milliseconds(close_wait_ms()));
    stop_workers();

    // 6. Report.
    build_report(connect_start, connected, connect_phase, cpu_connect0, cpu_connect1, cpu_post0, cpu_post1, post_start, post_end,
                 drain_end, total);
  }

  std::int64_t close_wait_ms() const { return std::min<std::int64_t>(5000, 500 + static_cast<std::int64_t>(o.clients) / 5); }

  // The posting connections for one batch; the counter falls to 0 once every one has finished.
  std::shared_ptr<std::atomic<std::size_t>> start_posters(const asio::any_io_executor& ex, const PostBatch& batch, PostStats& stats) {
    std::vector<const Account*> who;
    if (o.ws_peer()) who.assign(o.posters, nullptr);
    else if (o.post_as == "admin") who.assign(o.posters, &*admin);
    else for (std::size_t p = 0; p < o.posters; ++p) who.push_back(&members[p % members.size()]);
    auto running = std::make_shared<std::atomic<std::size_t>>(o.posters);
    for (std::size_t p = 0; p < o.posters; ++p) {
      asio::co_spawn(ex, poster(p, o.posters, who[p], ctx, o, batch, posts, stats),
                     [this, running](std::exception_ptr e) {
                       running->fetch_sub(1);
                       if (!e) return;
                       try {
                         std::rethrow_exception(e);
                       } catch (const std::exception& x) {
                         problems.push_back(std::string("a poster stopped: ") + x.what());
                       }
                     });
    }
    return running;
  }

  // ---- rate stepping ----
  std::vector<std::size_t> step_first, step_count;       // sequence numbers of each step
  std::deque<PostStats> step_posts;                       // outlives late posters (stable addresses)
  std::vector<harbour_bench::StepResult> steps;
  std::vector<std::int64_t> step_cutoff_us;               // end of each step's drain
  std::string step_stop = "completed";

  // Posting may run late by this much before the remaining messages of a step are dropped.
  double step_slack_s() const { return std::clamp(0.5 * o.step_duration_s, 1.0, 10.0); }
  // The steps end this long before --hard-timeout, to close the sockets and write the report.
  std::int64_t soft_deadline_us() const { return hard_deadline_us - (close_wait_ms() + 5000) * 1000; }

  struct Gathered {
    std::vector<std::uint32_t> latency_us;
    std::uint64_t delivered = 0, in_window = 0;
  };
  // Runs on a worker's thread: its first deliveries of published messages [first, first + mask.size())
  // read by cutoff_us (in_window: before window_end_us). The records are in the order they were
  // read, and none of the step's came before its start (from_us): only the tail is scanned.
  static asio::awaitable<Gathered> gather(Worker& w, std::size_t first, std::vector<bool> mask, std::int64_t from_us,
                                          std::int64_t cutoff_us, std::int64_t window_end_us) {
    Gathered g;
    const auto& all = w.stats.deliveries;
    for (auto it = all.rbegin(); it != all.rend() && it->at_us >= from_us; ++it) {
      const auto& d = *it;
      if (d.seq < first || d.seq >= first + mask.size() || !mask[d.seq - first] || d.at_us > cutoff_us) continue;
      ++g.delivered;
      g.in_window += d.at_us < window_end_us ? 1 : 0;
      g.latency_us.push_back(d.latency_us);
    }
    co_return g;
  }

  // Step k: post, drain, measure, judge. False when stepping stops here.
  asio::awaitable<bool> run_step(asio::any_io_executor ex, std::size_t k, std::size_t connected) {
    harbour_bench::StepResult s;
    s.index = k + 1;
    s.rate = o.step_rates[k];
    s.duration_s = o.step_duration_s;
    s.first_seq = step_first[k];
    s.scheduled = step_count[k];
    const auto closed0 = sh.closed_unexpectedly.load();
    s.sockets = connected - closed0;
    if (s.sockets == 0) {
      step_stop = "no_sockets";
      co_return false;
    }
    const double need_s = 0.2 + o.step_duration_s + step_slack_s() + o.step_drain_max_s + 1.0;
    if (mono_us() + static_cast<std::int64_t>(need_s * 1e6) > soft_deadline_us()) {
      say("step " + std::to_string(s.index) + " (" + fmt(s.rate, 2) + "/s) skipped: not enough of --hard-timeout left");
      step_stop = "time";
      co_return false;
    }
    say("step " + std::to_string(s.index) + ": " + fmt(s.rate, 2) + " messages/s for " + fmt(o.step_duration_s, 1) + " s on " +
        std::to_string(s.sockets) + " sockets (" + std::to_string(s.scheduled) + " messages, seq " + std::to_string(s.first_seq) + "..)");
    const auto cpu0 = cpu_sample(o.server_pid);
    PostBatch batch;
    batch.t0_us = mono_us() + 200'000;
    batch.rate = s.rate;
    batch.first_seq = s.first_seq;
    batch.count = s.scheduled;
    batch.stop_us = batch.t0_us + static_cast<std::int64_t>((o.step_duration_s + step_slack_s()) * 1e6);
    PostStats& ps = step_posts.emplace_back();
    const auto running = start_posters(ex, batch, ps);
    const std::function<bool()> posters_done = [&] { return running->load() == 0; };
    const std::int64_t posters_until = std::min<std::int64_t>(batch.stop_us + 35'000'000, soft_deadline_us());
    co_await wait_until(posters_done, posters_until, std::chrono::milliseconds(5));
    const bool posters_finished = running->load() == 0;
    const auto post_end = mono_us();

    std::vector<bool> mask(s.scheduled, false);
    for (std::size_t i = 0; i < s.scheduled; ++i) {
      const auto out = posts.outcome[s.first_seq + i];
      mask[i] = out == PostOutcome::Published;
      s.published += out == PostOutcome::Published;
      s.held += out == PostOutcome::Held;
      s.failed += out == PostOutcome::Failed;
      s.sent += posts.sent_us[s.first_seq + i] != 0;
    }
    s.expected = static_cast<std::uint64_t>(s.published) * s.sockets;

    // Drain: every open socket has every published message of the step, or none of its deliveries
    // came for --step-drain, at most --step-drain-max after the last post.
    const auto open_now = [&] { return connected - sh.closed_unexpectedly.load(); };
    std::uint64_t seen_count = sh.step_deliveries[k].load();
    std::int64_t last_progress = post_end;
    bool all_in = false;
    const std::function<bool()> drained = [&] {
      const auto now_count = sh.step_deliveries[k].load();
      if (now_count != seen_count) {
        seen_count = now_count;
        last_progress = mono_us();
      }
      all_in = now_count >= static_cast<std::uint64_t>(s.published) * open_now();
      return all_in || mono_us() - last_progress > static_cast<std::int64_t>(o.step_drain_s * 1e6);
    };
    const std::int64_t drain_until = std::min<std::int64_t>(post_end + static_cast<std::int64_t>(o.step_drain_max_s * 1e6), soft_deadline_us());
    co_await wait_until(drained, drain_until, std::chrono::milliseconds(5));
    const auto cutoff = mono_us();
    const auto cpu1 = cpu_sample(o.server_pid);
    s.drain_s = static_cast<double>(cutoff - post_end) / 1e6;
    s.drained = all_in;
    s.closed_during = sh.closed_unexpectedly.load() - closed0;

    // Posting figures (as for one rate: n sends span n - 1 intervals; the window is n intervals).
    s.statuses = ps.statuses;
    s.late_over_50ms = ps.late_50ms;
    s.max_late_ms = static_cast<double>(ps.max_late_us) / 1000.0;
    s.post_latency_us = ps.post_latency_us;
    const double post_window = ps.last_send_us > ps.first_send_us ? static_cast<double>(ps.last_send_us - ps.first_send_us) / 1e6 : 0;
    const double interval = s.sent > 1 ? post_window / static_cast<double>(s.sent - 1) : 1.0 / s.rate;
    s.window_s = s.sent > 0 ? post_window + interval : 0;
    s.posted_per_s = s.window_s > 0 ? static_cast<double>(s.published) / s.window_s : 0;
    const std::int64_t window_end = ps.first_send_us + static_cast<std::int64_t>(s.window_s * 1e6);

    // Deliveries, read on each worker's own thread.
    for (auto& w : workers) {
      // (The operation is built outside co_await: g++ 12 and temporaries in co_await expressions.)
      auto op = asio::co_spawn(w->ioc, gather(*w, s.first_seq, mask, batch.t0_us, cutoff, window_end), asio::use_awaitable);
      Gathered g = co_await std::move(op);
      s.delivered += g.delivered;
      s.delivered_in_window += g.in_window;
      s.latency_us.insert(s.latency_us.end(), g.latency_us.begin(), g.latency_us.end());
    }
    s.cpu = cpu_between(cpu0, cpu1, o.server_pid != 0);
    if (o.server_pid && s.delivered && cpu0.server >= 0 && cpu1.server >= 0) {
      const double hz = static_cast<double>(::sysconf(_SC_CLK_TCK));
      s.server_us_per_delivery = std::round(10.0 * static_cast<double>(cpu1.server - cpu0.server) / hz * 1e6 / static_cast<double>(s.delivered)) / 10;
    }
    harbour_bench::evaluate(s, o.slo);
    const bool out_of_time = cutoff >= soft_deadline_us();
    const bool cut_short = !posters_finished || out_of_time;
    if (cut_short) {
      s.met = false;
      s.failures.push_back(out_of_time ? "cut short by --hard-timeout" : "posts still unanswered 35 s after the step");
    }
    say("step " + std::to_string(s.index) + ": posted " + fmt(s.posted_per_s, 1) + "/s, delivered " + std::to_string(s.delivered) + " of " +
        std::to_string(s.expected) + " (" + fmt(s.delivered_ratio, 4) + "), latency p50/p99/max " + s.latency_ms.value("p50", json()).dump() +
        " / " + s.latency_ms.value("p99", json()).dump() + " / " + s.latency_ms.value("max", json()).dump() + " ms, POST p99 " +
        s.post_latency_ms.value("p99", json()).dump() + " ms, drain " + fmt(s.drain_s, 2) + " s: " +
        (s.met ? std::string("SLO met") : "SLO missed (" + s.failures.front() + ")"));
    const bool met = s.met;
    steps.push_back(std::move(s));
    step_cutoff_us.push_back(cutoff);
    if (out_of_time) step_stop = "time";
    else if (!met) step_stop = "slo";
    co_return met;
  }

  json settings_json() const {
    json j = {{"clients", o.clients},       {"accounts", o.accounts},   {"posters", o.posters},
              {"io_threads", o.io_threads}, {"rate_per_s", o.rate},     {"duration_s", o.duration_s},
              {"body_chars", o.body_chars}, {"connect_concurrency", o.connect_concurrency},
              {"post_as", o.post_as},       {"wall", o.wall},           {"network", o.network}};
    j["target"] = o.target;
    j["ws_path"] = sh.target;
    if (o.stepping()) {
      j["step_rates"] = o.step_rates;
      j["step_duration_s"] = o.step_duration_s;
      j["step_drain_s"] = o.step_drain_s;
      j["step_drain_max_s"] = o.step_drain_max_s;
      j["slo"] = {{"p99_ms", o.slo.p99_ms}, {"delivered_ratio", o.slo.delivery}, {"posted_ratio", o.slo.posted}};
      // rate_per_s and duration_s do not apply when stepping.
      j.erase("rate_per_s");
      j.erase("duration_s");
    }
    return j;
  }
  static json wall_summary(const json& j) {
    if (!j.is_object()) return json();
    return json{{"office", j.value("office", json())}, {"can_post", j.value("can_post", json())},
                {"read_only_reason", j.value("read_only_reason", json())}};
  }
  static json memory_json(std::optional<long> rss_before, std::optional<long> rss_idle, std::optional<long> self_before,
                          std::size_t open_idle) {
    const auto self_now = vm_rss_kib(0);
    return json{{"server_rss_before_kib", rss_before ? json(*rss_before) : json()},
                {"server_rss_idle_kib", rss_idle ? json(*rss_idle) : json()},
                {"tool_rss_before_kib", self_before ? json(*self_before) : json()},
                {"tool_rss_idle_kib", self_now ? json(*self_now) : json()},
                {"open_sockets_at_reading", open_idle}};
  }

  bool need_admin() const { return !o.ws_peer() && o.wall && (o.set_policy || o.office_hours == "all-week" || o.post_as == "admin"); }

  static std::string fmt(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
  }

  void start_workers() {
    const auto per = std::max<std::size_t>(1, o.connect_concurrency / o.io_threads);
    for (std::size_t t = 0; t < o.io_threads; ++t) {
      auto& w = *workers[t];
      const std::size_t n = std::max<std::size_t>(1, t + 1 == o.io_threads ? o.connect_concurrency - per * (o.io_threads - 1) : per);
      w.clients.reserve(o.clients / o.io_threads + 1);
      for (std::size_t k = 0; k < n; ++k) {
        sh.connectors_running.fetch_add(1);
        asio::co_spawn(w.ioc, connector_loop(w, sh, ctx), asio::detached);
      }
      w.thread = std::thread([&w] {
        auto guard = asio::make_work_guard(w.ioc);
        w.ioc.run();
      });
    }
  }

  void stop_workers() {
    for (auto& w : workers) w->ioc.stop();
    for (auto& w : workers) {
      if (w->thread.joinable()) w->thread.join();
    }
  }

  void build_report(std::int64_t connect_start, std::size_t connected, double connect_phase, const CpuSample& cc0, const CpuSample& cc1,
                    const CpuSample& cp0, const CpuSample& cp1, std::int64_t post_start, std::int64_t post_end, std::int64_t drain_end,
                    std::size_t total) {
    (void)connect_start;
    std::vector<std::uint32_t> connect_us, latency_us;
    WorkerStats sum;
    std::int64_t last_delivery = 0;
    for (auto& w : workers) {
      auto& s = w->stats;
      connect_us.insert(connect_us.end(), s.connect_us.begin(), s.connect_us.end());
      for (const auto& d : s.deliveries) latency_us.push_back(d.latency_us);
      sum.wall_frames += s.wall_frames;
      sum.wall_bytes += s.wall_bytes;
      sum.duplicates += s.duplicates;
      sum.unknown_seq += s.unknown_seq;
      sum.other_frames += s.other_frames;
      for (auto& [k, v] : s.other_types) sum.other_types[k] += v;
      for (auto& [k, v] : s.connect_errors) sum.connect_errors[k] += v;
      for (auto& [k, v] : s.closes) sum.closes[k] += v;
      last_delivery = std::max(last_delivery, s.last_delivery_us);
    }

    // Exact accounting: every socket that said hello should hold every published message once.
    std::vector<std::size_t> published_seqs, held_seqs;
    for (std::size_t i = 0; i < posts.outcome.size(); ++i) {
      if (posts.outcome[i] == PostOutcome::Published) published_seqs.push_back(i);
      if (posts.outcome[i] == PostOutcome::Held) held_seqs.push_back(i);
    }
    std::uint64_t expected = 0, delivered = 0, lost_open = 0, lost_closed = 0, sockets_missing = 0, held_delivered = 0;
    std::size_t closed_sockets = 0;
    for (auto& w : workers) {
      for (auto& c : w->clients) {
        if (!c->said_hello) continue;
        const bool stayed = c->open || c->closing;
        if (!stayed) ++closed_sockets;
        std::uint64_t missing = 0;
        for (auto s : published_seqs) {
          ++expected;
          if (c->seen[s]) ++delivered;
          else ++missing;
        }
        for (auto s : held_seqs) held_delivered += c->seen[s] ? 1 : 0;
        if (missing) ++sockets_missing;
        (stayed ? lost_open : lost_closed) += missing;
      }
    }

    report["connect"] = {{"requested", o.clients},
                         {"connected", connected},
                         {"failed", sh.connect_failed.load()},
                         {"phase_s", std::round(connect_phase * 100) / 100},
                         {"per_socket_ms", percentiles_ms(connect_us)},
                         {"errors", sum.connect_errors},
                         {"cpu", cpu_between(cc0, cc1, o.server_pid != 0)}};
    if (o.server_pid && connected && cc0.server >= 0 && cc1.server >= 0) {
      const double hz = static_cast<double>(::sysconf(_SC_CLK_TCK));
      report["connect"]["server_cpu_us_per_socket"] =
          std::round(static_cast<double>(cc1.server - cc0.server) / hz * 1e6 / static_cast<double>(connected));
    }

    const double post_window = posts.last_send_us > posts.first_send_us ? static_cast<double>(posts.last_send_us - posts.first_send_us) / 1e6 : 0;
    const std::size_t sent = static_cast<std::size_t>(std::count_if(posts.sent_us.begin(), posts.sent_us.end(), [](auto v) { return v != 0; }));
    json posting = {{"scheduled", total},
                    {"sent", sent},
                    {"published", published_seqs.size()},
                    {"held", held_seqs.size()},
                    {"failed", static_cast<std::size_t>(std::count(posts.outcome.begin(), posts.outcome.end(), PostOutcome::Failed))},
                    {"statuses", posts.statuses},
                    {"rate_target_per_s", o.rate},
                    {"late_over_50ms", posts.late_50ms},
                    {"max_late_ms", std::round(static_cast<double>(posts.max_late_us) / 100.0) / 10.0},
                    {"post_latency_ms", percentiles_ms(posts.post_latency_us)}};
    // The posting window: n sends span n-1 intervals; the window is n intervals long, from the
    // first send, so that posted/s is n / window.
    const double interval = sent > 1 ? post_window / static_cast<double>(sent - 1) : 1.0 / o.rate;
    const double window = post_window + interval;
    const double posted_per_s = sent > 0 ? static_cast<double>(published_seqs.size()) / window : 0;
    posting["rate_achieved_per_s"] = std::round(posted_per_s * 100) / 100;
    posting["window_s"] = std::round(window * 100) / 100;
    if (o.wall && !o.stepping()) report["posting"] = posting;

    const std::size_t sockets = connected - closed_sockets;  // still open at the end
    // delivered/s: deliveries that arrived within the posting window, over its length; in steady
    // state it matches posted/s x sockets (ideal) when the fan-out keeps up, and falls behind when
    // it does not. The overall figure counts every delivery up to the last one.
    const std::int64_t window_end = posts.first_send_us + static_cast<std::int64_t>(window * 1e6);
    std::uint64_t in_window = 0;
    for (auto& w : workers) {
      for (const auto& d : w->stats.deliveries) in_window += d.at_us < window_end ? 1 : 0;
    }
    const double delivered_per_s = window > 0 && posts.first_send_us ? static_cast<double>(in_window) / window : 0;
    const double overall_window = last_delivery > posts.first_send_us && posts.first_send_us ? static_cast<double>(last_delivery - posts.first_send_us) / 1e6 : 0;
    const double delivered_per_s_overall = overall_window > 0 ? static_cast<double>(delivered) / overall_window : 0;
    const double ideal_per_s = posted_per_s * static_cast<double>(connected);
    json delivery = {{"expected", expected},
                     {"delivered", delivered},
                     {"lost", expected - delivered},
                     {"lost_on_open_sockets", lost_open},
                     {"lost_on_sockets_closed_by_server", lost_closed},
                     {"sockets_missing_something", sockets_missing},
                     {"duplicates", sum.duplicates},
                     {"held_messages_delivered", held_delivered},
                     {"unknown_seq", sum.unknown_seq},
                     {"sockets_open_at_end", sockets},
                     {"window_s", std::round(window * 100) / 100},
                     {"delivered_in_window", in_window},
                     {"delivered_per_s", std::round(delivered_per_s)},
                     {"delivered_per_s_overall", std::round(delivered_per_s_overall)},
                     {"last_delivery_after_last_post_s",
                      last_delivery && posts.last_send_us ? std::round(static_cast<double>(last_delivery - posts.last_send_us) / 1e4) / 100 : 0.0},
                     {"ideal_per_s", std::round(ideal_per_s)},
                     {"ratio", ideal_per_s > 0 ? std::round(1000 * delivered_per_s / ideal_per_s) / 1000 : 0.0},
                     {"completeness", expected ? std::round(100000.0 * static_cast<double>(delivered) / static_cast<double>(expected)) / 1000 : 0.0},
                     {"mean_frame_bytes", sum.wall_frames ? sum.wall_bytes / sum.wall_frames : 0},
                     {"latency_ms", percentiles_ms(latency_us)},
                     {"drain_s", drain_end && post_end ? std::round(static_cast<double>(drain_end - post_end) / 1e4) / 100 : 0.0}};
    if (o.wall && !o.stepping()) report["delivery"] = delivery;
    if (o.wall && o.stepping()) {
      steps_report(published_seqs.size(), held_seqs.size(), expected, delivered, sum, sockets);
      report["totals"]["lost_on_open_sockets"] = lost_open;
      report["totals"]["lost_on_sockets_closed_by_server"] = lost_closed;
      report["totals"]["final_drain_s"] = drain_end && post_end ? std::round(static_cast<double>(drain_end - post_end) / 1e4) / 100 : 0.0;
    }
    report["other_frames"] = sum.other_types;
    report["closes"] = sum.closes;
    report["closed_by_server"] = sh.closed_unexpectedly.load();
    if (cp1.at_us) {
      report["cpu_posting"] = cpu_between(cp0, cp1, o.server_pid != 0);
      // All the server's work from the first post to the end of the drain, per delivery: the
      // cost of one fan-out write (the POSTs, heartbeats and presence are a small share).
      if (!o.stepping() && o.server_pid && delivered && cp0.server >= 0 && cp1.server >= 0) {
        const double hz = static_cast<double>(::sysconf(_SC_CLK_TCK));
        report["delivery"]["server_cpu_us_per_delivery"] =
            std::round(10.0 * static_cast<double>(cp1.server - cp0.server) / hz * 1e6 / static_cast<double>(delivered)) / 10;
      }
    }
    if (o.wall && !o.stepping() && post_start && post_end) report["posting"]["phase_s"] = std::round(static_cast<double>(post_end - post_start) / 1e4) / 100;
    report["elapsed_s"] = std::round(seconds_since(start_us) * 10) / 10;
    report["loadavg_end"] = loadavg();

    if (connected < o.clients) problems.push_back(std::to_string(o.clients - connected) + " socket(s) failed to connect");
    if (sh.closed_unexpectedly.load() && !o.stepping()) problems.push_back(std::to_string(sh.closed_unexpectedly.load()) + " socket(s) closed by the server or failed during the run");
    if (o.wall && !o.stepping() && expected != delivered) problems.push_back(std::to_string(expected - delivered) + " of " + std::to_string(expected) + " deliveries lost");
    if (sum.duplicates) problems.push_back(std::to_string(sum.duplicates) + " duplicate deliveries");
    if (o.wall && !o.stepping() && published_seqs.size() < total) problems.push_back(std::to_string(total - published_seqs.size()) + " of " + std::to_string(total) + " posts not published");
    if (o.wall && o.stepping() && connected > 0 && steps.empty()) problems.push_back("no step ran (" + step_stop + ")");
    if (past_deadline()) problems.push_back("hit --hard-timeout");
    report["problems"] = problems;
    report["ok"] = problems.empty();
    // Was the machine busy with other work while measuring? (Other builds share this machine.)
    json notes = json::array();
    auto busy = [&](const char* key, const char* phase) {
      if (!report.contains(key) || !report[key].is_object()) return;
      const double other = report[key].value("other_pct", 0.0);
      if (other > 10) {
        notes.push_back("other processes used " + fmt(other, 1) + " % of a CPU while " + phase +
                        ": the run was disturbed (load average " + loadavg() + ")");
      }
    };
    if (o.wall && !o.stepping()) busy("cpu_posting", "posting");
    if (o.wall && !o.stepping() && report.contains("cpu_posting") && report["cpu_posting"].is_object()) {
      const auto& cpu = report["cpu_posting"];
      // One I/O thread is one CPU at most: near it, the tool (not the server) sets the latency.
      if (cpu.value("tool_pct", 0.0) > 85.0 * static_cast<double>(o.io_threads)) {
        notes.push_back("the tool used " + fmt(cpu.value("tool_pct", 0.0), 1) + " % of a CPU while posting: it may be the bottleneck");
      }
      if (cpu.value("server_pct", 0.0) > 90) notes.push_back("the server used " + fmt(cpu.value("server_pct", 0.0), 1) + " % of a CPU while posting");
    }
    for (const auto& st : steps) {
      const double tool = st.cpu.value("tool_pct", 0.0), other = st.cpu.value("other_pct", 0.0);
      if (tool > 85.0 * static_cast<double>(o.io_threads)) {
        notes.push_back("step " + std::to_string(st.index) + ": the tool used " + fmt(tool, 1) + " % of a CPU: it may be the bottleneck");
      }
      if (other > 10) notes.push_back("step " + std::to_string(st.index) + ": other processes used " + fmt(other, 1) + " % of a CPU: the step was disturbed");
      std::uint64_t limited = 0;
      for (const auto& [k, v] : st.statuses) limited += k.rfind("429", 0) == 0 ? v : 0;
      if (limited) {
        notes.push_back("step " + std::to_string(st.index) + ": " + std::to_string(limited) +
                        " posts were rate-limited (429): raise wall.member_messages_per_minute (and staff_) above rate x 60 / posters");
      }
      if (st.sent && st.late_over_50ms * 100 > st.sent) {
        notes.push_back("step " + std::to_string(st.index) + ": " + std::to_string(st.late_over_50ms) + " of " + std::to_string(st.sent) +
                        " posts went out over 50 ms late (each poster waits for its answer): more --posters keep the rate open-loop");
      }
    }
    if (o.stepping() && sh.closed_unexpectedly.load()) {
      notes.push_back(std::to_string(sh.closed_unexpectedly.load()) + " socket(s) closed by the server or failed during the steps");
    }
    if (report["connect"].contains("cpu") && report["connect"]["cpu"].value("other_pct", 0.0) > 10) {
      notes.push_back("other processes used " + fmt(report["connect"]["cpu"].value("other_pct", 0.0), 1) +
                      " % of a CPU while connecting");
    }
    report["notes"] = notes;
    report["disturbed"] = !notes.empty();
  }

  // Rate stepping: "steps", "capacity" and "totals" (in place of "posting" and "delivery").
  void steps_report(std::size_t published, std::size_t held, std::uint64_t expected, std::uint64_t delivered, const WorkerStats& sum,
                    std::size_t sockets_open_at_end) {
    // This step's messages that came after its drain (late, not lost).
    for (auto& w : workers) {
      for (const auto& d : w->stats.deliveries) {
        const auto k = sh.step_of_seq[d.seq];
        if (k < steps.size() && d.at_us > step_cutoff_us[k] && posts.outcome[d.seq] == PostOutcome::Published) ++steps[k].arrived_after_step;
      }
    }
    json arr = json::array();
    for (const auto& st : steps) arr.push_back(harbour_bench::step_json(st));
    report["steps"] = arr;
    report["capacity"] = harbour_bench::capacity_json(steps, o.slo, step_stop, o.step_rates.size());
    std::map<std::string, std::uint64_t> statuses;
    for (const auto& ps : step_posts) {
      for (const auto& [k, v] : ps.statuses) statuses[k] += v;
    }
    report["totals"] = {{"published", published},
                        {"held", held},
                        {"expected", expected},
                        {"delivered", delivered},
                        {"lost", expected - delivered},
                        {"duplicates", sum.duplicates},
                        {"unknown_seq", sum.unknown_seq},
                        {"sockets_open_at_end", sockets_open_at_end},
                        {"mean_frame_bytes", sum.wall_frames ? sum.wall_bytes / sum.wall_frames : 0},
                        {"post_statuses", statuses}};
  }

  std::string markdown() const {
    const auto& r = report;
    auto g = [&](const json& j, const char* k) -> std::string {
      if (!j.is_object() || !j.contains(k) || j[k].is_null()) return "–";
      const auto& v = j[k];
      if (v.is_number_float()) return fmt(v.get<double>(), 2);
      return v.is_string() ? v.get<std::string>() : v.dump();
    };
    std::ostringstream md;
    const auto& c = r["connect"];
    const auto& m = r["memory"];
    const auto pair = [&](const json& j, const char* a, const char* b) { return g(j, a) + " / " + g(j, b); };
    const bool one_rate = o.wall && !o.stepping();
    md << "| sockets | connected | connect s (p99 ms) | server RSS idle MiB | KiB per idle socket |";
    if (one_rate) {
      md << " posted/s | delivered/s | ideal/s | ratio | lost / expected | latency p50 / p99 / max ms | POST p50 / p99 ms |"
            " server µs per delivery | CPU % server / tool / other |";
    }
    md << "\n|---:|---:|---:|---:|---:|";
    if (one_rate) md << "---:|---:|---:|---:|---:|---:|---:|---:|---:|";
    md << "\n| " << o.clients << " | " << g(c, "connected") << " | " << g(c, "phase_s") << " (" << g(c["per_socket_ms"], "p99") << ") | "
       << (m.contains("server_rss_idle_kib") && m["server_rss_idle_kib"].is_number() ? fmt(m["server_rss_idle_kib"].get<double>() / 1024, 1) : "–")
       << " | " << g(m, "kib_per_idle_socket") << " |";
    if (one_rate) {
      const auto& p = r["posting"];
      const auto& d = r["delivery"];
      const auto cpu = r.contains("cpu_posting") ? r["cpu_posting"] : json::object();
      const auto whole = [&](const json& j, const char* k) {
        return j.contains(k) && j[k].is_number() ? fmt(j[k].get<double>(), 0) : std::string("–");
      };
      md << " " << g(p, "rate_achieved_per_s") << " | " << whole(d, "delivered_per_s") << " | " << whole(d, "ideal_per_s") << " | "
         << g(d, "ratio") << " | " << g(d, "lost") << " / " << g(d, "expected") << " | " << g(d["latency_ms"], "p50") << " / "
         << g(d["latency_ms"], "p99") << " / " << g(d["latency_ms"], "max") << " | " << pair(p["post_latency_ms"], "p50", "p99") << " | "
         << g(d, "server_cpu_us_per_delivery") << " | " << g(cpu, "server_pct") << " / " << g(cpu, "tool_pct") << " / "
         << g(cpu, "other_pct") << " |";
    }
    md << "\n";
    if (o.wall && o.stepping()) {
      md << "\n" << harbour_bench::steps_markdown(steps, r.value("capacity", json::object()));
      const auto t = r.value("totals", json::object());
      md << "\nTarget " << o.target << " (" << sh.target << "), " << o.step_duration_s << " s steps, frames of " << g(t, "mean_frame_bytes")
         << " bytes on average (bodies of " << o.body_chars << " characters); over all steps " << g(t, "delivered") << " of "
         << g(t, "expected") << " deliveries arrived (" << g(t, "lost_on_sockets_closed_by_server")
         << " missing on sockets the server closed; final drain " << g(t, "final_drain_s") << " s), " << g(t, "duplicates")
         << " duplicates.\n";
      md << "Per step: posted/s = published ÷ posting window; ideal deliveries/s = posted/s × sockets open at the step's start;"
            " delivered/s = the step's deliveries read within its posting window ÷ window; delivered / expected = the step's"
            " deliveries read by the end of its drain (all in, or " << fmt(o.step_drain_s, 1) << " s without one, at most "
         << fmt(o.step_drain_max_s, 1) << " s after its last post) ÷ (published × sockets); latency = "
         << (o.ws_peer() ? "POST /broadcast written" : "POST written") << " to the frame read, over those deliveries.\n";
    }
    if (!r["problems"].empty()) {
      md << "\nProblems (" << o.clients << " sockets):\n";
      for (const auto& p : r["problems"]) md << "- " << p.get<std::string>() << "\n";
    }
    if (r.contains("notes") && !r["notes"].empty()) {
      md << "\nNotes (" << o.clients << " sockets):\n";
      for (const auto& p : r["notes"]) md << "- " << p.get<std::string>() << "\n";
    }
    auto list = [&](const char* title, const json& obj) {
      if (!obj.is_object() || obj.empty()) return;
      md << "\n" << title << " (" << o.clients << " sockets): ";
      bool first = true;
      for (auto it = obj.begin(); it != obj.end(); ++it) {
        md << (first ? "" : "; ") << "`" << it.key() << "` × " << it.value().dump();
        first = false;
      }
      md << "\n";
    };
    list("Connect errors", c["errors"]);
    list("Closes during the run", r["closes"]);
    if (one_rate) list("POST answers", r["posting"]["statuses"]);
    if (o.wall && o.stepping() && r.contains("totals")) list("POST answers", r["totals"]["post_statuses"]);
    return md.str();
  }
};

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  auto run = std::make_unique<Run>();
  run->o = parse_options(argc, argv);
  auto& o = run->o;
  run->hard_deadline_us = run->start_us + static_cast<std::int64_t>(o.hard_timeout_s * 1e6);

  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) == 0) {
    rl.rlim_cur = rl.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &rl);
    if (rl.rlim_cur < o.clients + 64) {
      say("the open-file limit (" + std::to_string(rl.rlim_cur) + ") is below --clients + 64; raise ulimit -n");
      return 2;
    }
  }

  // A watchdog: whatever happens, the process ends shortly after --hard-timeout.
  std::thread([deadline = run->hard_deadline_us] {
    while (mono_us() < deadline + 20'000'000) std::this_thread::sleep_for(std::chrono::milliseconds(200));
    say("hard timeout: exiting");
    std::_Exit(3);
  }).detach();

  try {
    configure_tls(run->ctx, o);
  } catch (const std::exception& e) {
    say(std::string("TLS setup: ") + e.what());
    return 2;
  }
  run->sh.o = &o;
  run->sh.target = o.wall && !o.ws_peer() ? "/ws?wall=" + o.network : "/ws";
  run->sh.origin = "https://" + o.host + ":" + std::to_string(o.port);
  run->sh.max_messages = o.wall ? static_cast<std::size_t>(std::ceil(o.rate * o.duration_s)) : 0;
  if (o.stepping()) {
    // Sequence numbers carry on from step to step; each socket keeps a bit per message.
    std::size_t next = 0;
    for (const double rate : o.step_rates) {
      const auto n = static_cast<std::size_t>(std::ceil(rate * o.step_duration_s));
      run->step_first.push_back(next);
      run->step_count.push_back(n);
      next += n;
    }
    if (o.step_rates.size() > 1000 || static_cast<double>(next) * static_cast<double>(o.clients) / 8 > 1024.0 * 1024 * 1024) {
      say("--step-rates x --step-duration x --clients is too large (over 1,000 steps or 1 GiB of per-socket message bits)");
      return 2;
    }
    run->sh.max_messages = next;
    run->sh.step_of_seq.resize(next);
    for (std::size_t k = 0; k < o.step_rates.size(); ++k) {
      std::fill_n(run->sh.step_of_seq.begin() + static_cast<std::ptrdiff_t>(run->step_first[k]), run->step_count[k], static_cast<std::uint16_t>(k));
    }
    run->sh.step_deliveries = std::make_unique<std::atomic<std::uint64_t>[]>(o.step_rates.size());
  }
  for (std::size_t t = 0; t < o.io_threads; ++t) run->workers.push_back(std::make_unique<Worker>());

  asio::io_context control{1};
  bool finished = false;
  std::string failure;
  asio::co_spawn(control, run->main_flow(), [&](std::exception_ptr e) {
    finished = true;
    if (e) {
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        failure = ex.what();
      }
    }
  });
  while (!finished) {
    control.run_for(std::chrono::milliseconds(200));
    if (run->past_deadline() && !finished) {
      failure = "hard timeout (--hard-timeout " + Run::fmt(o.hard_timeout_s, 0) + " s)";
      break;
    }
  }
  if (!failure.empty()) {
    say("failed: " + failure);
    run->stop_workers();
    run->report["ok"] = false;
    run->report["problems"] = json::array({failure});
    if (!o.json_out.empty()) std::ofstream(o.json_out) << run->report.dump(2) << "\n";
    return 1;
  }

  const auto text = run->report.dump(2);
  if (!o.json_out.empty()) std::ofstream(o.json_out) << text << "\n";
  const auto md = run->markdown();
  if (!o.md_out.empty()) std::ofstream(o.md_out) << md;
  else std::cout << md << std::flush;
  return run->report.value("ok", false) ? 0 : 1;
}
