#pragma once
// Changes to the full-text indexes (post_search, resource_search), held back to the end of a
// writer batch.
//
// Why: FTS5 keeps new terms in memory and writes them out as a new index segment whenever a
// savepoint opens or closes. The writer wraps every job in a savepoint, and statements that may
// need undoing open one of their own, so indexing inside a job wrote a segment per post and kept
// FTS5 busy merging them: about a fifth of the writer's time per reply (tests/bench, perf). Held
// here, a batch's changes are applied once after its last job, outside any savepoint, and reach
// the disk as one segment at COMMIT.
//
// A later change to the same row replaces an earlier one (index, then unindex, leaves it out), so
// the order of a batch's jobs is kept. A job that rolls back takes its changes with it: the writer
// gives each job a fresh SearchUpdates and merges it into the batch's only once the job succeeded.
// Outside the writer (migrations, tools, tests on a bare connection) nothing is held: a
// Connection without SearchUpdates applies each change at once.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>

namespace harbour::store {

class Connection;

enum class SearchTable { Posts, Resources };

class SearchUpdates {
 public:
  void index(SearchTable table, std::int64_t rowid, std::string title, std::string body);
  void unindex(SearchTable table, std::int64_t rowid);
  // `later` happened after everything here: its changes win.
  void merge(SearchUpdates&& later);
  // Runs the changes on `c` (inside the caller's transaction) and forgets them.
  void apply(Connection& c);
  void clear() noexcept { rows_.clear(); }
  bool empty() const noexcept { return rows_.empty(); }

 private:
  struct Text {
    std::string title;
    std::string body;
  };
  // nullopt: the row leaves the index.
  std::map<std::pair<SearchTable, std::int64_t>, std::optional<Text>> rows_;
};

// What index_post / index_resource / unindex_* call: held when `c` holds changes, else at once.
void index_search_row(Connection& c, SearchTable table, std::int64_t rowid, std::string title, std::string body);
void unindex_search_row(Connection& c, SearchTable table, std::int64_t rowid);

}  // namespace harbour::store
