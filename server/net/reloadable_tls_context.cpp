#include "net/reloadable_tls_context.hpp"

#include "net/tls_context.hpp"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <ctime>
#include <stdexcept>
#include <utility>

namespace harbour::net {
namespace {

std::string subject_of(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr) return {};
  std::string text;
  if (X509_NAME_print_ex(bio, X509_get_subject_name(cert), 0, XN_FLAG_RFC2253) >= 0) {
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    if (size > 0) text.assign(data, static_cast<std::size_t>(size));
  }
  BIO_free(bio);
  return text;
}

std::string utc_text(const ASN1_TIME* when) {
  std::tm tm{};
  if (ASN1_TIME_to_tm(when, &tm) != 1) return {};
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string sha256_hex(X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest(cert, EVP_sha256(), md, &len) != 1) return {};
  static const char* const kHex = "0123456789abcdef";
  std::string hex;
  for (unsigned i = 0; i < len; ++i) {
    hex += kHex[md[i] >> 4];
    hex += kHex[md[i] & 0xf];
  }
  return hex;
}

}  // namespace

CertificateSummary describe_certificate(boost::asio::ssl::context& ctx) {
  X509* cert = SSL_CTX_get0_certificate(ctx.native_handle());
  if (cert == nullptr) throw std::runtime_error("TLS: the context holds no certificate");
  CertificateSummary s;
  s.subject = subject_of(cert);
  s.not_after = utc_text(X509_get0_notAfter(cert));
  s.sha256 = sha256_hex(cert);
  int days = 0;
  int seconds = 0;
  if (ASN1_TIME_diff(&days, &seconds, nullptr, X509_get0_notAfter(cert)) == 1) s.days_left = days;
  return s;
}

ReloadableTlsContext::ReloadableTlsContext(std::filesystem::path cert, std::filesystem::path key)
    : cert_(std::move(cert)), key_(std::move(key)), current_(build()) {}

std::shared_ptr<boost::asio::ssl::context> ReloadableTlsContext::current() const {
  const std::lock_guard lock(current_mutex_);
  return current_;
}

CertificateSummary ReloadableTlsContext::reload() {
  const std::lock_guard reloading(reload_mutex_);
  auto fresh = build();  // throws before anything changes
  auto summary = describe_certificate(*fresh);
  std::shared_ptr<boost::asio::ssl::context> old;
  {
    const std::lock_guard lock(current_mutex_);
    old = std::exchange(current_, std::move(fresh));
  }
  // `old` goes here, outside the lock; its connections hold their SSL_CTX themselves.
  return summary;
}

std::shared_ptr<boost::asio::ssl::context> ReloadableTlsContext::build() const {
  ERR_clear_error();
  try {
    auto ctx = std::make_shared<boost::asio::ssl::context>(boost::asio::ssl::context::tls_server);
    configure_tls_context(*ctx, cert_, key_);
    return ctx;
  } catch (const std::exception& e) {
    // OpenSSL's reason ("no start line", "key values mismatch") for the log, and an empty error
    // queue for this thread, which goes on to run connections' SSL calls.
    std::string reason;
    if (const unsigned long code = ERR_peek_error(); code != 0) {
      char buf[256];
      ERR_error_string_n(code, buf, sizeof buf);
      reason = std::string(" (") + buf + ")";
    }
    ERR_clear_error();
    throw std::runtime_error(e.what() + reason);
  }
}

}  // namespace harbour::net
