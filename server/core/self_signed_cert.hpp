#pragma once
// The embedded default's certificate: an ECDSA P-256 self-signed certificate for localhost,
// generated into the data folder on first start when no certificate is configured.
#include <filesystem>

namespace harbour::core {

struct TlsFiles {
  std::filesystem::path cert;
  std::filesystem::path key;
  bool created = false;  // true when this call generated them
};

// Returns dir/cert.pem and dir/key.pem, creating both (key mode 0600) if either is missing.
TlsFiles ensure_self_signed_certificate(const std::filesystem::path& dir);

}  // namespace harbour::core
