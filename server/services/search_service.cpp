#include "services/search_service.hpp"

#include "core/app_error.hpp"
#include "core/log.hpp"
#include "services/authorizer.hpp"
#include "services/content_rules.hpp"
#include "store/database.hpp"
#include "store/db_error.hpp"
#include "store/network_repo.hpp"
#include "store/search_repo.hpp"

#include <nlohmann/json.hpp>
#include <utf8proc.h>

#include <algorithm>
#include <map>

namespace harbour::services {
namespace {

using core::AppError;
using core::ErrorKind;

AppError invalid_query(const std::string& message) { return AppError(ErrorKind::BadRequest, "invalid_query", message); }

AppError network_not_found() {
  return AppError(ErrorKind::NotFound, "network_not_found", "There is no network at this address.");
}

// Letters, digits and private-use characters of any script: what the unicode61 tokenizer keeps
// as words (everything else separates them there too). Combining marks stay inside a word.
bool base_char(utf8proc_int32_t cp) {
  switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
    case UTF8PROC_CATEGORY_CO:
      return true;
    default:
      return false;
  }
}

bool mark_char(utf8proc_int32_t cp) {
  const auto cat = utf8proc_category(cp);
  return cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_MC || cat == UTF8PROC_CATEGORY_ME;
}

// What the caller may read in one network, or nothing when they hold no usable key there (the
// require_* call throws: 404 without a key, 403 for a staff key before the second factor).
store::SearchAccess access_to(const Principal* who, std::int64_t network_id) {
  store::SearchAccess a;
  a.network_id = network_id;
  if (is_network_staff(who, network_id)) {
    a.staff = true;
    a.read_blogs = true;
    a.role_bit = kAllRolesMask;
    return a;
  }
  const Membership* m = require_capability(who, Capability::ReadResources, network_id);
  a.role_bit = role_bit(m->role);
  a.read_blogs = m->role != Role::Carer;
  return a;
}

std::string link_kind(std::string_view type) {
  if (type == "topic" || type == "reply") return "topic";
  if (type == "blog_post" || type == "blog_comment") return "blog_post";
  return "resource";
}

}  // namespace

std::string fts5_query(std::string_view text) {
  if (text.size() > kSearchQueryMaxBytes) throw invalid_query("Search with at most 200 characters.");
  struct Term {
    std::vector<std::string> words;
    bool phrase = false;
  };
  std::vector<Term> terms;
  std::vector<std::string> phrase_words;
  std::string word;
  bool in_phrase = false;
  bool word_has_base = false;
  std::size_t word_count = 0;
  // A run of marks alone tokenizes to nothing, and an empty string ANDed in would match nothing.
  auto flush_word = [&] {
    const bool keep = word_has_base;
    word_has_base = false;
    if (!keep) {
      word.clear();
      return;
    }
    ++word_count;
    if (in_phrase) {
      phrase_words.push_back(std::move(word));
    } else {
      terms.push_back({{std::move(word)}, false});
    }
    word.clear();
  };

  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(text.size());
  while (left > 0) {
    utf8proc_int32_t cp = 0;
    const auto n = utf8proc_iterate(p, left, &cp);
    if (n <= 0) throw invalid_query("The search text contains characters that are not valid UTF-8.");
    if (cp == '"') {
      flush_word();
      if (in_phrase && !phrase_words.empty()) terms.push_back({std::move(phrase_words), true});
      phrase_words.clear();
      in_phrase = !in_phrase;
    } else if (base_char(cp) || mark_char(cp)) {
      word_has_base = word_has_base || base_char(cp);
      word.append(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n));
    } else {
      flush_word();
    }
    p += n;
    left -= n;
  }
  flush_word();
  if (in_phrase) throw invalid_query("A quotation mark is not closed. Put phrases between two double quotes.");
  if (word_count == 0) throw invalid_query("Type a word or two to search for.");
  if (word_count > kSearchMaxTerms) throw invalid_query("Search with at most 12 words.");

  // Every word is a quoted FTS5 string: only letters and digits, so no quote can end it early.
  std::string out;
  for (std::size_t i = 0; i < terms.size(); ++i) {
    if (!out.empty()) out.push_back(' ');
    out.push_back('"');
    for (std::size_t w = 0; w < terms[i].words.size(); ++w) {
      if (w) out.push_back(' ');
      out += terms[i].words[w];
    }
    out.push_back('"');
    if (i + 1 == terms.size() && !terms[i].phrase) out.push_back('*');
  }
  return out;
}

std::vector<SnippetPart> split_snippet(std::string_view marked) {
  std::vector<SnippetPart> parts;
  std::string current;
  bool match = false;
  auto flush = [&] {
    if (!current.empty()) parts.push_back({std::move(current), match});
    current.clear();
  };
  for (const char ch : marked) {
    if (ch == kSnippetOpen) {
      flush();
      match = true;
    } else if (ch == kSnippetClose) {
      flush();
      match = false;
    } else {
      current.push_back(ch);
    }
  }
  flush();
  return parts;
}

std::vector<SearchResult> SearchService::search(const Principal* who, std::string_view text,
                                                const std::optional<std::string>& network_slug) {
  const Principal& p = require_signed_in(who);
  // An admin's rights are staff rights: none of them before the second factor.
  if (p.is_admin && !p.second_factor_done) require_admin(who);

  return db_.read([&](store::Connection& c) {
    std::map<std::int64_t, store::NetworkRow> networks;
    for (auto& n : store::list_networks(c)) networks.emplace(n.id, std::move(n));

    std::vector<store::SearchAccess> accesses;
    if (network_slug) {
      const auto network = store::find_network_by_slug(c, *network_slug);
      if (!network) throw network_not_found();
      accesses.push_back(access_to(who, network->id));
    } else if (p.is_admin) {
      for (const auto& [id, n] : networks) accesses.push_back(access_to(who, id));
    } else {
      for (const auto& m : p.memberships) {
        if (m.active && networks.contains(m.network_id)) accesses.push_back(access_to(who, m.network_id));
      }
    }
    const auto match = fts5_query(text);

    const int limit = static_cast<int>(kSearchMaxResults);
    std::vector<store::SearchHit> hits;
    try {
      for (const auto& a : accesses) {
        auto posts = store::search_posts(c, match, a, limit);
        auto resources = store::search_resources(c, match, a.network_id, limit);
        hits.insert(hits.end(), std::make_move_iterator(posts.begin()), std::make_move_iterator(posts.end()));
        hits.insert(hits.end(), std::make_move_iterator(resources.begin()), std::make_move_iterator(resources.end()));
      }
    } catch (const store::DbError& e) {
      if (e.is_busy() || e.is_full()) throw;
      // fts5_query should make this unreachable; if FTS5 still refuses the query, the person's
      // text is the cause, so they get a 400 rather than an error page.
      core::log::warn("search_query_refused", {{"code", e.code()}});
      throw invalid_query("That search could not be run. Try different words.");
    }
    std::stable_sort(hits.begin(), hits.end(), [](const auto& a, const auto& b) { return a.rank < b.rank; });
    if (hits.size() > kSearchMaxResults) hits.resize(kSearchMaxResults);

    std::vector<SearchResult> out;
    out.reserve(hits.size());
    for (auto& h : hits) {
      SearchResult r;
      r.link_kind = link_kind(h.type);
      r.type = std::move(h.type);
      r.id = h.id;
      r.link_id = h.link_id;
      r.title = std::move(h.title);
      r.snippet = split_snippet(h.snippet);
      const auto& n = networks.at(h.network_id);
      r.network_slug = n.slug;
      r.network_name = n.name;
      r.at = std::move(h.at);
      r.rank = h.rank;
      out.push_back(std::move(r));
    }
    return out;
  });
}

}  // namespace harbour::services
