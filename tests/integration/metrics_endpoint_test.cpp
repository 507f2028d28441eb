// The Prometheus endpoint through the real binary: metrics.listen on 127.0.0.1:0 serves GET
// /metrics over plain HTTP (and /healthz, /readyz, nothing else); the HTTPS port answers /metrics
// 404. Counters and gauges move by exactly what the test did between two scrapes: requests by
// method and code (a 404 and a POST among them), latency by route pattern, open connections and
// WebSockets, a held post in the moderation queue, a safeguarding case that becomes past its
// deadline, the writer's transactions and batch sizes. A real scrape passes `promtool check
// metrics` (Debian's prometheus package; the test fails, saying so, when promtool is missing).
#include "content_client.hpp"
#include "server_process.hpp"
#include "tls_client.hpp"

#include "support/temp_dir.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace harbour::test;
using nlohmann::json;

namespace {

using Clock = std::chrono::steady_clock;

struct PlainReply {
  int status = 0;
  std::string headers;  // the raw header block
  std::string body;
};

// One request on a fresh plain-HTTP connection to the metrics port.
PlainReply plain(std::uint16_t port, const std::string& method, const std::string& target, const std::string& extra = "") {
  const auto text = plain_exchange(port, method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra +
                                             "Connection: close\r\nContent-Length: 0\r\n\r\n");
  PlainReply r;
  if (text.starts_with("HTTP/1.1 ") && text.size() >= 12) r.status = std::stoi(text.substr(9, 3));
  const auto end = text.find("\r\n\r\n");
  if (end != std::string::npos) {
    r.headers = text.substr(0, end);
    r.body = text.substr(end + 4);
  }
  return r;
}

// A scrape as series -> value: "name{labels}" exactly as printed (no labels: just the name).
using Series = std::map<std::string, double>;

Series parse_exposition(const std::string& body) {
  Series out;
  std::size_t pos = 0;
  while (pos < body.size()) {
    auto nl = body.find('\n', pos);
    if (nl == std::string::npos) nl = body.size();
    const auto line = body.substr(pos, nl - pos);
    pos = nl + 1;
    if (line.empty() || line.starts_with('#')) continue;
    const auto space = line.rfind(' ');
    if (space == std::string::npos) continue;
    out[line.substr(0, space)] = std::stod(line.substr(space + 1));
  }
  return out;
}

// The start-up text on stdout, once it is complete (it follows the "listening" log line).
std::string startup_text(const ServerProcess& server) {
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  auto text = server.stdout_text();
  while (text.find("Stop with Ctrl+C.") == std::string::npos && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    text = server.stdout_text();
  }
  return text;
}

double value(const Series& s, const std::string& key) {
  const auto it = s.find(key);
  return it == s.end() ? 0.0 : it->second;
}

class MetricsEndpoint : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ServerProcess>(ServerOptions{.args = {"--metrics-listen", "127.0.0.1:0"}});
    for (const auto& line : server_->log_lines()) {
      const auto j = json::parse(line, nullptr, false);
      if (j.is_object() && j.value("event", "") == "listening") metrics_port_ = j.value("metrics_port", 0);
    }
    ASSERT_NE(metrics_port_, 0) << "the listening line names no metrics_port";
    ASSERT_NE(metrics_port_, server_->port());
  }

  PlainReply scrape_reply() { return plain(metrics_port_, "GET", "/metrics"); }

  Series scrape() {
    const auto r = scrape_reply();
    EXPECT_EQ(r.status, 200) << r.headers;
    return parse_exposition(r.body);
  }

  // A scrape once `ready` holds of it, or the last one after 10 s (the caller's checks then fail
  // with what it saw). For figures that settle a moment after a reply: a client's closed
  // connection, the writer's bookkeeping after a commit.
  template <class Ready>
  Series scrape_when(Ready ready) {
    const auto deadline = Clock::now() + std::chrono::seconds(10);
    Series s = scrape();
    while (!ready(s) && Clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
      s = scrape();
    }
    return s;
  }

  // Waits until no connection from earlier steps is still closing: the same open-connection count
  // in two scrapes 200 ms apart.
  Series settled() {
    Series before = scrape();
    const auto deadline = Clock::now() + std::chrono::seconds(10);
    for (;;) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      Series now = scrape();
      if (value(now, kHttpOpen) == value(before, kHttpOpen) || Clock::now() > deadline) return now;
      before = std::move(now);
    }
  }

  static constexpr const char* kHttpOpen = "harbour_open_connections{kind=\"http\"}";
  static constexpr const char* kWsOpen = "harbour_open_connections{kind=\"websocket\"}";

  std::unique_ptr<ServerProcess> server_;
  std::uint16_t metrics_port_ = 0;
};

}  // namespace

TEST_F(MetricsEndpoint, CountersAndGaugesMoveByExactlyWhatWasDone) {
  auto admin = join(*server_, "Pat Keeper", "admin");
  auto member = join(*server_, "Rowan Birch", "member");
  auto category = admin.post("/api/v1/networks/default/categories",
                             {{"name", "Everyday support"}, {"description", "Talk about the week."}, {"position", 10},
                              {"read", {"member", "carer"}}, {"post", {"member", "carer"}}});
  ASSERT_EQ(category.status, 201) << category.body;
  const auto topics = "/api/v1/categories/" + std::to_string(category.json["category"]["id"].get<std::int64_t>()) + "/topics";
  EXPECT_EQ(member.get(topics).status, 200);  // the member's keep-alive connection is open from here on

  const Series before = settled();
  EXPECT_EQ(value(before, kWsOpen), 0);
  EXPECT_EQ(value(before, "harbour_moderation_queue_items{network=\"default\"}"), 0);
  EXPECT_EQ(value(before, "harbour_safeguarding_cases_active{network=\"default\"}"), 0);

  // ---- what the test does between the two scrapes ----------------------------------------------
  HttpsClient a(server_->port(), TlsOptions{.ca_file = server_->ca_file().string()});
  a.connect();
  HttpsClient b(server_->port(), TlsOptions{.ca_file = server_->ca_file().string()});
  b.connect();
  EXPECT_EQ(a.request("GET", "/api/v1/status").status, 200);
  EXPECT_EQ(a.request("GET", "/api/v1/status").status, 200);
  EXPECT_EQ(b.request("GET", "/api/v1/no-such-thing").status, 404);
  EXPECT_EQ(b.request("GET", "/metrics").status, 404) << "the HTTPS port served /metrics";
  // A post with a risk phrase: held for moderation, and a safeguarding case opened (POST 201).
  auto sent = member.post(topics, {{"title", "Tonight"}, {"body", "I want to end my life tonight."}, {"content_notes", json::array()}});
  ASSERT_EQ(sent.status, 201) << sent.body;
  ASSERT_EQ(sent.json["moderation"]["outcome"], "held") << sent.body;
  auto ws = member.open_socket();  // GET /ws answered 200 by the app, then 101
  ASSERT_NE(ws, nullptr);

  const Series after = scrape_when([](const Series& s) { return value(s, kWsOpen) == 1; });
  auto delta = [&](const std::string& key) { return value(after, key) - value(before, key); };
  EXPECT_EQ(delta("harbour_http_requests_total{method=\"GET\",code=\"200\"}"), 3);  // 2 status + the /ws check
  EXPECT_EQ(delta("harbour_http_requests_total{method=\"GET\",code=\"404\"}"), 2);
  EXPECT_EQ(delta("harbour_http_requests_total{method=\"POST\",code=\"201\"}"), 1);
  EXPECT_EQ(delta("harbour_http_requests_total{method=\"POST\",code=\"200\"}"), 0);
  const std::string h = "harbour_http_request_duration_seconds";
  EXPECT_EQ(delta(h + "_count{method=\"GET\",route=\"/api/v1/status\"}"), 2);
  EXPECT_EQ(delta(h + "_bucket{method=\"GET\",route=\"/api/v1/status\",le=\"+Inf\"}"), 2);
  EXPECT_EQ(delta(h + "_count{method=\"GET\",route=\"unmatched\"}"), 1);  // /api/v1/no-such-thing
  EXPECT_EQ(delta(h + "_count{method=\"GET\",route=\"static\"}"), 1);     // /metrics on the HTTPS port
  EXPECT_EQ(delta(h + "_count{method=\"POST\",route=\"/api/v1/categories/{id}/topics\"}"), 1);
  EXPECT_EQ(delta(h + "_count{method=\"GET\",route=\"/ws\"}"), 1);
  EXPECT_GT(delta(h + "_sum{method=\"POST\",route=\"/api/v1/categories/{id}/topics\"}"), 0);
  // Two more HTTPS connections (a and b) and one WebSocket are open.
  EXPECT_EQ(delta(kHttpOpen), 2);
  EXPECT_EQ(value(after, kWsOpen), 1);
  EXPECT_EQ(value(after, "harbour_moderation_queue_items{network=\"default\"}"), 1);
  EXPECT_GE(value(after, "harbour_moderation_queue_oldest_age_seconds{network=\"default\"}"), 0);
  EXPECT_LT(value(after, "harbour_moderation_queue_oldest_age_seconds{network=\"default\"}"), 600);
  EXPECT_EQ(value(after, "harbour_safeguarding_cases_active{network=\"default\"}"), 1);
  EXPECT_EQ(value(after, "harbour_safeguarding_cases_past_deadline{network=\"default\"}"), 0);
  EXPECT_GE(delta("harbour_db_writer_transactions_total"), 1);  // the post (and its bookkeeping)
  EXPECT_GE(delta("harbour_db_writer_jobs_total"), 1);
  for (const char* pool : {"read", "write", "password", "metrics"}) {
    EXPECT_TRUE(after.contains(std::string("harbour_worker_queue_jobs{pool=\"") + pool + "\"}")) << pool;
  }
  EXPECT_TRUE(after.contains("harbour_db_writer_queue_jobs"));

  // The case's deadline passes (moved into the past beside the running server: WAL lets this
  // connection write too); the next scrape counts it.
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2((server_->data_dir() / "harbour.db").c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db, "UPDATE safeguarding_cases SET due_at = '2000-01-01T00:00:00.000Z' WHERE state = 'open'",
                           nullptr, nullptr, &error),
              SQLITE_OK)
        << (error ? error : "");
    sqlite3_free(error);
    EXPECT_EQ(sqlite3_changes(db), 1);
    sqlite3_close(db);
  }
  const Series overdue = scrape();
  EXPECT_EQ(value(overdue, "harbour_safeguarding_cases_past_deadline{network=\"default\"}"), 1);
  EXPECT_EQ(value(overdue, "harbour_safeguarding_cases_active{network=\"default\"}"), 1);

  // Closing the WebSocket and the two connections brings the gauges back.
  ws.reset();
  {
    auto gone_a = std::move(a);
    auto gone_b = std::move(b);
  }
  const Series closed = scrape_when([&](const Series& s) {
    return value(s, kWsOpen) == 0 && value(s, kHttpOpen) == value(before, kHttpOpen);
  });
  EXPECT_EQ(value(closed, kWsOpen), 0);
  EXPECT_EQ(value(closed, kHttpOpen), value(before, kHttpOpen));

  // Every transaction is in the batch-size histogram, and the batches' jobs add up to the jobs
  // (observer set before the first write; a scrape can fall between a batch's stats and its
  // observation, so this waits for the writer to be idle).
  const Series idle = scrape_when([](const Series& s) {
    return value(s, "harbour_db_writer_batch_jobs_count") == value(s, "harbour_db_writer_transactions_total") &&
           value(s, "harbour_db_writer_batch_jobs_sum") == value(s, "harbour_db_writer_jobs_total");
  });
  EXPECT_EQ(value(idle, "harbour_db_writer_batch_jobs_count"), value(idle, "harbour_db_writer_transactions_total"));
  EXPECT_EQ(value(idle, "harbour_db_writer_batch_jobs_sum"), value(idle, "harbour_db_writer_jobs_total"));
  EXPECT_EQ(value(idle, "harbour_db_writer_batch_jobs_bucket{le=\"+Inf\"}"), value(idle, "harbour_db_writer_transactions_total"));
  EXPECT_GE(value(idle, "harbour_db_writer_batch_jobs_bucket{le=\"512\"}"), value(idle, "harbour_db_writer_batch_jobs_bucket{le=\"1\"}"));
}

TEST_F(MetricsEndpoint, TheMetricsPortServesOnlyMetricsAndHealthAndTheHttpsPortNoMetrics) {
  const auto r = scrape_reply();
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.headers.find("Content-Type: text/plain; version=0.0.4; charset=utf-8"), std::string::npos) << r.headers;
  EXPECT_EQ(r.headers.find("Strict-Transport-Security"), std::string::npos) << "HSTS on a plain-HTTP port";
  const auto s = parse_exposition(r.body);
  EXPECT_EQ(value(s, std::string("harbour_build_info{version=\"") + HARBOUR_VERSION + "\"}"), 1) << r.body;
  EXPECT_GT(value(s, "process_resident_memory_bytes"), 1024.0 * 1024.0);
  EXPECT_GT(value(s, "process_open_fds"), 3);
  const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_GT(value(s, "process_start_time_seconds"), now - 600) << "the server started in this test";
  EXPECT_LE(value(s, "process_start_time_seconds"), now + 1);
  EXPECT_EQ(plain(metrics_port_, "HEAD", "/metrics").status, 200);

  EXPECT_EQ(plain(metrics_port_, "GET", "/healthz").status, 200);
  EXPECT_EQ(plain(metrics_port_, "GET", "/readyz").status, 200);
  for (const char* path : {"/", "/index.html", "/app.js", "/api/v1/status", "/api/v1/session", "/metrics/", "/metricsx", "/ws"}) {
    EXPECT_EQ(plain(metrics_port_, "GET", path).status, 404) << path;
  }
  EXPECT_EQ(plain(metrics_port_, "POST", "/metrics").status, 405);
  EXPECT_EQ(plain(metrics_port_, "POST", "/api/v1/session").status, 404);
  EXPECT_EQ(plain(metrics_port_, "GET", "/ws", "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n")
                .status,
            404);

  // The HTTPS port: /metrics is not there (404 JSON, not the web client's page), and the web
  // client's own fallback still works for other paths.
  HttpsClient c(server_->port(), TlsOptions{.ca_file = server_->ca_file().string()});
  c.connect();
  const auto main = c.request("GET", "/metrics");
  EXPECT_EQ(main.status, 404) << main.body;
  EXPECT_EQ(main.body.find("version=0.0.4"), std::string::npos);
  EXPECT_EQ(c.request("HEAD", "/metrics").status, 404);
  EXPECT_EQ(c.request("GET", "/some/client/page").status, 200) << "the web client's fallback broke";

  // The start-up text names it for the operator.
  const auto text = startup_text(*server_);
  EXPECT_NE(text.find("Metrics (Prometheus): http://127.0.0.1:" + std::to_string(metrics_port_) + "/metrics"), std::string::npos)
      << text;

  // SIGTERM with a scraper's idle keep-alive connection open on the metrics port: the graceful
  // shutdown closes it too, well within the grace period, and the server exits cleanly.
  const int idle = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(idle, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(metrics_port_);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(idle, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  const auto asked = Clock::now();
  EXPECT_EQ(server_->terminate(std::chrono::seconds(8)), 0);
  EXPECT_LT(Clock::now() - asked, std::chrono::seconds(5)) << "the idle metrics connection held the shutdown";
  ::close(idle);
  EXPECT_TRUE(server_->wait_for_log("\"event\":\"stopped\"", std::chrono::seconds(1)));
}

TEST_F(MetricsEndpoint, ARealScrapePassesPromtool) {
  // Some traffic first, so the labelled families (requests, latency by route) are in the scrape.
  HttpsClient c(server_->port(), TlsOptions{.ca_file = server_->ca_file().string()});
  c.connect();
  EXPECT_EQ(c.request("GET", "/api/v1/status").status, 200);
  EXPECT_EQ(c.request("GET", "/api/v1/missing").status, 404);
  EXPECT_EQ(c.request("POST", "/api/v1/session", "{}", {{"Content-Type", "application/json"}}).status / 100, 4);
  const auto r = scrape_reply();
  ASSERT_EQ(r.status, 200);
  ASSERT_NE(r.body.find("harbour_http_request_duration_seconds_bucket"), std::string::npos) << r.body;

  TempDir dir;
  const auto file = dir.file("scrape.txt");
  std::ofstream(file, std::ios::binary) << r.body;
  const std::string command = "promtool check metrics < '" + file.string() + "' 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) output.append(buf, n);
  const int status = ::pclose(pipe);
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  // The shell answers 127 for a command it cannot find.
  ASSERT_NE(code, 127) << "promtool is not installed: install Debian's prometheus package (deploy/setup.sh --test "
                          "does) so the exposition can be checked; output: "
                       << output;
  EXPECT_EQ(code, 0) << "promtool check metrics found problems:\n" << output << "\nin the scrape:\n" << r.body;
  EXPECT_EQ(output, "") << "promtool check metrics reported:\n" << output;
}

TEST(MetricsEndpointOff, WithoutMetricsListenThereIsNoMetricsListener) {
  ServerProcess server;
  std::optional<int> metrics_port;
  for (const auto& line : server.log_lines()) {
    const auto j = json::parse(line, nullptr, false);
    if (j.is_object() && j.value("event", "") == "listening") metrics_port = j.value("metrics_port", -1);
  }
  EXPECT_EQ(metrics_port, 0);
  const auto text = startup_text(server);
  ASSERT_NE(text.find("Stop with Ctrl+C."), std::string::npos) << text;
  EXPECT_EQ(text.find("Metrics"), std::string::npos) << text;
  HttpsClient c(server.port(), TlsOptions{.ca_file = server.ca_file().string()});
  c.connect();
  EXPECT_EQ(c.request("GET", "/metrics").status, 404);
}
