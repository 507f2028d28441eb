// JsonBody's bounds on hostile bodies: nesting and the number of fields in one object are refused
// with stable codes, at once, whatever follows the point where the bound was crossed.
#include "api/json_body.hpp"

#include "core/app_error.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

using harbour::api::JsonBody;
using harbour::core::AppError;

namespace {

harbour::http::Request json_request(std::string body) {
  harbour::http::Request r;
  r.method = harbour::http::Method::Post;
  r.headers.set("Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

// The AppError's code, or "" when the body was accepted.
std::string refusal(const std::string& body) {
  try {
    JsonBody parsed(json_request(body));
    return "";
  } catch (const AppError& e) {
    return e.code();
  }
}

std::string object_with_fields(std::size_t n) {
  std::string body = "{";
  for (std::size_t i = 0; i < n; ++i) body += (i ? ",\"f" : "\"f") + std::to_string(i) + "\":0";
  return body + "}";
}

}  // namespace

TEST(JsonBody, AcceptsEightLevelsAndRefusesNine) {
  EXPECT_EQ(refusal(R"({"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":1}}}}}}}})"), "");
  EXPECT_EQ(refusal(R"({"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":{"i":1}}}}}}}}})"), "json_too_deep");
  EXPECT_EQ(refusal(R"({"a":[[[[[[[[1]]]]]]]]})"), "json_too_deep");
}

TEST(JsonBody, RefusesHundredThousandOpeningBracketsQuickly) {
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(refusal(std::string(100'000, '[')), "json_too_deep");
  std::string objects;
  for (int i = 0; i < 20'000; ++i) objects += "{\"a\":";
  EXPECT_EQ(refusal(objects), "json_too_deep");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(200));
}

TEST(JsonBody, BoundsTheFieldsOfEachObject) {
  EXPECT_EQ(refusal(object_with_fields(256)), "");
  EXPECT_EQ(refusal(object_with_fields(257)), "json_too_many_fields");
  EXPECT_EQ(refusal("{\"inner\":" + object_with_fields(257) + "}"), "json_too_many_fields");
  // Repeated keys count too (nlohmann keeps the last one).
  std::string repeated = "{";
  for (int i = 0; i < 10'000; ++i) repeated += "\"\":0,";
  EXPECT_EQ(refusal(repeated + "\"x\":1}"), "json_too_many_fields");
  // Sibling objects each have their own count: 200 + 200 fields in two objects is fine.
  EXPECT_EQ(refusal("{\"a\":" + object_with_fields(200) + ",\"b\":" + object_with_fields(200) + "}"), "");
}

TEST(JsonBody, RefusesInvalidJsonAndInvalidUtf8AndNonObjects) {
  EXPECT_EQ(refusal("{\"a\":"), "invalid_json");
  EXPECT_EQ(refusal("{\"a\":\"\xff\"}"), "invalid_json");
  EXPECT_EQ(refusal("[1,2]"), "invalid_json");
  EXPECT_EQ(refusal("{\"a\":1}"), "");
}
