// Storage failures a client can retry (disk full, I/O error, a database locked by another
// process) answer 503 storage_unavailable with Retry-After; other storage errors answer 500. In
// both cases SQLite's own text (SQL, paths) never reaches the client.
#include "api/error_mapper.hpp"
#include "http/context.hpp"
#include "http/request.hpp"
#include "store/db_error.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

using namespace harbour;

namespace {

http::Response answer_for(int sqlite_code) {
  http::Request request;
  http::Context context;
  const http::Next throws = [sqlite_code](http::Request&, http::Context&) -> http::Response {
    throw store::DbError(sqlite_code, "statement failed (INSERT INTO posts ...): /var/lib/harbour/harbour.db");
  };
  return api::error_mapper_middleware(request, context, throws);
}

}  // namespace

TEST(StorageErrorMapping, RetryableStorageFailuresAre503WithRetryAfter) {
  for (const int code : {SQLITE_FULL, SQLITE_IOERR, SQLITE_IOERR_WRITE, SQLITE_IOERR_FSYNC, SQLITE_BUSY, SQLITE_LOCKED}) {
    const auto r = answer_for(code);
    EXPECT_EQ(r.status, 503) << "sqlite code " << code;
    EXPECT_EQ(nlohmann::json::parse(r.body)["error"]["code"], "storage_unavailable") << "sqlite code " << code;
    EXPECT_TRUE(r.headers.get("Retry-After").has_value()) << "sqlite code " << code;
    EXPECT_EQ(r.body.find("INSERT"), std::string::npos);
    EXPECT_EQ(r.body.find("/var/lib"), std::string::npos);
  }
}

TEST(StorageErrorMapping, OtherStorageErrorsAre500WithoutDetail) {
  for (const int code : {SQLITE_ERROR, SQLITE_CORRUPT, SQLITE_CONSTRAINT_UNIQUE, SQLITE_MISUSE}) {
    const auto r = answer_for(code);
    EXPECT_EQ(r.status, 500) << "sqlite code " << code;
    EXPECT_EQ(nlohmann::json::parse(r.body)["error"]["code"], "internal_error");
    EXPECT_EQ(r.body.find("INSERT"), std::string::npos);
    EXPECT_EQ(r.body.find("/var/lib"), std::string::npos);
  }
}
