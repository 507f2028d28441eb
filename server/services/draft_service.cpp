#include "services/draft_service.hpp"

#include "core/app_error.hpp"
#include "core/clock.hpp"
#include "services/authorizer.hpp"
#include "services/content_rules.hpp"
#include "store/database.hpp"
#include "store/network_repo.hpp"
#include "store/reading_repo.hpp"

#include <utf8proc.h>

#include <algorithm>

namespace harbour::services {
namespace {

using core::AppError;
using core::ErrorKind;

constexpr std::size_t kMaxIdDigits = 18;  // below 2^63: every such id parses

AppError draft_not_found() {
  return AppError(ErrorKind::NotFound, "draft_not_found", "There is no saved draft here.");
}

AppError invalid_draft_key() {
  return AppError(ErrorKind::BadRequest, "invalid_draft_key", "That is not a place a draft can be kept for.");
}

bool id_text(std::string_view s) {
  return !s.empty() && s.size() <= kMaxIdDigits && s.front() != '0' &&
         std::all_of(s.begin(), s.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}

bool slug_text(std::string_view s) {
  return s.size() >= 2 && s.size() <= 40 &&
         std::all_of(s.begin(), s.end(), [](char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-'; });
}

// Drafts keep text exactly as typed (a save must never lose what someone wrote), so only what
// cannot be stored faithfully is refused: invalid UTF-8, and more than the longest post allows.
void check_draft_text(std::string_view text, std::size_t max_chars, std::string_view field) {
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(text.size());
  while (left > 0) {
    utf8proc_int32_t cp = 0;
    const auto n = utf8proc_iterate(p, left, &cp);
    if (n <= 0) throw AppError(ErrorKind::BadRequest, "invalid_utf8", "The text contains characters that are not valid UTF-8.");
    p += n;
    left -= n;
  }
  if (code_point_count(text) > max_chars) {
    throw AppError(ErrorKind::BadRequest, "text_too_long",
                   "'" + std::string(field) + "' can be at most " + std::to_string(max_chars) + " characters.");
  }
}

}  // namespace

bool valid_draft_key(std::string_view key) noexcept {
  const auto dash = key.find('-');
  if (dash == std::string_view::npos) return false;
  const auto kind = key.substr(0, dash);
  const auto rest = key.substr(dash + 1);
  if (kind == "blog") return slug_text(rest);
  if (kind == "topic" || kind == "reply" || kind == "comment" || kind == "edit") return id_text(rest);
  return false;
}

std::vector<DraftSummary> DraftService::list(const Principal* who) {
  const auto& p = require_signed_in(who);
  return db_.read([&](store::Connection& c) {
    std::vector<DraftSummary> out;
    for (auto& d : store::list_drafts(c, p.user_id)) {
      out.push_back({std::move(d.key), std::move(d.network_slug), std::move(d.title), std::move(d.updated_at)});
    }
    return out;
  });
}

Draft DraftService::get(const Principal* who, std::string_view key) {
  const auto& p = require_signed_in(who);
  if (!valid_draft_key(key)) throw invalid_draft_key();
  auto row = db_.read([&](store::Connection& c) { return store::find_draft(c, p.user_id, key); });
  if (!row) throw draft_not_found();
  return {std::move(row->key), std::move(row->network_slug), std::move(row->title), std::move(row->body),
          split_words(row->content_notes), std::move(row->updated_at)};
}

SavedDraft DraftService::save(const Principal* who, const RequestMeta& meta, std::string_view key, const DraftInput& input) {
  const auto& p = require_signed_in(who);
  if (!valid_draft_key(key)) throw invalid_draft_key();
  check_draft_text(input.title, kDraftTitleMaxChars, "title");
  check_draft_text(input.body, kDraftBodyMaxChars, "body");
  const auto notes = checked_content_notes(input.content_notes);
  // A blog draft belongs to the blog its key names.
  if (key.starts_with("blog-") && key.substr(5) != input.network) throw invalid_draft_key();
  const auto now = core::format_utc_ms(meta.now);
  return db_.writer()
      .run([&](store::Connection& c) {
        const auto network = store::find_network_by_slug(c, input.network);
        const Membership* m = network ? p.membership(network->id) : nullptr;
        if (!m || !m->active) {
          throw AppError(ErrorKind::NotFound, "network_not_found", "There is no network at this address.");
        }
        const std::string k(key);
        if (!store::find_draft(c, p.user_id, k) && store::count_drafts(c, p.user_id) >= kMaxDraftsPerUser) {
          throw AppError(ErrorKind::Conflict, "too_many_drafts",
                         "You have 50 saved drafts. Post or delete some of them to save a new one.");
        }
        store::DraftRow d;
        d.key = k;
        d.network_id = network->id;
        d.title = input.title;
        d.body = input.body;
        d.content_notes = notes;
        store::upsert_draft(c, p.user_id, d, now);
        return SavedDraft{k, now};
      })
      .get();
}

void DraftService::remove(const Principal* who, std::string_view key) {
  const auto& p = require_signed_in(who);
  if (!valid_draft_key(key)) throw invalid_draft_key();
  const std::string k(key);
  db_.writer().run([&](store::Connection& c) { store::delete_draft(c, p.user_id, k); }).get();
}

std::vector<std::string> DraftService::collapsed_notes(const Principal* who) {
  const auto& p = require_signed_in(who);
  const auto chosen = db_.read([&](store::Connection& c) { return store::collapsed_notes(c, p.user_id); });
  std::vector<std::string> out;
  for (const auto& n : content_notes()) {
    // Never chose: every note collapsed (the careful default for people in recovery).
    if (!chosen || std::find(chosen->begin(), chosen->end(), n.key) != chosen->end()) out.emplace_back(n.key);
  }
  return out;
}

std::vector<std::string> DraftService::set_collapsed_notes(const Principal* who, const RequestMeta& meta,
                                                           const std::vector<std::string>& keys) {
  const auto& p = require_signed_in(who);
  std::vector<std::string> out;
  for (const auto& key : keys) {
    const auto notes = content_notes();
    if (std::none_of(notes.begin(), notes.end(), [&](const ContentNote& n) { return n.key == key; })) {
      throw AppError(ErrorKind::BadRequest, "invalid_content_note", "That content note is not one of the list.");
    }
  }
  std::string stored;
  for (const auto& n : content_notes()) {
    if (std::find(keys.begin(), keys.end(), n.key) == keys.end()) continue;
    out.emplace_back(n.key);
    if (!stored.empty()) stored.push_back(' ');
    stored += n.key;
  }
  const auto now = core::format_utc_ms(meta.now);
  db_.writer().run([&](store::Connection& c) { store::set_collapsed_notes(c, p.user_id, stored, now); }).get();
  return out;
}

}  // namespace harbour::services
