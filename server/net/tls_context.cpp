#include "net/tls_context.hpp"

#include <openssl/ssl.h>

#include <stdexcept>

namespace harbour::net {
namespace {

// Mozilla Server Side TLS "intermediate" (v5.7): TLS 1.2 suites; TLS 1.3 suites are OpenSSL's.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305";
constexpr const char* kTls13Ciphers = "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";
constexpr const char* kGroups = "X25519:prime256v1:secp384r1";

// ALPN: only HTTP/1.1 (no h2 yet); a client asking only for something else gets no ALPN answer.
int select_alpn(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in, unsigned int inlen, void*) {
  static const unsigned char kHttp11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  unsigned char* selected = nullptr;
  if (SSL_select_next_proto(&selected, outlen, kHttp11, sizeof kHttp11, in, inlen) != OPENSSL_NPN_NEGOTIATED) {
    return SSL_TLSEXT_ERR_NOACK;
  }
  *out = selected;
  return SSL_TLSEXT_ERR_OK;
}

}  // namespace

void configure_tls_context(boost::asio::ssl::context& ctx, const std::filesystem::path& cert,
                           const std::filesystem::path& key) {
  SSL_CTX* native = ctx.native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  // Idle connections give their read/write buffers back (about 34 KiB each): matters at 10k sockets.
  SSL_CTX_set_mode(native, SSL_MODE_RELEASE_BUFFERS);
  if (SSL_CTX_set_cipher_list(native, kTls12Ciphers) != 1 || SSL_CTX_set_ciphersuites(native, kTls13Ciphers) != 1 ||
      SSL_CTX_set1_groups_list(native, kGroups) != 1) {
    throw std::runtime_error("TLS: cipher configuration refused by OpenSSL");
  }
  SSL_CTX_set_alpn_select_cb(native, select_alpn, nullptr);

  if (SSL_CTX_use_certificate_chain_file(native, cert.c_str()) != 1) {
    throw std::runtime_error("TLS: cannot use certificate " + cert.string());
  }
  if (SSL_CTX_use_PrivateKey_file(native, key.c_str(), SSL_FILETYPE_PEM) != 1) {
    throw std::runtime_error("TLS: cannot use private key " + key.string());
  }
  if (SSL_CTX_check_private_key(native) != 1) {
    throw std::runtime_error("TLS: private key " + key.string() + " does not match certificate " + cert.string());
  }
}

}  // namespace harbour::net
