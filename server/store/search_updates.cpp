#include "store/search_updates.hpp"

#include "store/connection.hpp"

namespace harbour::store {
namespace {

// One pair of statements per table, from literals (DESIGN.md §4: no SQL built from strings).
void write_row(Connection& c, SearchTable table, std::int64_t rowid, const std::string* title, const std::string* body) {
  if (table == SearchTable::Posts) {
    c.prepare("DELETE FROM post_search WHERE rowid = ?1").bind(1, rowid).run();
    if (title) c.prepare("INSERT INTO post_search (rowid, title, body) VALUES (?1, ?2, ?3)").bind(1, rowid).bind(2, *title).bind(3, *body).run();
  } else {
    c.prepare("DELETE FROM resource_search WHERE rowid = ?1").bind(1, rowid).run();
    if (title) c.prepare("INSERT INTO resource_search (rowid, title, body) VALUES (?1, ?2, ?3)").bind(1, rowid).bind(2, *title).bind(3, *body).run();
  }
}

}  // namespace

void SearchUpdates::index(SearchTable table, std::int64_t rowid, std::string title, std::string body) {
  rows_.insert_or_assign({table, rowid}, Text{std::move(title), std::move(body)});
}

void SearchUpdates::unindex(SearchTable table, std::int64_t rowid) { rows_.insert_or_assign({table, rowid}, std::nullopt); }

void SearchUpdates::merge(SearchUpdates&& later) {
  if (rows_.empty()) {
    rows_.swap(later.rows_);
    return;
  }
  for (auto& [key, text] : later.rows_) rows_.insert_or_assign(key, std::move(text));
  later.rows_.clear();
}

void SearchUpdates::apply(Connection& c) {
  for (const auto& [key, text] : rows_) {
    write_row(c, key.first, key.second, text ? &text->title : nullptr, text ? &text->body : nullptr);
  }
  rows_.clear();
}

void index_search_row(Connection& c, SearchTable table, std::int64_t rowid, std::string title, std::string body) {
  if (auto* held = c.search_updates()) {
    held->index(table, rowid, std::move(title), std::move(body));
    return;
  }
  write_row(c, table, rowid, &title, &body);
}

void unindex_search_row(Connection& c, SearchTable table, std::int64_t rowid) {
  if (auto* held = c.search_updates()) {
    held->unindex(table, rowid);
    return;
  }
  write_row(c, table, rowid, nullptr, nullptr);
}

}  // namespace harbour::store
