#include "services/risk_lexicon.hpp"

#include "services/phrase_match.hpp"
#include "store/risk_terms_repo.hpp"

#include <initializer_list>
#include <stdexcept>

namespace harbour::services {
namespace {

// A term cut into words once, so matching a post does not re-scan the lexicon.
struct CompiledTerm {
  const RiskTerm* term = nullptr;
  std::vector<std::string> words;
  std::vector<std::vector<std::string>> exceptions;
};

CompiledTerm compile(const RiskTerm& t) {
  CompiledTerm c{&t, phrase_words(t.phrase), {}};
  for (const auto& e : t.exceptions) c.exceptions.push_back(phrase_words(e));
  return c;
}

// An occurrence counts unless an occurrence of one of the exceptions covers it.
bool term_matches(const CompiledTerm& c, const PhraseText& text) {
  const auto found = text.find(c.words);
  if (found.empty()) return false;
  if (c.exceptions.empty()) return true;
  std::vector<WordSpan> excepted;
  for (const auto& e : c.exceptions) {
    for (const auto& span : text.find(e)) excepted.push_back(span);
  }
  for (const auto& occurrence : found) {
    bool covered = false;
    for (const auto& e : excepted) covered = covered || e.covers(occurrence);
    if (!covered) return true;
  }
  return false;
}

// Urgent terms are tried first, so the answer is the highest tier whatever the order given.
std::optional<RiskMatch> first_match(std::initializer_list<std::span<const CompiledTerm>> lists,
                                     std::string_view title, std::string_view body) {
  const PhraseText t(title);
  const PhraseText b(body);
  for (const int wanted : {2, 1}) {
    for (const auto terms : lists) {
      for (const auto& c : terms) {
        if (risk_tier_rank(c.term->tier) != wanted) continue;
        if (term_matches(c, t) || term_matches(c, b)) return RiskMatch{c.term->tier, c.term->phrase};
      }
    }
  }
  return std::nullopt;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  while (true) {
    const auto at = s.find(sep);
    parts.push_back(s.substr(0, at));
    if (at == std::string_view::npos) return parts;
    s.remove_prefix(at + 1);
  }
}

const std::vector<CompiledTerm>& compiled_built_ins() {
  static const std::vector<CompiledTerm> compiled = [] {
    std::vector<CompiledTerm> out;
    for (const auto& t : built_in_risk_terms()) out.push_back(compile(t));
    return out;
  }();
  return compiled;
}

}  // namespace

int risk_tier_rank(std::string_view tier) { return tier == "urgent" ? 2 : tier == "concern" ? 1 : 0; }

bool exception_covers_phrase(std::string_view phrase, std::string_view exception) {
  return PhraseText(exception).contains(phrase_words(phrase));
}

std::vector<RiskTerm> parse_risk_lexicon(std::string_view text) {
  std::vector<RiskTerm> terms;
  std::size_t number = 0;
  for (auto line : split(text, '\n')) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    const auto fail = [&](const std::string& why) {
      throw std::invalid_argument("risk lexicon line " + std::to_string(number) + ": " + why);
    };
    const auto fields = split(line, '\t');
    if (fields.size() < 2 || fields.size() > 3) fail("expected tier<TAB>phrase[<TAB>exceptions]");
    if (risk_tier_rank(fields[0]) == 0) fail("the tier is urgent or concern");
    RiskTerm t{std::string(fields[0]), std::string(fields[1]), {}};
    if (!is_plain_phrase(t.phrase)) fail("the phrase must be words separated by spaces");
    if (fields.size() == 3) {
      for (const auto e : split(fields[2], '|')) {
        if (!is_plain_phrase(e)) fail("an exception must be words separated by spaces");
        if (!exception_covers_phrase(t.phrase, e)) fail("the exception '" + std::string(e) + "' does not contain the phrase");
        t.exceptions.emplace_back(e);
      }
    }
    terms.push_back(std::move(t));
  }
  return terms;
}

std::span<const RiskTerm> built_in_risk_terms() {
  static const std::vector<RiskTerm> terms = parse_risk_lexicon(detail::embedded_risk_lexicon());
  return terms;
}

std::optional<RiskMatch> match_risk_terms(std::span<const RiskTerm> terms, std::string_view title,
                                          std::string_view body) {
  std::vector<CompiledTerm> compiled;
  compiled.reserve(terms.size());
  for (const auto& t : terms) compiled.push_back(compile(t));
  return first_match({compiled}, title, body);
}

std::optional<RiskMatch> match_risk(store::Connection& c, std::int64_t network_id, std::string_view title,
                                    std::string_view body) {
  // The network's rows live only for this call; the built-in list is compiled once.
  std::vector<RiskTerm> added;
  for (auto& row : store::list_risk_terms(c, network_id)) {
    added.push_back({std::move(row.tier), std::move(row.phrase), std::move(row.exceptions)});
  }
  std::vector<CompiledTerm> compiled;
  compiled.reserve(added.size());
  for (const auto& t : added) compiled.push_back(compile(t));
  return first_match({compiled_built_ins(), compiled}, title, body);
}

}  // namespace harbour::services
