// The resources library: who reads and writes, what a resource may hold, and that the audit log
// and the search index follow every change in the same transaction.
#include "library_test_fixture.hpp"

#include "core/app_error.hpp"
#include "services/audit_log.hpp"
#include "services/resource_service.hpp"
#include "services/search_service.hpp"

#include <gtest/gtest.h>

using namespace harbour;
using services::ResourceInput;
using services::Role;

namespace {

std::string code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const core::AppError& e) {
    return e.code();
  }
  return "no error";
}

ResourceInput article(std::string title = "Sleeping better after therapy", std::string body = "Keep a **regular** bedtime.") {
  ResourceInput in;
  in.kind = "article";
  in.title = std::move(title);
  in.summary = "Small steps for calmer nights.";
  in.body = std::move(body);
  in.topics = {"sleep", "low-mood"};
  return in;
}

ResourceInput linked(std::string kind, std::string url) {
  ResourceInput in;
  in.kind = std::move(kind);
  in.title = "A useful link";
  in.url = std::move(url);
  return in;
}

class ResourceServiceTest : public test::LibraryFixture {
 protected:
  void SetUp() override {
    LibraryFixture::SetUp();
    resources_ = std::make_unique<services::ResourceService>(*db_, [this] { ++audit_written_; });
    search_ = std::make_unique<services::SearchService>(*db_);
  }

  std::vector<services::AuditRow> audit(const std::string& action) {
    return db_->read([&](store::Connection& c) {
      services::AuditFilter f;
      f.action = action;
      return services::list_audit(c, f);
    });
  }

  std::unique_ptr<services::ResourceService> resources_;
  std::unique_ptr<services::SearchService> search_;
  int audit_written_ = 0;
};

TEST_F(ResourceServiceTest, StaffCreateAnArticleThatMembersAndCarersRead) {
  const auto staff = clinician();
  const auto created = resources_->create(&staff, meta(), "default", article());
  EXPECT_EQ(created.kind, "article");
  EXPECT_EQ(created.network_slug, "default");
  EXPECT_EQ(created.body_html, "<p>Keep a <strong>regular</strong> bedtime.</p>\n");
  EXPECT_EQ(created.topics, (std::vector<std::string>{"sleep", "low-mood"}));
  EXPECT_EQ(created.audiences, std::vector<std::string>{"everyone"});
  EXPECT_FALSE(created.video);

  for (const auto& reader : {member(), carer(), volunteer(), admin()}) {
    const auto got = resources_->get(&reader, created.id);
    EXPECT_EQ(got.title, "Sleeping better after therapy");
    EXPECT_EQ(got.body, "Keep a **regular** bedtime.");
  }
  const auto rows = audit("resource.create");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].target_id, std::to_string(created.id));
  EXPECT_EQ(rows[0].network_id, net_a_);
  EXPECT_EQ(rows[0].actor_role, "clinician");
  EXPECT_EQ(audit_written_, 1);
}

TEST_F(ResourceServiceTest, MembersAndCarersCannotWrite) {
  const auto m = member();
  const auto c = carer();
  EXPECT_EQ(code_of([&] { resources_->create(&m, meta(), "default", article()); }), "not_allowed");
  EXPECT_EQ(code_of([&] { resources_->create(&c, meta(), "default", article()); }), "not_allowed");
  const auto staff = clinician();
  const auto r = resources_->create(&staff, meta(), "default", article());
  EXPECT_EQ(code_of([&] { resources_->update(&m, meta(), r.id, article("Changed by a member")); }), "not_allowed");
  EXPECT_EQ(code_of([&] { resources_->remove(&c, meta(), r.id); }), "not_allowed");
  EXPECT_EQ(resources_->get(&m, r.id).title, "Sleeping better after therapy");
  EXPECT_EQ(audit("resource.update").size(), 0u);
  EXPECT_EQ(audit("resource.remove").size(), 0u);
}

TEST_F(ResourceServiceTest, StaffNeedTheSecondFactorToWrite) {
  const auto staff = clinician(false);
  EXPECT_EQ(code_of([&] { resources_->create(&staff, meta(), "default", article()); }), "second_factor_required");
  const auto adm = admin(false);
  EXPECT_EQ(code_of([&] { resources_->create(&adm, meta(), "default", article()); }), "second_factor_required");
  EXPECT_EQ(count("SELECT count(*) FROM resources"), 0);
}

TEST_F(ResourceServiceTest, AdminsWriteInAnyNetwork) {
  const auto adm = admin();
  const auto r = resources_->create(&adm, meta(), "perinatal", article());
  EXPECT_EQ(r.network_slug, "perinatal");
  const auto b = member_b();
  EXPECT_EQ(resources_->get(&b, r.id).id, r.id);
}

TEST_F(ResourceServiceTest, AnotherNetworksResourceDoesNotExistForTheCaller) {
  const auto staff_a = clinician();
  const auto r = resources_->create(&staff_a, meta(), "default", article());
  const auto b = member_b();
  const auto staff_b = clinician_b();
  EXPECT_EQ(code_of([&] { resources_->get(&b, r.id); }), "resource_not_found");
  EXPECT_EQ(code_of([&] { resources_->update(&staff_b, meta(), r.id, article("Taken over")); }), "resource_not_found");
  EXPECT_EQ(code_of([&] { resources_->remove(&staff_b, meta(), r.id); }), "resource_not_found");
  EXPECT_EQ(code_of([&] { resources_->list(&b, "default", {}); }), "network_not_found");
  EXPECT_EQ(code_of([&] { resources_->create(&staff_b, meta(), "default", article()); }), "network_not_found");
  EXPECT_EQ(code_of([&] { resources_->list(&b, "nowhere", {}); }), "network_not_found");
  EXPECT_EQ(code_of([&] { resources_->get(&b, 999999); }), "resource_not_found");
  EXPECT_EQ(code_of([&] { resources_->get(nullptr, r.id); }), "sign_in_required");
  auto suspended = member();
  suspended.suspended = true;
  EXPECT_EQ(code_of([&] { resources_->get(&suspended, r.id); }), "account_suspended");
}

TEST_F(ResourceServiceTest, VideosBecomePrivacyEnhancedEmbeds) {
  const auto staff = clinician();
  auto in = linked("video", "https://youtu.be/dQw4w9WgXcQ?si=trackingcode");
  in.transcript = "Breathing in slowly, and out.";
  const auto yt = resources_->create(&staff, meta(), "default", in);
  ASSERT_TRUE(yt.video);
  EXPECT_EQ(yt.video->provider, "youtube");
  EXPECT_EQ(yt.video->id, "dQw4w9WgXcQ");
  EXPECT_EQ(yt.video->embed_url, "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ");
  EXPECT_EQ(yt.url, "https://www.youtube.com/watch?v=dQw4w9WgXcQ");  // the tracking parameter is gone
  EXPECT_EQ(yt.transcript, "Breathing in slowly, and out.");

  const auto vimeo = resources_->create(&staff, meta(), "default", linked("video", "https://player.vimeo.com/video/76979871"));
  ASSERT_TRUE(vimeo.video);
  EXPECT_EQ(vimeo.video->embed_url, "https://player.vimeo.com/video/76979871?dnt=1");
  EXPECT_EQ(vimeo.url, "https://vimeo.com/76979871");
}

TEST_F(ResourceServiceTest, VideosFromOtherHostsAreRefused) {
  const auto staff = clinician();
  for (const char* url : {"https://www.dailymotion.com/video/x7tgad0", "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
                          "https://www.youtube.com/watch?v=short", "https://vimeo.com/channels/staffpicks"}) {
    EXPECT_EQ(code_of([&] { resources_->create(&staff, meta(), "default", linked("video", url)); }), "video_host_not_allowed")
        << url;
  }
  EXPECT_EQ(code_of([&] { resources_->create(&staff, meta(), "default", linked("video", "")); }), "invalid_url");
  EXPECT_EQ(code_of([&] { resources_->create(&staff, meta(), "default", linked("video", "javascript:alert(1)")); }),
            "invalid_url");
  EXPECT_EQ(count("SELECT count(*) FROM resources"), 0);
}

TEST_F(ResourceServiceTest, LinksMustBePlainHttpAddresses) {
  const auto staff = clinician();
  EXPECT_EQ(code_of([&] {
              ResourceInput in = linked("leaflet", "");
              in.url.reset();
              resources_->create(&staff, meta(), "default", in);
            }),
            "invalid_url");
  for (const std::string& url : std::vector<std::string>{"javascript:alert(1)", "ftp://files.example/leaflet.pdf", "https://nhs.uk@evil.example/x",
                                "https:///nohost", "https://exa mple.org/", "https://example.org\\@evil.example/",
                                "data:text/html,hi", "https://example.org/" + std::string(2000, 'a')}) {
    EXPECT_EQ(code_of([&] { resources_->create(&staff, meta(), "default", linked("service", url)); }), "invalid_url") << url;
  }
  const auto ok = resources_->create(&staff, meta(), "default", linked("leaflet", "  https://www.nhs.uk/mental-health/leaflet.pdf "));
  EXPECT_EQ(ok.url, "https://www.nhs.uk/mental-health/leaflet.pdf");
  EXPECT_EQ(count("SELECT count(*) FROM resources"), 1);
}

TEST_F(ResourceServiceTest, InvalidFieldsAreRefusedAndNothingIsWritten) {
  const auto staff = clinician();
  auto with = [&](auto change) {
    auto in = article();
    change(in);
    return code_of([&] { resources_->create(&staff, meta(), "default", in); });
  };
  EXPECT_EQ(with([](ResourceInput& in) { in.kind = "podcast"; }), "invalid_kind");
  EXPECT_EQ(with([](ResourceInput& in) { in.title = "  ab  "; }), "text_too_short");
  EXPECT_EQ(with([](ResourceInput& in) { in.body = "   "; }), "text_too_short");
  EXPECT_EQ(with([](ResourceInput& in) { in.summary = std::string(501, 'x'); }), "text_too_long");
  EXPECT_EQ(with([](ResourceInput& in) { in.body = "bad \x01 byte"; }), "invalid_text");
  EXPECT_EQ(with([](ResourceInput& in) { in.transcript = "\xff\xfe"; }), "invalid_utf8");
  EXPECT_EQ(with([](ResourceInput& in) { in.topics = {"sleep!"}; }), "invalid_topic");
  EXPECT_EQ(with([](ResourceInput& in) { in.topics = {"low mood"}; }), "invalid_topic");
  EXPECT_EQ(with([](ResourceInput& in) { in.topics = {"Sleep", "sleep"}; }), "invalid_topic");  // the same tag twice
  EXPECT_EQ(with([](ResourceInput& in) { in.topics = {"a"}; }), "invalid_topic");
  EXPECT_EQ(with([](ResourceInput& in) { in.topics = {std::string(31, 'a')}; }), "invalid_topic");
  EXPECT_EQ(with([](ResourceInput& in) { in.topics = {"sleep", "sleep"}; }), "invalid_topic");
  EXPECT_EQ(with([](ResourceInput& in) { in.topics = {"sleep_well"}; }), "invalid_topic");
  EXPECT_EQ(with([](ResourceInput& in) { in.topics = {"t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "t9"}; }), "invalid_topic");
  EXPECT_EQ(with([](ResourceInput& in) { in.audiences = {"staff"}; }), "invalid_audience");
  EXPECT_EQ(with([](ResourceInput& in) { in.audiences = {"carers", "carers"}; }), "invalid_audience");
  EXPECT_EQ(with([](ResourceInput& in) { in.content_notes = {"spoilers"}; }), "invalid_content_note");
  EXPECT_EQ(with([](ResourceInput& in) { in.url = "mailto:someone@example.org"; }), "invalid_url");
  EXPECT_EQ(count("SELECT count(*) FROM resources"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM resource_search"), 0);
  EXPECT_EQ(audit("resource.create").size(), 0u);

  auto in = article();
  in.topics = {"t1", "t2", "t3", "t4", "t5", "t6", "t7", " Low-Mood "};
  in.audiences = {"members", "carers"};
  in.content_notes = {"self_harm"};
  const auto r = resources_->create(&staff, meta(), "default", in);
  EXPECT_EQ(r.topics.size(), 8u);
  EXPECT_EQ(r.topics.back(), "low-mood");  // as staff type it, stored as the tag
  EXPECT_EQ(r.audiences, (std::vector<std::string>{"members", "carers"}));
  EXPECT_EQ(r.content_notes, std::vector<std::string>{"self_harm"});
}

TEST_F(ResourceServiceTest, ListFiltersNewestFirstWithTopicCounts) {
  const auto staff = clinician();
  auto sleep = article("Sleep basics");
  sleep.topics = {"sleep"};
  auto carers = linked("service", "https://carers.example.org/");
  carers.topics = {"sleep", "carers-support"};
  carers.audiences = {"carers"};
  auto anxiety = article("Anxiety and panic");
  anxiety.topics = {"anxiety"};
  const auto first = resources_->create(&staff, meta(1), "default", sleep);
  const auto second = resources_->create(&staff, meta(2), "default", carers);
  const auto third = resources_->create(&staff, meta(3), "default", anxiety);
  resources_->create(&staff, meta(4), "default", article("Removed soon"));
  const auto removed = resources_->list(&staff, "default", {}).resources.front();
  resources_->remove(&staff, meta(5), removed.id);
  // Updating the oldest brings it to the top.
  resources_->update(&staff, meta(6), first.id, sleep);

  const auto c = carer();
  const auto all = resources_->list(&c, "default", {});
  ASSERT_EQ(all.resources.size(), 3u);
  EXPECT_EQ(all.resources[0].id, first.id);
  EXPECT_EQ(all.resources[1].id, third.id);
  EXPECT_EQ(all.resources[2].id, second.id);
  EXPECT_TRUE(all.resources[0].body.empty());  // lists leave the body out
  ASSERT_EQ(all.topics.size(), 3u);
  EXPECT_EQ(all.topics[0].topic, "anxiety");
  EXPECT_EQ(all.topics[1].topic, "carers-support");
  EXPECT_EQ(all.topics[2].topic, "sleep");
  EXPECT_EQ(all.topics[2].count, 2);

  services::ResourceFilter f;
  f.topic = "Sleep";
  EXPECT_EQ(resources_->list(&c, "default", f).resources.size(), 2u);
  f.kind = "service";
  ASSERT_EQ(resources_->list(&c, "default", f).resources.size(), 1u);
  services::ResourceFilter by_audience;
  by_audience.audience = "carers";
  ASSERT_EQ(resources_->list(&c, "default", by_audience).resources.size(), 1u);
  EXPECT_EQ(resources_->list(&c, "default", by_audience).resources[0].id, second.id);
  services::ResourceFilter prefix_topic;
  prefix_topic.topic = "carers";  // a whole tag, not part of one
  EXPECT_EQ(resources_->list(&c, "default", prefix_topic).resources.size(), 0u);

  services::ResourceFilter bad;
  bad.kind = "podcast";
  EXPECT_EQ(code_of([&] { resources_->list(&c, "default", bad); }), "invalid_kind");
  bad = {};
  bad.topic = "%";
  EXPECT_EQ(code_of([&] { resources_->list(&c, "default", bad); }), "invalid_topic");
  bad = {};
  bad.audience = "staff";
  EXPECT_EQ(code_of([&] { resources_->list(&c, "default", bad); }), "invalid_audience");
}

TEST_F(ResourceServiceTest, UpdateReplacesTheTextAndTheSearchIndex) {
  const auto staff = clinician();
  const auto r = resources_->create(&staff, meta(1), "default", article("Worry time", "Set aside fifteen minutes."));
  const auto m = member();
  EXPECT_EQ(search_->search(&m, "worry", std::nullopt).size(), 1u);

  auto changed = linked("video", "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42");
  changed.title = "Grounding exercise";
  changed.transcript = "Notice five things you can see.";
  const auto after = resources_->update(&staff, meta(2), r.id, changed);
  EXPECT_EQ(after.kind, "video");
  EXPECT_EQ(after.title, "Grounding exercise");
  EXPECT_EQ(after.created_at, r.created_at);
  EXPECT_NE(after.updated_at, r.updated_at);
  EXPECT_TRUE(search_->search(&m, "worry", std::nullopt).empty());
  const auto found = search_->search(&m, "things", std::nullopt);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].title, "Grounding exercise");

  const auto rows = audit("resource.update");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].details.value("previous_kind", ""), "article");
  // A refused update changes nothing.
  EXPECT_EQ(code_of([&] { resources_->update(&staff, meta(3), r.id, linked("video", "https://evil.example/v")); }),
            "video_host_not_allowed");
  EXPECT_EQ(resources_->get(&m, r.id).title, "Grounding exercise");
}

TEST_F(ResourceServiceTest, RemovedResourcesDisappearEverywhere) {
  const auto staff = volunteer();
  const auto r = resources_->create(&staff, meta(), "default", article("Breathing space"));
  const auto keep = resources_->create(&staff, meta(), "default", article("Breathing slowly"));
  resources_->remove(&staff, meta(), r.id);
  const auto m = member();
  EXPECT_EQ(code_of([&] { resources_->get(&m, r.id); }), "resource_not_found");
  EXPECT_EQ(code_of([&] { resources_->remove(&staff, meta(), r.id); }), "resource_not_found");
  EXPECT_EQ(code_of([&] { resources_->update(&staff, meta(), r.id, article()); }), "resource_not_found");
  const auto list = resources_->list(&m, "default", {});
  ASSERT_EQ(list.resources.size(), 1u);
  EXPECT_EQ(list.resources[0].id, keep.id);
  const auto found = search_->search(&m, "breathing", std::nullopt);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].id, keep.id);
  // The index holds exactly the published resources.
  EXPECT_EQ(count("SELECT count(*) FROM resource_search"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM resources WHERE state = 'removed'"), 1);
  ASSERT_EQ(audit("resource.remove").size(), 1u);
  EXPECT_EQ(audit("resource.remove")[0].target_id, std::to_string(r.id));
}

}  // namespace
