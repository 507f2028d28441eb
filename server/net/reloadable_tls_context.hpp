#pragma once
// The TLS context new HTTPS connections are made from, replaceable while the server runs: on
// SIGHUP (`systemctl reload harbour`, a certbot deploy hook) the configured certificate and key
// are read again into a NEW context, so a renewed certificate needs no restart.
//
// Connections made before a reload keep theirs: SSL_new takes its own reference to the SSL_CTX
// it is made from, so an SSL object outlives the context object that made it, and the old
// SSL_CTX is freed by OpenSSL when its last connection ends. Nothing of ours (the ALPN callback
// is a plain function, no password or verify callback is set) is owned by the asio wrapper.
#include <boost/asio/ssl/context.hpp>

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

namespace harbour::net {

// What the log says about the certificate a context serves (its leaf).
struct CertificateSummary {
  std::string subject;      // one line, e.g. "CN=harbour.example.nhs.uk"
  std::string not_after;    // UTC, "2027-02-21T10:00:00Z"
  std::string sha256;       // of the DER encoding, lowercase hex with no separators
  long long days_left = 0;  // whole days from now to not_after (negative once expired)
};

// Throws std::runtime_error when the context holds no certificate.
CertificateSummary describe_certificate(boost::asio::ssl::context& ctx);

class ReloadableTlsContext {
 public:
  // Builds the first context (configure_tls_context); throws std::runtime_error naming the file
  // when the certificate or key cannot be used, as at start-up before.
  ReloadableTlsContext(std::filesystem::path cert, std::filesystem::path key);

  // The context for a connection accepted now. Any thread.
  std::shared_ptr<boost::asio::ssl::context> current() const;

  // Reads the same two paths again into a new context and makes it current. On any failure
  // (a missing, unreadable or malformed file, a key that does not match) it throws and the
  // current context stays as it was. Any thread; reloads do not overlap.
  CertificateSummary reload();

  const std::filesystem::path& cert_path() const noexcept { return cert_; }
  const std::filesystem::path& key_path() const noexcept { return key_; }

 private:
  std::shared_ptr<boost::asio::ssl::context> build() const;

  std::filesystem::path cert_;
  std::filesystem::path key_;
  std::mutex reload_mutex_;           // one reload at a time
  mutable std::mutex current_mutex_;  // guards current_ only (held for a pointer copy)
  std::shared_ptr<boost::asio::ssl::context> current_;
};

}  // namespace harbour::net
