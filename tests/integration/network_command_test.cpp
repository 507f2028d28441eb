// `harbour network ...` as the operations guide runs it: beside the real running server, on its
// data folder. A network created from the command line is served at once (its crisis page shows
// its own local team), people can be invited to it and join, the rename of the default network is
// seen by everyone, every change is in the audit log (which still verifies), and a refused
// command (a taken slug, a bad slug or time zone) exits non-zero and changes nothing.
#include "content_client.hpp"
#include "invitation_links.hpp"
#include "server_process.hpp"
#include "tls_client.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <memory>
#include <string>

using namespace harbour::test;
using nlohmann::json;

namespace {

class NetworkCommand : public ::testing::Test {
 protected:
  void SetUp() override { server_ = std::make_unique<ServerProcess>(ServerOptions{}); }

  std::pair<int, std::string> network(const std::string& args) {
    return run_harbour("network " + args + " --data-dir " + server_->data_dir().string());
  }

  // The public crisis page of a network, read by someone not signed in.
  HttpReply crisis_page(const std::string& slug) {
    HttpsClient c(server_->port(), {.ca_file = server_->ca_file().string()});
    c.connect();
    return c.request("GET", "/api/v1/networks/" + slug + "/crisis-contacts");
  }

  static json local_team(const json& page) {
    for (const auto& contact : page.value("crisis_contacts", json::array())) {
      if (contact.value("id", "") == "local_crisis_team") return contact;
    }
    return nullptr;
  }

  std::unique_ptr<ServerProcess> server_;
};

TEST_F(NetworkCommand, ANetworkCreatedBesideTheRunningServerIsServedWithItsOwnCrisisTeamAndPeopleCanJoinIt) {
  ASSERT_EQ(crisis_page("perinatal").status, 404);

  const auto [code, out] = network(
      "create --slug perinatal --name 'Perinatal mental health' --time-zone Europe/London"
      " --team-name 'Perinatal crisis line' --team-number '0300 123 4568' --team-available '24 hours, every day'"
      " --reason 'Perinatal service joins'");
  ASSERT_EQ(code, 0) << out;
  EXPECT_NE(out.find("created perinatal"), std::string::npos) << out;
  EXPECT_NE(out.find("0300 123 4568"), std::string::npos) << out;

  const auto page = crisis_page("perinatal");
  ASSERT_EQ(page.status, 200) << page.body;
  const auto body = json::parse(page.body);
  EXPECT_EQ(body["network"]["name"], "Perinatal mental health");
  const auto team = local_team(body);
  ASSERT_TRUE(team.is_object()) << page.body;
  EXPECT_EQ(team["name"], "Perinatal crisis line");
  EXPECT_EQ(team["number"], "0300 123 4568");
  // The national routes come with it, 999 first.
  ASSERT_FALSE(body["crisis_contacts"].empty());
  EXPECT_EQ(body["crisis_contacts"][0].value("number", ""), "999");

  // The default network's own team is untouched (no number configured: not shown to anyone).
  EXPECT_TRUE(local_team(json::parse(crisis_page("default").body)).is_null());

  // Invitations to the new network work, and the person lands in it.
  auto clinician = join(*server_, "Morgan Reed", "clinician", "perinatal");
  const auto me = clinician.get("/api/v1/session");
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_NE(me.body.find("perinatal"), std::string::npos) << me.body;
}

TEST_F(NetworkCommand, ARenameIsSeenAtOnceAndEveryChangeIsAuditedInAChainThatVerifies) {
  const auto [code, out] = network("update --slug default --name 'Anytown Talking Therapies' --reason 'service name'");
  ASSERT_EQ(code, 0) << out;
  EXPECT_EQ(json::parse(crisis_page("default").body)["network"]["name"], "Anytown Talking Therapies");
  ASSERT_EQ(network("create --slug carers --name 'Carers' --time-zone Europe/London --reason 'carers group'").first, 0);

  const auto [list_code, list] = network("list");
  ASSERT_EQ(list_code, 0);
  EXPECT_NE(list.find("default  \"Anytown Talking Therapies\""), std::string::npos) << list;
  EXPECT_NE(list.find("carers  \"Carers\""), std::string::npos) << list;

  auto admin = join(*server_, "Sam Okafor", "admin", "default");
  const auto audit = admin.get("/api/v1/admin/audit?limit=50");
  ASSERT_EQ(audit.status, 200) << audit.body;
  EXPECT_NE(audit.body.find("network.update"), std::string::npos) << audit.body;
  EXPECT_NE(audit.body.find("network.create"), std::string::npos) << audit.body;
  EXPECT_NE(audit.body.find("service name"), std::string::npos) << audit.body;

  const auto [verify_code, verify_out] = run_harbour("audit verify --data-dir " + server_->data_dir().string());
  EXPECT_EQ(verify_code, 0) << verify_out;
}

TEST_F(NetworkCommand, ARefusedCommandExitsNonZeroAndChangesNothing) {
  ASSERT_EQ(network("create --slug perinatal --name 'Perinatal' --time-zone Europe/London --reason r").first, 0);
  const auto before = network("list").second;

  EXPECT_NE(network("create --slug perinatal --name 'Again' --time-zone Europe/London --reason r").first, 0);
  EXPECT_NE(network("create --slug 'Bad Slug' --name 'X' --time-zone Europe/London --reason r").first, 0);
  EXPECT_NE(network("create --slug ward --name 'Ward' --time-zone Mars/Olympus --reason r").first, 0);
  EXPECT_NE(network("update --slug nowhere --name 'Nowhere' --reason r").first, 0);
  EXPECT_NE(network("update --slug perinatal --name '' --reason r").first, 0);

  EXPECT_EQ(network("list").second, before);
  EXPECT_EQ(crisis_page("ward").status, 404);
  EXPECT_EQ(json::parse(crisis_page("perinatal").body)["network"]["name"], "Perinatal");
}

}  // namespace
