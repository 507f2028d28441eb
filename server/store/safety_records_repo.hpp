#pragma once
// One person's part of the moderation and safety records, for their export (subject access) and
// their erasure.
//
// What the person sees in their download: the reports they made, the private messages staff sent
// them and the silences placed on them, with their reasons; all of it was said to them already.
// Staff notes about a member and safeguarding cases are not in the self-service download. They
// are health and social care records: released through the service's own subject access process,
// where a clinician reviews them first (the "serious harm" test of the Data Protection Act 2018,
// schedule 3). The download says so, and says how to ask.
//
// Erasure (either content choice): the staff messages to them and their silences go; the notes
// they wrote on reports they made are blanked (the report's reason stays with the moderation
// record of someone else's post); claims they held on queue items are let go; rota shifts not yet
// over are removed; open cases they owned lose their owner (with a case event saying why) so a
// clinician picks them up. Staff notes about them and cases about them are kept: records a
// health service must retain (UK GDPR article 17(3)(b) and (c)); they now point at a former
// member whose pseudonym, keys and sign-in are gone.
#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string_view>

namespace harbour::store {

class Connection;

nlohmann::json export_safety_records(Connection& c, std::int64_t user_id);

// Returns {what: rows} counts for the account.erase audit row, including what was kept.
nlohmann::json erase_safety_records(Connection& c, std::int64_t user_id, std::string_view now);

}  // namespace harbour::store
