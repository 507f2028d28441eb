#pragma once
// The moderation queue (list by priority, claims that expire, approve or edit and approve,
// reject with a template, keep or hide a reported post, escalate to a clinician), members'
// reports, what staff do about one member (private messages, silences, private notes), the
// network's moderation policy and its watched words. Every staff action needs a reason where it
// changes something others see, and writes its audit row in the same transaction.
#include "services/post_view.hpp"
#include "services/principal.hpp"
#include "services/request_meta.hpp"

#include <nlohmann/json_fwd.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harbour::store {
class Database;
}
namespace harbour::live {
class Hub;
}

namespace harbour::services {

class NotificationService;
class CaseService;

// Items one queue page returns.
inline constexpr int kQueuePageSize = 25;
// How long a claim keeps an item for one moderator.
inline constexpr std::chrono::minutes kClaimDuration{10};
// A member's note with a report, in characters.
inline constexpr std::size_t kReportNoteMaxChars = 1000;
// Private notes and messages about a member, in characters.
inline constexpr std::size_t kMemberTextMaxChars = 4000;
// A silence lasts 1 hour to 30 days.
inline constexpr std::int64_t kSilenceMaxHours = 720;
// Messages one page of a member's inbox lists; notes and messages one member view lists.
inline constexpr int kMessagePageSize = 30;
inline constexpr int kMemberRecordLimit = 100;
// A watched phrase: 2 to 100 characters once white space is tidied.
inline constexpr std::size_t kPhraseMinChars = 2;
inline constexpr std::size_t kPhraseMaxChars = 100;

struct ModerationContext {
  std::string kind;  // topic | blog_post
  std::int64_t id = 0;
  std::string title;
};

struct ModerationAuthor {
  std::int64_t id = 0;
  std::string pseudonym;
  std::int64_t published_posts = 0;  // in the item's network
};

struct ModerationClaim {
  std::int64_t id = 0;
  std::string pseudonym;
};

// How many people reported the post and why; never who.
struct ModerationReports {
  std::int64_t count = 0;
  std::int64_t open = 0;
  std::vector<std::string> reasons;
  std::vector<std::string> notes;
};

struct ModerationItem {
  std::int64_t id = 0;
  std::string network;  // slug
  std::vector<std::string> reasons;
  std::optional<std::string> matched;
  std::string state;  // open | approved | rejected | withdrawn
  std::string created_at;
  std::optional<std::string> decided_at;
  std::optional<std::string> decision_reason;
  PostView post;
  ModerationContext context;
  ModerationAuthor author;
  std::int64_t priority = 0;
  std::optional<ModerationClaim> claimed_by;  // only while the claim holds
  std::optional<std::string> claim_expires_at;
  ModerationReports reports;
  // Distressing (risk, self-harm or suicide): the queue blurs it until a moderator chooses to look.
  bool sensitive = false;
  // A held risk item needs two different moderators to approve it; the first one so far.
  bool needs_second_review = false;
  std::optional<ModerationClaim> first_review_by;
};

// approve: with `body` (and `title` for a topic or blog post), the moderator edits the post
// first (the old text stays in its history) and a reason is required.
struct ApproveInput {
  std::optional<std::string> reason;
  std::optional<std::string> body;
  std::optional<std::string> title;
};

// reject: a template tied to the guidelines (reject_templates.hpp) with an optional note, or a
// reason of the moderator's own words; the author reads either.
struct RejectInput {
  std::optional<std::string> reason;
  std::optional<std::string> template_key;
  std::optional<std::string> note;
};

struct Escalation {
  std::int64_t case_id = 0;
  ModerationItem item;
};

// A private message from staff as its reader sees it: from a role, never a name.
struct StaffMessage {
  std::int64_t id = 0;
  std::string network;  // slug
  std::string network_name;
  std::string from;     // "Clinician", "Peer supporter", "Volunteer", "Harbour team"
  std::string body;
  std::optional<std::int64_t> post_id;
  std::string created_at;
  bool read = false;
  // Staff views only (a member's own list leaves it empty).
  std::optional<ModerationClaim> author;
};

struct StaffMessagePage {
  std::vector<StaffMessage> messages;
  std::int64_t unread_count = 0;
  std::optional<std::int64_t> next_before;
};

struct MemberNote {
  std::int64_t id = 0;
  std::string body;
  ModerationClaim author;
  std::string created_at;
};

// What staff of a network see about one member there.
struct MemberRecord {
  std::int64_t id = 0;
  std::string pseudonym;
  std::optional<std::string> silenced_until;
  std::vector<MemberNote> notes;
  std::vector<StaffMessage> messages;
};

struct ModerationQueuePage {
  std::vector<ModerationItem> items;
  std::optional<std::int64_t> next_before;
};

struct ModerationPolicy {
  std::string mode;  // pre_moderate_all | first_posts | post_moderate
  std::int64_t first_posts = 3;
  std::string out_of_hours = "hold_all";   // hold_all | as_in_hours (safety.md)
  std::int64_t case_response_minutes = 15;  // a risk case's deadline in hours, 1..1440
};

// What an admin changes; fields left empty keep their current value.
struct PolicyChange {
  std::string mode;
  std::int64_t first_posts = 3;
  std::optional<std::string> out_of_hours;
  std::optional<std::int64_t> case_response_minutes;
};

struct WatchedWord {
  std::int64_t id = 0;
  std::string phrase;
  std::string action;  // refuse | hold
  std::string created_at;
};

// The API's message object (and the live push {"type":"staff_message","message":…}): the author
// shows by role; `author` {id, pseudonym} only in staff views.
nlohmann::json staff_message_json(const StaffMessage& m);
// The role a member reads as the sender of a private message.
std::string message_sender_label(std::string_view author_role);

class ModerationService {
 public:
  // `hub` carries a member's new private message to their open pages (topic user:<id>); `cases`
  // alerts the clinicians on shift when a moderator escalates an item.
  ModerationService(store::Database& db, NotificationService& notifications, CaseService& cases, live::Hub& hub,
                    std::function<void()> audit_written)
      : db_(db), notifications_(notifications), cases_(&cases), hub_(&hub), audit_written_(std::move(audit_written)) {}

  // Staff of the network. state: open (default) | approved | rejected; before: the previous
  // page's next_before. Open items come highest priority first, then newest; `now` decides
  // which claims still hold.
  ModerationQueuePage queue(const Principal* who, std::string_view network_slug, std::optional<std::string> state,
                            std::optional<std::int64_t> before_id,
                            std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

  // Staff of the item's network: keeps it for the caller for kClaimDuration (again: renews).
  // 409 claimed_by_other while someone else's claim holds (the message names them), 409
  // already_decided when it left the queue.
  ModerationItem claim(const Principal* who, const RequestMeta& meta, std::int64_t item_id);
  // Lets go of the caller's own claim (nothing happens when they hold none).
  ModerationItem release(const Principal* who, const RequestMeta& meta, std::int64_t item_id);

  // Staff of the item's network; an item of another network answers 404 item_not_found as if
  // it did not exist. Publishes the post and tells its author and the people a published post
  // tells (replies, mentions). reason: optional, 3..500 characters when given.
  // An item about a published post (a report, a flagged word) is kept as it is: the reports are
  // resolved. Someone else's unexpired claim: 409 claimed_by_other.
  ModerationItem approve(const Principal* who, const RequestMeta& meta, std::int64_t item_id,
                         std::optional<std::string> reason);
  ModerationItem approve(const Principal* who, const RequestMeta& meta, std::int64_t item_id, const ApproveInput& in);
  // The author sees the reason (3..500 characters) and keeps their text to edit and resubmit.
  // On an item about a published post, rejecting hides the post (the author is told why).
  ModerationItem reject(const Principal* who, const RequestMeta& meta, std::int64_t item_id, std::string_view reason);
  ModerationItem reject(const Principal* who, const RequestMeta& meta, std::int64_t item_id, const RejectInput& in);
  // Opens a safeguarding case (tier concern) about the post's author for the clinicians; the
  // item stays in the queue, marked escalated and at risk priority. 409 case_exists when a case
  // about the post is still open.
  Escalation escalate(const Principal* who, const RequestMeta& meta, std::int64_t item_id, std::string_view reason);

  // ---- Reports (any reader of a published post but its author) ----
  // reason: unkind | identifying | unsafe | spam | other; note up to 1000 characters. 409
  // own_post, already_reported, post_not_published. The post joins the queue (or its open item
  // gains the reason "report").
  void report(const Principal* who, const RequestMeta& meta, std::int64_t post_id, std::string_view reason,
              std::optional<std::string> note);

  // ---- One member, for staff of the network (the member must hold a key there, else 404
  // member_not_found) ----
  StaffMessage send_message(const Principal* who, const RequestMeta& meta, std::int64_t user_id,
                            std::string_view network_slug, std::string_view body, std::optional<std::int64_t> post_id);
  // Silenced members read but cannot post until the time is up (1..720 hours). Staff and admins
  // cannot be silenced (409 cannot_silence_staff).
  std::string silence(const Principal* who, const RequestMeta& meta, std::int64_t user_id, std::string_view network_slug,
                      std::int64_t hours, std::string_view reason);
  // 404 not_silenced when no silence is in force.
  void unsilence(const Principal* who, const RequestMeta& meta, std::int64_t user_id, std::string_view network_slug,
                 std::string_view reason);
  MemberNote add_note(const Principal* who, const RequestMeta& meta, std::int64_t user_id,
                      std::string_view network_slug, std::string_view body);
  MemberRecord member_record(const Principal* who, const RequestMeta& meta, std::int64_t user_id,
                             std::string_view network_slug);

  // ---- The member's own messages from staff ----
  StaffMessagePage my_messages(const Principal* who, std::optional<std::int64_t> before_id);
  // Returns the unread count after. At most 100 ids; others' ids are ignored.
  std::int64_t mark_messages_read(const Principal* who, const RequestMeta& meta, const std::vector<std::int64_t>& ids);
  std::int64_t mark_all_messages_read(const Principal* who, const RequestMeta& meta);

  ModerationPolicy policy(const Principal* who, std::string_view network_slug);
  // Admins only.
  // 400 invalid_mode, invalid_first_posts, invalid_out_of_hours, invalid_response_minutes.
  ModerationPolicy set_policy(const Principal* who, const RequestMeta& meta, std::string_view network_slug,
                              const PolicyChange& change);

  std::vector<WatchedWord> watched_words(const Principal* who, std::string_view network_slug);
  // Admins only. 409 word_exists when the network watches that phrase already (any case).
  WatchedWord add_watched_word(const Principal* who, const RequestMeta& meta, std::string_view network_slug,
                               std::string_view phrase, std::string_view action);
  void remove_watched_word(const Principal* who, const RequestMeta& meta, std::int64_t word_id);

 private:
  struct Decision;
  ModerationItem decide(const Principal* who, const RequestMeta& meta, std::int64_t item_id, bool approve,
                        const Decision& d);
  ModerationItem item_for(const Principal* who, std::int64_t item_id, std::chrono::system_clock::time_point now);
  std::int64_t member_network(const Principal* who, std::int64_t user_id, std::string_view network_slug);

  store::Database& db_;
  NotificationService& notifications_;
  CaseService* cases_;
  live::Hub* hub_ = nullptr;
  std::function<void()> audit_written_;
};

}  // namespace harbour::services
