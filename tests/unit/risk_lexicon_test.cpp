// The risk lexicon: the shipped list against the committed corpus (tests/data/risk_corpus.tsv),
// the matching rules (whole words, white space, apostrophes, exceptions that cover only their
// occurrence, urgent over concern), a network's additions, and the service clinicians use to
// manage them.
#include "core/clock.hpp"
#include "live/hub.hpp"
#include "services/phrase_match.hpp"
#include "services/pseudonym_policy.hpp"
#include "services/risk_lexicon.hpp"
#include "services/risk_terms_service.hpp"
#include "services/services.hpp"
#include "store/account_repo.hpp"
#include "store/connection.hpp"
#include "store/database.hpp"
#include "store/network_repo.hpp"
#include "store/risk_terms_repo.hpp"
#include "support/database_fixture.hpp"
#include "support/fixed_time.hpp"
#include "support/service_fixtures.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

using namespace harbour;
using services::RiskTerm;

namespace {

std::string tier_of(std::span<const RiskTerm> terms, std::string_view title, std::string_view body) {
  const auto m = services::match_risk_terms(terms, title, body);
  return m ? m->tier : "none";
}

std::string tier_of(std::span<const RiskTerm> terms, std::string_view body) { return tier_of(terms, "", body); }

// ---- The corpus -----------------------------------------------------------------------------

struct CorpusLine {
  int number;
  std::string expected;
  std::string text;
};

std::vector<CorpusLine> read_corpus() {
  const auto path = std::filesystem::path(__FILE__).parent_path().parent_path() / "data" / "risk_corpus.tsv";
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::vector<CorpusLine> lines;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line.front() == '#') continue;
    const auto tab = line.find('\t');
    if (tab == std::string::npos) throw std::runtime_error("corpus line " + std::to_string(number) + " has no tab");
    lines.push_back({number, line.substr(0, tab), line.substr(tab + 1)});
  }
  return lines;
}

TEST(RiskCorpus, BuiltInListFindsEveryUrgentLineAndNothingInOrdinaryLines) {
  const auto corpus = read_corpus();
  ASSERT_GE(corpus.size(), 120u);
  const std::vector<std::string> tiers = {"urgent", "concern", "none"};
  std::map<std::string, std::map<std::string, int>> table;  // expected -> found -> lines
  std::vector<std::string> misses;
  for (const auto& line : corpus) {
    ASSERT_TRUE(line.expected == "urgent" || line.expected == "concern" || line.expected == "none")
        << "corpus line " << line.number;
    const auto found = tier_of(services::built_in_risk_terms(), line.text);
    ++table[line.expected][found];
    if (found != line.expected) {
      misses.push_back("line " + std::to_string(line.number) + ": expected " + line.expected + ", found " + found +
                       ": " + line.text);
    }
  }

  std::ostringstream out;
  out << "\nRisk corpus: " << corpus.size() << " lines (rows: expected, columns: found)\n";
  out << std::left << std::setw(10) << "" << std::right;
  for (const auto& t : tiers) out << std::setw(9) << t;
  out << std::setw(9) << "total" << "\n";
  for (const auto& e : tiers) {
    int total = 0;
    out << std::left << std::setw(10) << e << std::right;
    for (const auto& f : tiers) {
      out << std::setw(9) << table[e][f];
      total += table[e][f];
    }
    out << std::setw(9) << total << "\n";
  }
  out << std::fixed << std::setprecision(1);
  for (const auto& t : {std::string("urgent"), std::string("concern")}) {
    int tp = table[t][t], found = 0, expected = 0;
    for (const auto& x : tiers) {
      found += table[x][t];
      expected += table[t][x];
    }
    out << t << ": precision " << (found ? 100.0 * tp / found : 100.0) << "% (" << tp << "/" << found << "), recall "
        << (expected ? 100.0 * tp / expected : 100.0) << "% (" << tp << "/" << expected << ")\n";
  }
  // Any risk at all, whatever the tier: what decides whether a post is held.
  const int risk_expected = table["urgent"]["urgent"] + table["urgent"]["concern"] + table["urgent"]["none"] +
                            table["concern"]["urgent"] + table["concern"]["concern"] + table["concern"]["none"];
  const int risk_caught = risk_expected - table["urgent"]["none"] - table["concern"]["none"];
  const int risk_flagged = risk_caught + table["none"]["urgent"] + table["none"]["concern"];
  out << "any risk: precision " << (risk_flagged ? 100.0 * risk_caught / risk_flagged : 100.0) << "% (" << risk_caught
      << "/" << risk_flagged << "), recall " << 100.0 * risk_caught / risk_expected << "% (" << risk_caught << "/"
      << risk_expected << ")\n";
  for (const auto& m : misses) out << "  " << m << "\n";
  std::cout << out.str();

  EXPECT_EQ(table["urgent"]["concern"] + table["urgent"]["none"], 0) << "an urgent line was not found as urgent";
  EXPECT_EQ(table["none"]["urgent"] + table["none"]["concern"], 0) << "an ordinary line matched";
  EXPECT_EQ(table["concern"]["none"], 0) << "a concern line was missed";
}

// ---- The shipped list -----------------------------------------------------------------------

TEST(RiskLexicon, ShippedListHasBothTiersAndOnlyPlainPhrases) {
  const auto terms = services::built_in_risk_terms();
  ASSERT_GE(terms.size(), 100u);
  int urgent = 0, concern = 0;
  for (const auto& t : terms) {
    (t.tier == "urgent" ? urgent : concern)++;
    EXPECT_TRUE(services::is_plain_phrase(t.phrase)) << t.phrase;
    for (const auto& e : t.exceptions) EXPECT_TRUE(services::exception_covers_phrase(t.phrase, e)) << e;
  }
  EXPECT_GT(urgent, 30);
  EXPECT_GT(concern, 30);
}

TEST(RiskLexicon, ParserRefusesWhatCouldNeverMatch) {
  EXPECT_EQ(services::parse_risk_lexicon("# comment\n\nurgent\tend my life\r\nconcern\thopeless\thopeless romantic\n").size(), 2u);
  EXPECT_THROW(services::parse_risk_lexicon("severe\tend my life\n"), std::invalid_argument);
  EXPECT_THROW(services::parse_risk_lexicon("urgent\tend, my life\n"), std::invalid_argument);
  EXPECT_THROW(services::parse_risk_lexicon("urgent\n"), std::invalid_argument);
  EXPECT_THROW(services::parse_risk_lexicon("concern\thopeless\tfeeling low\n"), std::invalid_argument);
  EXPECT_THROW(services::parse_risk_lexicon("concern\thopeless\thopeless romantic||x\n"), std::invalid_argument);
}

// ---- Matching rules -------------------------------------------------------------------------

TEST(RiskLexicon, MatchesWholeWordsOnly) {
  const std::vector<RiskTerm> terms = {{"concern", "kill", {}}};
  EXPECT_EQ(tier_of(terms, "I'm skilled at it"), "none");
  EXPECT_EQ(tier_of(terms, "a killer app"), "none");
  EXPECT_EQ(tier_of(terms, "total overkill"), "none");
  EXPECT_EQ(tier_of(terms, "kill_switch"), "none");
  EXPECT_EQ(tier_of(terms, "Kill."), "concern");
  EXPECT_EQ(tier_of(terms, "kill—now"), "concern");
  // An apostrophe inside a word belongs to it: "kill's" is the word "kills", not "kill".
  EXPECT_EQ(tier_of(terms, "the kill's done"), "none");
  EXPECT_EQ(tier_of(terms, "“KILL”"), "concern");
  EXPECT_EQ(tier_of(terms, "kill🔪"), "concern");
  EXPECT_EQ(tier_of(terms, "ｋｉｌｌ"), "concern");  // full-width letters fold to ASCII
}

TEST(RiskLexicon, WordsMayBeSeparatedByAnyWhiteSpaceOrHyphensButNotPunctuation) {
  const std::vector<RiskTerm> terms = {{"urgent", "want to die", {}}, {"concern", "self harm", {}}};
  EXPECT_EQ(tier_of(terms, "I want\n\tto   die"), "urgent");
  EXPECT_EQ(tier_of(terms, "I want to\u00a0die"), "urgent");
  EXPECT_EQ(tier_of(terms, "self-harm"), "concern");
  EXPECT_EQ(tier_of(terms, "self–harm"), "concern");
  EXPECT_EQ(tier_of(terms, "Do you want to? Die Hard is on"), "none");
  EXPECT_EQ(tier_of(terms, "I want to, die"), "none");
  EXPECT_EQ(tier_of(terms, "selfharm"), "none");  // one word: the list has it as its own entry
}

TEST(RiskLexicon, ApostrophesAreOptionalAndAllLookAlikesAreOne) {
  const std::vector<RiskTerm> terms = {{"concern", "can't go on", {}}};
  EXPECT_EQ(tier_of(terms, "I can't go on"), "concern");
  EXPECT_EQ(tier_of(terms, "I can’t go on"), "concern");
  EXPECT_EQ(tier_of(terms, "I cant go on"), "concern");
  EXPECT_EQ(tier_of(terms, "I CAN'T GO ON"), "concern");
  EXPECT_EQ(tier_of(terms, "I can`t go on"), "concern");
  EXPECT_EQ(tier_of(terms, "I can go on"), "none");
  EXPECT_EQ(tier_of(terms, "I can' t go on"), "none");  // the apostrophe is not inside a word
  const std::vector<RiskTerm> bare = {{"concern", "cant go on", {}}};
  EXPECT_EQ(tier_of(bare, "I can’t go on"), "concern");
}

TEST(RiskLexicon, AnExceptionCancelsOnlyTheOccurrenceItCovers) {
  const std::vector<RiskTerm> terms = {{"concern", "killing", {"killing time", "killing it"}}};
  EXPECT_EQ(tier_of(terms, "Just killing time."), "none");
  EXPECT_EQ(tier_of(terms, "Killing time, and killing it at work."), "none");
  EXPECT_EQ(tier_of(terms, "Killing time helps, but this is killing me."), "concern");
  EXPECT_EQ(tier_of(terms, "This is killing me. Killing time helps."), "concern");
  // The exception's words must follow the phrase as written: "killing, time" is not covered.
  EXPECT_EQ(tier_of(terms, "killing, time"), "concern");
}

TEST(RiskLexicon, UrgentBeatsConcernWhateverTheOrder) {
  const std::vector<RiskTerm> terms = {{"concern", "hopeless", {}}, {"urgent", "end my life", {}}};
  EXPECT_EQ(tier_of(terms, "I feel hopeless and I want to end my life"), "urgent");
  const auto m = services::match_risk_terms(terms, "", "hopeless, so I will end my life");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->phrase, "end my life");
  EXPECT_EQ(tier_of(terms, "I feel hopeless"), "concern");
  EXPECT_EQ(tier_of(services::built_in_risk_terms(), "Hopeless", "I want to kill myself"), "urgent");
}

TEST(RiskLexicon, TitleAndBodyAreSearchedApart) {
  const std::vector<RiskTerm> terms = {{"urgent", "want to die", {}}};
  EXPECT_EQ(tier_of(terms, "I want to", "die"), "none");
  EXPECT_EQ(tier_of(terms, "I want to die", "thanks for reading"), "urgent");
  EXPECT_EQ(tier_of(terms, "Hello", "I want to die"), "urgent");
}

// ---- A network's additions and the service --------------------------------------------------

using harbour::test::kNow;

class RiskTermsTest : public test::DatabaseTest {
 protected:
  void SetUp() override {
    db_ = std::make_unique<store::Database>(store::Database::Options{.path = dir_.path() / "harbour.db", .max_readers = 2});
    services_ = std::make_unique<services::Services>(*db_, hub_, clock_, services::ServicesOptions{});
    write([&](store::Connection& c) {
      net_a_ = store::find_network_by_slug(c, "default")->id;
      net_b_ = store::insert_network(c, "perinatal", "Perinatal", "Europe/London", "[]");
      auto user = [&](const char* pseudonym, bool admin) {
        return store::insert_user(c, pseudonym, services::pseudonym_key(pseudonym), "x", admin, kNow);
      };
      clinician_ = user("Staff Alder", false);
      store::upsert_membership(c, clinician_, net_a_, "clinician");
      other_clinician_ = user("Staff Birch", false);
      store::upsert_membership(c, other_clinician_, net_b_, "clinician");
      peer_ = user("Peer Hazel", false);
      store::upsert_membership(c, peer_, net_a_, "peer_supporter");
      admin_ = user("Admin Cedar", true);
    });
  }

  services::Principal clinician() const { return test::principal_with(clinician_, "someone", {{net_a_, services::Role::Clinician}}); }
  services::Principal other_clinician() const {
    return test::principal_with(other_clinician_, "someone", {{net_b_, services::Role::Clinician}});
  }
  services::Principal peer() const { return test::principal_with(peer_, "someone", {{net_a_, services::Role::PeerSupporter}}); }
  services::Principal admin() const { return test::principal_with(admin_, "someone", {}, /*admin=*/true); }

  services::RequestMeta meta() const { return {"192.0.2.7", clock_.system_now()}; }
  services::RiskTermService service() {
    return services::RiskTermService(*db_, [this] { services_->audit_written(); });
  }
  std::optional<services::RiskMatch> match(std::int64_t network, std::string_view body) {
    return db_->read([&](store::Connection& c) { return services::match_risk(c, network, "", body); });
  }
  std::int64_t audit_rows(const char* action) {
    return db_->read([&](store::Connection& c) {
      auto& s = c.prepare("SELECT count(*) FROM audit_log WHERE action = ?1 AND outcome = 'success'");
      s.bind(1, action);
      s.step();
      const auto n = s.column_int64(0);
      s.reset();
      return n;
    });
  }

  live::Hub hub_;
  core::RealClock clock_;
  std::unique_ptr<services::Services> services_;
  std::int64_t net_a_ = 0, net_b_ = 0, clinician_ = 0, other_clinician_ = 0, peer_ = 0, admin_ = 0;
};

TEST_F(RiskTermsTest, NetworkAdditionsMatchOnlyInTheirNetwork) {
  EXPECT_FALSE(match(net_a_, "I feel numb inside"));
  write([&](store::Connection& c) {
    store::insert_risk_term(c, net_a_, "numb inside", "concern", {"numb inside my mouth"}, clinician_, kNow);
  });
  const auto m = match(net_a_, "I feel numb inside");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->tier, "concern");
  EXPECT_EQ(m->phrase, "numb inside");
  EXPECT_FALSE(match(net_b_, "I feel numb inside"));
  EXPECT_FALSE(match(net_a_, "the dentist left me numb inside my mouth"));
  // The built-in list still applies, and its urgent entries beat an addition's concern.
  EXPECT_EQ(match(net_a_, "numb inside and I want to end my life")->tier, "urgent");
}

TEST_F(RiskTermsTest, AnAdditionCanRaiseABuiltInConcernToUrgent) {
  EXPECT_EQ(match(net_a_, "everything is hopeless")->tier, "concern");
  const auto clin = clinician();
  const auto t = service().add(&clin, meta(), "default", "Hopeless", "urgent", {});
  EXPECT_EQ(t.tier, "urgent");
  EXPECT_FALSE(t.built_in);
  EXPECT_EQ(match(net_a_, "everything is hopeless")->tier, "urgent");
  EXPECT_EQ(match(net_b_, "everything is hopeless")->tier, "concern");
}

TEST_F(RiskTermsTest, AddTidiesValidatesAndAudits) {
  const auto clin = clinician();
  auto svc = service();
  const auto t = svc.add(&clin, meta(), "default", "  feel   like a ghost ", "concern",
                         {"feel like a ghost story", "feel like a ghost story", "FEEL like a ghost town"});
  EXPECT_EQ(t.phrase, "feel like a ghost");
  EXPECT_EQ(t.exceptions, (std::vector<std::string>{"feel like a ghost story", "FEEL like a ghost town"}));
  ASSERT_TRUE(t.id);
  EXPECT_EQ(audit_rows("risk_term.add"), 1);
  EXPECT_EQ(match(net_a_, "I feel like a ghost")->phrase, "feel like a ghost");
  EXPECT_FALSE(match(net_a_, "I feel like a ghost story would cheer me up"));

  EXPECT_EQ(test::error_code_of([&] { svc.add(&clin, meta(), "default", "Feel like a GHOST", "urgent", {}); }), "term_exists");
  EXPECT_EQ(test::error_code_of([&] { svc.add(&clin, meta(), "default", "something", "severe", {}); }), "invalid_tier");
  EXPECT_EQ(test::error_code_of([&] { svc.add(&clin, meta(), "default", "!!", "concern", {}); }), "invalid_phrase");
  EXPECT_EQ(test::error_code_of([&] { svc.add(&clin, meta(), "default", "x", "concern", {}); }), "invalid_phrase");
  EXPECT_EQ(test::error_code_of([&] { svc.add(&clin, meta(), "default", "end, it", "concern", {}); }), "invalid_phrase");
  EXPECT_EQ(test::error_code_of([&] { svc.add(&clin, meta(), "default", std::string(101, 'a'), "concern", {}); }),
            "invalid_phrase");
  EXPECT_EQ(test::error_code_of([&] { svc.add(&clin, meta(), "default", "in the dark", "concern", {"lights on"}); }),
            "invalid_exception");
  EXPECT_EQ(test::error_code_of([&] { svc.add(&clin, meta(), "default", "in the dark", "concern", {"In The Dark"}); }),
            "invalid_exception");
  EXPECT_EQ(test::error_code_of([&] {
              svc.add(&clin, meta(), "default", "in the dark", "concern", std::vector<std::string>(21, "in the dark room"));
            }),
            "invalid_exception");
  // Already built in at this tier or higher: nothing to add.
  EXPECT_EQ(test::error_code_of([&] { svc.add(&clin, meta(), "default", "kill myself", "concern", {}); }), "term_built_in");
  EXPECT_EQ(test::error_code_of([&] { svc.add(&clin, meta(), "default", "cant go on", "concern", {}); }), "term_built_in");
  EXPECT_EQ(audit_rows("risk_term.add"), 1);
  EXPECT_EQ(db_->read([&](store::Connection& c) { return store::list_risk_terms(c, net_a_).size(); }), 1u);
}

TEST_F(RiskTermsTest, OnlyClinicianOfTheNetworkAndAdminsManageTerms) {
  const auto clin = clinician();
  const auto other = other_clinician();
  const auto peer_p = peer();
  const auto admin_p = admin();
  auto svc = service();
  EXPECT_EQ(test::error_code_of([&] { svc.list(nullptr, "default"); }), "sign_in_required");
  EXPECT_EQ(test::error_code_of([&] { svc.list(&peer_p, "default"); }), "not_allowed");
  EXPECT_EQ(test::error_code_of([&] { svc.list(&other, "default"); }), "network_not_found");
  EXPECT_EQ(test::error_code_of([&] { svc.list(&clin, "nowhere"); }), "network_not_found");
  EXPECT_EQ(test::error_code_of([&] { svc.add(&peer_p, meta(), "default", "numb inside", "concern", {}); }), "not_allowed");
  auto no_2fa = clin;
  no_2fa.second_factor_done = false;
  EXPECT_EQ(test::error_code_of([&] { svc.list(&no_2fa, "default"); }), "second_factor_required");

  const auto added = svc.add(&admin_p, meta(), "default", "numb inside", "concern", {});
  const auto listed = svc.list(&clin, "default");
  ASSERT_GT(listed.size(), services::built_in_risk_terms().size());
  EXPECT_EQ(listed.front().phrase, "numb inside");
  EXPECT_FALSE(listed.front().built_in);
  EXPECT_TRUE(listed.back().built_in);
  EXPECT_FALSE(listed.back().id);

  EXPECT_EQ(test::error_code_of([&] { svc.remove(&peer_p, meta(), *added.id); }), "not_allowed");
  EXPECT_EQ(test::error_code_of([&] { svc.remove(&other, meta(), *added.id); }), "risk_term_not_found");
  EXPECT_EQ(test::error_code_of([&] { svc.remove(&clin, meta(), 999999); }), "risk_term_not_found");
  EXPECT_EQ(audit_rows("risk_term.remove"), 0);
  svc.remove(&clin, meta(), *added.id);
  EXPECT_EQ(audit_rows("risk_term.remove"), 1);
  EXPECT_FALSE(match(net_a_, "I feel numb inside"));
  EXPECT_EQ(test::error_code_of([&] { svc.remove(&clin, meta(), *added.id); }), "risk_term_not_found");
}

}  // namespace
