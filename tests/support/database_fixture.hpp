#pragma once
// A gtest fixture base for tests on a real database: a temporary folder, the database in it
// (the test's SetUp opens db_ with the options it needs) and write()/read() to run a function
// on the single writer or on a pooled reader and hand back its result.
#include "store/connection.hpp"
#include "store/database.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <utility>

namespace harbour::test {

class DatabaseTest : public ::testing::Test {
 protected:
  // Runs f(store::Connection&) on the writer and waits for it: returns what f returns and
  // rethrows what f throws.
  template <class F>
  auto write(F&& f) {
    return db_->writer().run(std::forward<F>(f)).get();
  }
  // Runs f(store::Connection&) on a read-only connection and returns what f returns.
  template <class F>
  auto read(F&& f) {
    return db_->read(std::forward<F>(f));
  }

  TempDir dir_;
  std::unique_ptr<store::Database> db_;  // after dir_: the database closes before its folder goes
};

}  // namespace harbour::test
