#include "services/demo_seed.hpp"

#include "store/database.hpp"
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
          store::insert_network(c, d.slug, d.name, "Europe/London", national_contacts(d.team, "0300 000 0000").dump());
          ++created;
        }
        return created;
      })
      .get();
}

}  // namespace harbour::services
