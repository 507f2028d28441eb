// ReloadableTlsContext (issue 9, item 2: SIGHUP re-reads the certificate): a reload makes a new
// context for new connections, a connection made before it keeps its certificate (even after the
// old context object is gone: a full handshake runs on it then), and a reload from files that
// cannot be used throws and changes nothing. Handshakes run in memory (BIO pairs), no sockets.
#include "core/self_signed_cert.hpp"
#include "net/reloadable_tls_context.hpp"

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

namespace {

namespace fs = std::filesystem;
namespace asio = boost::asio;
using harbour::net::ReloadableTlsContext;

struct Folder {
  fs::path path;
  Folder() {
    std::string pattern = (fs::temp_directory_path() / "harbour-tls-reload-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp");
    path = pattern;
  }
  ~Folder() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

// A fresh ECDSA P-256 self-signed pair (the server's own generator) in its own folder.
harbour::core::TlsFiles make_certificate(const fs::path& dir) { return harbour::core::ensure_self_signed_certificate(dir); }

std::string sha256_of_pem(const fs::path& pem) {
  FILE* f = std::fopen(pem.c_str(), "r");
  if (f == nullptr) return {};
  X509* cert = PEM_read_X509(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  if (cert == nullptr) return {};
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  X509_digest(cert, EVP_sha256(), md, &len);
  X509_free(cert);
  std::string hex;
  char byte[3];
  for (unsigned i = 0; i < len; ++i) {
    std::snprintf(byte, sizeof byte, "%02x", md[i]);
    hex += byte;
  }
  return hex;
}

std::string sha256_of(X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (cert == nullptr || X509_digest(cert, EVP_sha256(), md, &len) != 1) return {};
  std::string hex;
  char byte[3];
  for (unsigned i = 0; i < len; ++i) {
    std::snprintf(byte, sizeof byte, "%02x", md[i]);
    hex += byte;
  }
  return hex;
}

void copy_over(const harbour::core::TlsFiles& from, const harbour::core::TlsFiles& to) {
  fs::copy_file(from.cert, to.cert, fs::copy_options::overwrite_existing);
  fs::copy_file(from.key, to.key, fs::copy_options::overwrite_existing);
}

struct SslDeleter {
  void operator()(SSL* s) const noexcept { SSL_free(s); }
};
using SslPtr = std::unique_ptr<SSL, SslDeleter>;

// Runs a TLS handshake between `server` and a fresh client over an in-memory BIO pair; returns
// the SHA-256 of the certificate the client saw ("" when the handshake failed).
std::string handshake_fingerprint(SSL* server) {
  SSL_CTX* client_ctx = SSL_CTX_new(TLS_client_method());
  SSL* client = SSL_new(client_ctx);
  BIO* client_bio = nullptr;
  BIO* server_bio = nullptr;
  BIO_new_bio_pair(&client_bio, 0, &server_bio, 0);
  SSL_set_bio(client, client_bio, client_bio);
  SSL_set_bio(server, server_bio, server_bio);
  SSL_set_connect_state(client);
  SSL_set_accept_state(server);
  bool client_done = false;
  bool server_done = false;
  for (int round = 0; round < 100 && !(client_done && server_done); ++round) {
    if (!client_done) {
      const int r = SSL_do_handshake(client);
      if (r == 1) client_done = true;
      else if (SSL_get_error(client, r) != SSL_ERROR_WANT_READ) break;
    }
    if (!server_done) {
      const int r = SSL_do_handshake(server);
      if (r == 1) server_done = true;
      else if (SSL_get_error(server, r) != SSL_ERROR_WANT_READ) break;
    }
  }
  std::string fingerprint;
  if (client_done && server_done) {
    X509* peer = SSL_get1_peer_certificate(client);
    fingerprint = sha256_of(peer);
    X509_free(peer);
  }
  SSL_free(client);
  SSL_CTX_free(client_ctx);
  ERR_clear_error();
  return fingerprint;
}

TEST(TlsReload, NewConnectionsGetTheNewCertificateOpenOnesKeepTheirs) {
  Folder dir;
  const auto a = make_certificate(dir.path / "a");
  const auto b = make_certificate(dir.path / "b");
  const auto live = make_certificate(dir.path / "live");  // the configured paths
  copy_over(a, live);
  const auto fp_a = sha256_of_pem(a.cert);
  const auto fp_b = sha256_of_pem(b.cert);
  ASSERT_FALSE(fp_a.empty());
  ASSERT_NE(fp_a, fp_b);

  ReloadableTlsContext tls(live.cert, live.key);
  EXPECT_EQ(harbour::net::describe_certificate(*tls.current()).sha256, fp_a);
  // A connection accepted before the reload: its SSL object, and nothing else of the old context.
  SslPtr before(SSL_new(tls.current()->native_handle()));
  ASSERT_TRUE(before);

  copy_over(b, live);
  const auto summary = tls.reload();
  EXPECT_EQ(summary.sha256, fp_b);
  EXPECT_EQ(summary.subject, "CN=localhost,O=Harbour (self-signed)");  // RFC 2253 order
  EXPECT_EQ(summary.not_after.size(), 20u) << summary.not_after;  // 2027-11-24T11:00:00Z
  EXPECT_GT(summary.days_left, 300);
  EXPECT_EQ(harbour::net::describe_certificate(*tls.current()).sha256, fp_b);

  // The old asio context object is gone now (no shared_ptr holds it); the connection made from it
  // still completes a handshake with the old certificate, the new one with the new.
  EXPECT_EQ(handshake_fingerprint(before.get()), fp_a);
  SslPtr after(SSL_new(tls.current()->native_handle()));
  EXPECT_EQ(handshake_fingerprint(after.get()), fp_b);
}

TEST(TlsReload, FilesThatCannotBeUsedChangeNothing) {
  Folder dir;
  const auto a = make_certificate(dir.path / "a");
  const auto other = make_certificate(dir.path / "other");
  const auto live = make_certificate(dir.path / "live");
  copy_over(a, live);
  const auto fp_a = sha256_of_pem(a.cert);
  ReloadableTlsContext tls(live.cert, live.key);
  const auto original = tls.current();

  using Files = harbour::core::TlsFiles;
  struct Case {
    const char* name;
    void (*damage)(const Files& live, const Files& other);
    const char* message;  // part of the exception's text
  };
  const Case cases[] = {
      {"garbage certificate",
       [](const Files& live, const Files&) {
         std::ofstream(live.cert, std::ios::trunc) << "-----BEGIN CERTIFICATE-----\nnot base64\n";
       },
       "cannot use certificate"},
      {"empty certificate", [](const Files& live, const Files&) { std::ofstream(live.cert, std::ios::trunc).close(); },
       "cannot use certificate"},
      {"missing key", [](const Files& live, const Files&) { fs::remove(live.key); }, "cannot use private key"},
      {"key of another certificate",
       [](const Files& live, const Files& other) {
         fs::copy_file(other.key, live.key, fs::copy_options::overwrite_existing);
       },
       "cannot use private key"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    copy_over(a, live);
    c.damage(live, other);
    try {
      tls.reload();
      ADD_FAILURE() << "reload accepted " << c.name;
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find(c.message), std::string::npos) << e.what();
    }
    EXPECT_EQ(tls.current(), original);  // the same context object, still serving
    EXPECT_EQ(ERR_peek_error(), 0u);      // no stale OpenSSL error left for the thread's next SSL call
  }
  SslPtr still(SSL_new(tls.current()->native_handle()));
  EXPECT_EQ(handshake_fingerprint(still.get()), fp_a);

  // Mended files load again.
  copy_over(a, live);
  EXPECT_EQ(tls.reload().sha256, fp_a);
  EXPECT_NE(tls.current(), original);
}

}  // namespace
