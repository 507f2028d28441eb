#include "services/demo_seed.hpp"

#include "store/database.hpp"
#include "core/clock.hpp"
#include "services/password_hasher.hpp"
#include "services/pseudonym_policy.hpp"
#include "services/totp.hpp"
#include "store/account_repo.hpp"
#include "store/connection.hpp"
#include "store/network_repo.hpp"

#include <nlohmann/json.hpp>

namespace harbour::services {
namespace {

nlohmann::json national_contacts(const char* local_name, const char* local_number) {
  return nlohmann::json::array({
      {{"id", "emergency"}, {"name", "Emergency services"}, {"action", "call"}, {"number", "999"},
       {"description", "If you or someone else is in immediate danger, or has seriously hurt themselves."},
       {"available", "24 hours, every day"}},
      {{"id", "nhs111"}, {"name", "NHS 111, option 2"}, {"action", "call"}, {"number", "111"},
       {"description", "Call 111 and choose option 2 for the NHS mental health crisis line."},
       {"available", "24 hours, every day"}},
      {{"id", "samaritans"}, {"name", "Samaritans"}, {"action", "call"}, {"number", "116 123"},
       {"description", "Free to call, to talk about anything that is troubling you."},
       {"available", "24 hours, every day"}},
      {{"id", "shout"}, {"name", "Shout"}, {"action", "text"}, {"number", "85258"}, {"text_body", "SHOUT"},
       {"description", "Text SHOUT to 85258 for free, confidential support by text."},
       {"available", "24 hours, every day"}},
      {{"id", "local_crisis_team"}, {"name", local_name}, {"action", "call"}, {"number", local_number},
       {"description", "Demo number: a real service shows its own crisis team here."},
       {"available", "24 hours, every day"}},
  });
}

}  // namespace

int seed_demo_content(store::Database& db) {
  return db.writer()
      .run([](store::Connection& c) {
        int created = 0;
        struct Demo { const char* slug; const char* name; const char* team; };
        const Demo demos[] = {
            {"perinatal", "Perinatal (demo)", "Perinatal crisis team (demo)"},
            {"carers", "Relatives and carers (demo)", "Carers crisis line (demo)"},
        };
        for (const auto& d : demos) {
          if (store::find_network_by_slug(c, d.slug)) continue;
          const auto id = store::insert_network(c, d.slug, d.name, "Europe/London", national_contacts(d.team, "0300 000 0000").dump());
          // The same community guidelines as the default network, so joining works there too.
          c.prepare("INSERT INTO guidelines (network_id, version, body)"
                    " SELECT ?1, 1, body FROM guidelines WHERE network_id = (SELECT id FROM networks WHERE slug = 'default')"
                    " ORDER BY version DESC LIMIT 1")
              .bind(1, id)
              .run();
          ++created;
        }
        return created;
      })
      .get();
}

std::vector<DemoAccount> seed_demo_accounts(store::Database& db, PasswordHasher& hasher) {
  struct Spec { const char* pseudonym; const char* role; };
  static constexpr Spec kSpecs[] = {
      {"Demo Member", "member"},       {"Demo Carer", "carer"},         {"Demo Volunteer", "volunteer"},
      {"Demo Peer Supporter", "peer_supporter"}, {"Demo Clinician", "clinician"}, {"Demo Administrator", "admin"},
  };
  const std::string password = kDemoPassword;
  const auto hash = hasher.hash(password);  // one hash for all: demo only
  const auto now = core::format_utc_ms(std::chrono::system_clock::now());
  return db.writer()
      .run([&](store::Connection& c) {
        std::vector<DemoAccount> out;
        const auto net = store::find_network_by_slug(c, "default");
        for (const auto& spec : kSpecs) {
          const std::string role = spec.role;
          const bool admin = role == "admin";
          const bool staff = admin || role == "volunteer" || role == "peer_supporter" || role == "clinician";
          const auto key = pseudonym_key(spec.pseudonym);
          auto user = store::find_user_by_key(c, key);
          std::int64_t id = user ? user->id : store::insert_user(c, spec.pseudonym, key, hash, admin, now);
          if (!user) {
            if (!admin && net) store::upsert_membership(c, id, net->id, role);
            if (staff) store::set_totp(c, id, new_totp_secret(), true);
          }
          auto fresh = store::find_user(c, id);
          DemoAccount a{spec.pseudonym, role, password, ""};
          if (fresh && fresh->totp_enabled && fresh->totp_secret) a.totp_key = totp_manual_key(*fresh->totp_secret);
          out.push_back(std::move(a));
        }
        return out;
      })
      .get();
}

}  // namespace harbour::services
