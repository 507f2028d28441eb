#include "services/content_check.hpp"

#include "core/app_error.hpp"
#include "services/authorizer.hpp"
#include "store/database.hpp"
#include "store/network_repo.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace harbour::services {
namespace {

// In the order they are named to the author.
constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kKindNames = {{
    {"full_name", "a full name"},
    {"address", "a street address"},
    {"postcode", "a postcode"},
    {"phone", "a phone number"},
    {"email", "an email address"},
    {"handle", "a social media name or link"},
}};

}  // namespace

std::string identifying_advice(const std::vector<IdentifyingDetail>& details) {
  std::vector<std::string_view> names;
  // Not a structured binding: clang 14 cannot capture one in a lambda.
  for (const auto& entry : kKindNames) {
    const auto kind = entry.first;
    if (std::any_of(details.begin(), details.end(), [&](const auto& d) { return d.kind == kind; })) {
      names.push_back(entry.second);
    }
  }
  if (names.empty()) return {};
  std::string list;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) list += i + 1 == names.size() ? " and " : ", ";
    list += names[i];
  }
  return "Your post looks like it includes " + list +
         ". Harbour is anonymous so that everyone can speak freely and stay safe, and details like this could let "
         "someone work out who you, or the people you write about, are. You could take them out or change them "
         "before you send it. If you send it as it is, a moderator will read it before it appears.";
}

ContentCheck check_content(store::Database& db, const Principal* who, std::string_view network_slug,
                           std::string_view title, std::string_view body) {
  const Principal& p = require_signed_in(who);
  const auto network = db.read([&](store::Connection& c) { return store::find_network_by_slug(c, network_slug); });
  if (!network) {
    throw core::AppError(core::ErrorKind::NotFound, "network_not_found", "There is no network at this address.");
  }
  // Every role may read the resources: "holds a key to this network", with the usual rules for
  // suspended keys and the staff second factor.
  if (p.is_admin) {
    require_admin(who);
  } else {
    require_capability(who, Capability::ReadResources, network->id);
  }
  ContentCheck out;
  out.identifying = find_identifying_details(title);
  for (auto& d : find_identifying_details(body)) out.identifying.push_back(std::move(d));
  out.advice = identifying_advice(out.identifying);
  return out;
}

}  // namespace harbour::services
