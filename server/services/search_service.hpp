#pragma once
// Full-text search (FTS5) over posts and resources, limited to what the caller may read in the
// networks they hold keys to. User text never reaches FTS5 as syntax: it is cut into words and
// "phrases" and each is passed as a quoted FTS5 string (fts5_query), so operators, column
// filters and NEAR() written by a user are just words.
#include "services/principal.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harbour::store {
class Database;
}

namespace harbour::services {

inline constexpr std::size_t kSearchQueryMaxBytes = 200;
inline constexpr std::size_t kSearchMaxTerms = 12;
inline constexpr std::size_t kSearchMaxResults = 20;

// The FTS5 query for what a person typed: words are runs of letters, marks and digits (UTF-8
// aware); "double-quoted phrases" stay phrases; each becomes a quoted FTS5 string, all ANDed; the
// last word, when the text ends with one, matches as a prefix (results while typing). Throws
// AppError{BadRequest, "invalid_query"} for empty text, nothing searchable, more than
// kSearchQueryMaxBytes or kSearchMaxTerms words, an unbalanced quote or invalid UTF-8.
std::string fts5_query(std::string_view text);

struct SnippetPart {
  std::string text;
  bool match = false;
};

// A snippet marked with kSnippetOpen / kSnippetClose around matches, cut into parts so the client
// never needs innerHTML. Unbalanced markers are tolerated (the text is kept).
inline constexpr char kSnippetOpen = '\x02';
inline constexpr char kSnippetClose = '\x03';
std::vector<SnippetPart> split_snippet(std::string_view marked);

struct SearchResult {
  std::string type;       // topic | reply | blog_post | blog_comment | resource
  std::int64_t id = 0;
  std::string link_kind;  // what to open: topic | blog_post | resource
  std::int64_t link_id = 0;
  std::string title;      // a reply's topic title, a comment's blog post title
  std::vector<SnippetPart> snippet;
  std::string network_slug;
  std::string network_name;
  std::string at;  // published_at of a post, updated_at of a resource
  double rank = 0;  // bm25: lower is better
};

class SearchService {
 public:
  explicit SearchService(store::Database& db) : db_(db) {}

  // Searches the networks the caller holds an active key to (every network for an admin with the
  // second factor), or only `network_slug` (404 network_not_found without a key to it). Best
  // first, at most kSearchMaxResults.
  std::vector<SearchResult> search(const Principal* who, std::string_view text, const std::optional<std::string>& network_slug);

 private:
  store::Database& db_;
};

}  // namespace harbour::services
