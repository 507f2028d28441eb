#pragma once
// The server's TLS settings: TLS 1.2 and 1.3 only, Mozilla "intermediate" AEAD suites.
#include <boost/asio/ssl/context.hpp>

#include <filesystem>

namespace harbour::net {

// Throws std::runtime_error naming the file when the certificate or key cannot be used.
void configure_tls_context(boost::asio::ssl::context& ctx, const std::filesystem::path& cert,
                           const std::filesystem::path& key);

}  // namespace harbour::net
