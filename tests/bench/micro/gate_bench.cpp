// The checks a new post goes through before it is written, on the shared community's network (20
// watched words, the built-in risk lexicon plus 3 network terms, office hours Mon-Fri 09-17,
// default first_posts policy; the author already has published posts).
//
//  BM_Gate_decide/*   services::gate_decide, the one call post creation makes, run as it is run:
//                     inside the writer's open transaction (these iterations run inside one
//                     writer job; nothing is written). It reads office hours (time zone maths),
//                     the network's risk terms and watched words, the policies and the author's
//                     published count, matches the risk lexicon, the watched words and the
//                     anonymity guard.
//     benign          a 700-character reply that matches nothing: every check runs to the end.
//     watched_word    the same with "WhatsApp me" in it: held (watched word, and the anonymity
//                     guard still runs).
//     risk            the same with "I can't cope" in it: held for a clinician; the gate stops
//                     after the risk lexicon.
//  BM_Gate_risk_lexicon/*   services::match_risk alone (built-in terms compiled once, plus the
//                     network's terms read and compiled per call), same connection and texts.
//  BM_Gate_anonymity/*      services::find_identifying_details alone, on the benign text and on
//                     one holding a phone number and an email address.
//  BM_Gate_office_status    services::office_status alone (the gate's first step): the
//                     network's zone, hours and closures read, and open intervals worked out in
//                     Europe/London local time.
#include "micro_fixture.hpp"

#include "services/anonymity_guard.hpp"
#include "services/moderation_gate.hpp"
#include "services/office_hours.hpp"
#include "services/risk_lexicon.hpp"
#include "store/connection.hpp"

#include <benchmark/benchmark.h>

#include <chrono>
#include <string>
#include <string_view>

namespace {

using namespace harbour;

const std::string kBenign =
    "Thank you for sharing this, it really resonated with me. I went through something very similar last "
    "spring when my hours at work changed and everything felt out of control. What helped me most was "
    "talking to my GP about it, even though I put it off for weeks because I thought I was making a fuss. "
    "She was kind and suggested the self-referral for talking therapies, and the waiting list was shorter "
    "than I feared. In the meantime I tried to keep a simple routine: getting up at the same time, a short "
    "walk before lunch, and writing a few lines in a notebook each evening. Some days none of it worked. "
    "But over a few weeks things slowly got lighter. You are doing the right thing by reaching out here.";

const std::string kWatched = kBenign + " If you want to talk more, WhatsApp me any time.";
const std::string kRisk = kBenign + " Honestly some nights I can't cope with any of it.";
const std::string kIdentifying =
    kBenign + " If you want to talk, my number is 07700 900123 or email jo.bloggs@example.com any time.";

// Tuesday 10 March 2026, 11:00 London: the office is open.
const auto kNow = std::chrono::sys_days(std::chrono::year(2026) / 3 / 10) + std::chrono::hours(11);

// Runs `loop` on the writer thread, inside its batch transaction, as the gate runs in production.
template <class F>
void on_writer(F&& loop) {
  micro::community().db->writer().run([&](store::Connection& c) { loop(c); }).get();
}

void BM_Gate_decide(benchmark::State& state, const std::string* body, services::GateDecision::Outcome want,
                    const char* want_reason) {
  auto& community = micro::community();
  services::GateInput in;
  in.network_id = community.network_id;
  in.author_id = community.member_ids.at(1);
  in.author_is_staff = false;
  in.kind = "reply";
  in.body = *body;
  in.now = kNow;
  on_writer([&](store::Connection& c) {
    const auto first = services::gate_decide(c, in);
    const std::string reason = first.reasons.empty() ? "" : first.reasons.front();
    if (first.outcome != want || reason != want_reason) {
      state.SkipWithError(("unexpected gate decision, first reason '" + reason + "'").c_str());
      return;
    }
    for (auto _ : state) {
      auto d = services::gate_decide(c, in);
      benchmark::DoNotOptimize(d);
    }
  });
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(body->size()));
}
BENCHMARK_CAPTURE(BM_Gate_decide, benign, &kBenign, services::GateDecision::Outcome::Publish, "");
BENCHMARK_CAPTURE(BM_Gate_decide, watched_word, &kWatched, services::GateDecision::Outcome::Hold, "watched_word");
BENCHMARK_CAPTURE(BM_Gate_decide, risk, &kRisk, services::GateDecision::Outcome::Hold, "risk");

void BM_Gate_risk_lexicon(benchmark::State& state, const std::string* body, bool want_match) {
  auto& community = micro::community();
  on_writer([&](store::Connection& c) {
    if (services::match_risk(c, community.network_id, "", *body).has_value() != want_match) {
      state.SkipWithError("unexpected risk lexicon answer");
      return;
    }
    for (auto _ : state) {
      auto m = services::match_risk(c, community.network_id, "", *body);
      benchmark::DoNotOptimize(m);
    }
  });
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(body->size()));
}
BENCHMARK_CAPTURE(BM_Gate_risk_lexicon, benign, &kBenign, false);
BENCHMARK_CAPTURE(BM_Gate_risk_lexicon, match, &kRisk, true);

void BM_Gate_anonymity(benchmark::State& state, const std::string* body, bool want_found) {
  if (services::find_identifying_details(*body).empty() == want_found) {
    state.SkipWithError("unexpected anonymity guard answer");
    return;
  }
  for (auto _ : state) {
    auto found = services::find_identifying_details(*body);
    benchmark::DoNotOptimize(found);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(body->size()));
}
BENCHMARK_CAPTURE(BM_Gate_anonymity, benign, &kBenign, false);
BENCHMARK_CAPTURE(BM_Gate_anonymity, phone_email, &kIdentifying, true);

void BM_Gate_office_status(benchmark::State& state) {
  auto& community = micro::community();
  on_writer([&](store::Connection& c) {
    if (!services::office_status(c, community.network_id, kNow).open) {
      state.SkipWithError("the office should be open on a Tuesday at 11:00");
      return;
    }
    for (auto _ : state) {
      auto status = services::office_status(c, community.network_id, kNow);
      benchmark::DoNotOptimize(status);
    }
  });
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Gate_office_status);

}  // namespace
