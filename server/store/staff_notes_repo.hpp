#pragma once
// What staff keep and send about one member: private notes (never shown to the member) and
// private messages (the member reads them; the author shows by role only).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harbour::store {

class Connection;

// ---- Private notes ----------------------------------------------------------------------------
struct MemberNoteRow {
  std::int64_t id = 0;
  std::int64_t network_id = 0;
  std::int64_t user_id = 0;
  std::int64_t author_id = 0;
  std::string author_pseudonym;
  std::string body;
  std::string created_at;
};

std::int64_t insert_member_note(Connection& c, std::int64_t network_id, std::int64_t user_id, std::int64_t author_id,
                                std::string_view body, std::string_view now);
// Newest first, at most `limit`.
std::vector<MemberNoteRow> list_member_notes(Connection& c, std::int64_t network_id, std::int64_t user_id, int limit);

// ---- Private messages from staff --------------------------------------------------------------
struct NewStaffMessage {
  std::int64_t network_id = 0;
  std::int64_t user_id = 0;
  std::int64_t author_id = 0;
  std::string author_role;  // the author's role in the network when they wrote (or "admin")
  std::string body;
  std::optional<std::int64_t> post_id;
};

struct StaffMessageRow {
  std::int64_t id = 0;
  std::int64_t network_id = 0;
  std::string network_slug;
  std::string network_name;
  std::int64_t user_id = 0;
  std::int64_t author_id = 0;
  std::string author_pseudonym;  // for staff views only
  std::string author_role;
  std::string body;
  std::optional<std::int64_t> post_id;
  std::string created_at;
  std::optional<std::string> read_at;
};

std::int64_t insert_staff_message(Connection& c, const NewStaffMessage& m, std::string_view now);
std::optional<StaffMessageRow> find_staff_message(Connection& c, std::int64_t id);
// The member's messages from every network, newest first, ids below before_id.
std::vector<StaffMessageRow> list_staff_messages(Connection& c, std::int64_t user_id, std::optional<std::int64_t> before_id,
                                                 int limit);
// The messages staff of one network sent this member, newest first.
std::vector<StaffMessageRow> list_staff_messages_in(Connection& c, std::int64_t network_id, std::int64_t user_id,
                                                    int limit);
std::int64_t count_unread_staff_messages(Connection& c, std::int64_t user_id);
// Marks these of the member's messages read (ids of others' are ignored).
void mark_staff_messages_read(Connection& c, std::int64_t user_id, const std::vector<std::int64_t>& ids,
                              std::string_view now);
void mark_all_staff_messages_read(Connection& c, std::int64_t user_id, std::string_view now);

}  // namespace harbour::store
