// Markdown: services::render_markdown (cmark, raw HTML off, link scheme allowlist, images made
// text), the renderer post_json runs for every post shown with its body (body_html).
//  BM_Markdown/post_full    a typical ~600-character forum post (paragraphs, emphasis, a link, a
//                           list), Full profile (forums, blogs, resources).
//  BM_Markdown/wall_short   a ~1,000-character Wall message (emphasis, a link, a numbered list,
//                           inline code, a heading the Short profile flattens), Short profile.
// bytes/s = Markdown source bytes in.
#include "services/markdown.hpp"

#include <benchmark/benchmark.h>

#include <string>
#include <string_view>

namespace {

using harbour::services::MarkdownProfile;
using harbour::services::render_markdown;

constexpr std::string_view kPost =
    "Thank you all for the replies last week. I wanted to share what has **actually helped** me, in case it "
    "helps someone.\n\n"
    "The biggest thing was the [sleep routine guide](https://www.nhs.uk/every-mind-matters/mental-health-issues/"
    "sleep/) from the library. I was *sure* it would not work, but I stuck with it for two weeks:\n\n"
    "- same wake-up time every day, even at weekends\n"
    "- no phone for the last half hour\n"
    "- writing down what is on my mind before bed\n\n"
    "It is not fixed, and some nights are still hard. But I am sleeping _most_ nights now, and that makes "
    "everything else feel more possible. Be kind to yourselves.";

constexpr std::string_view kWall =
    "# Good morning everyone\n\n"
    "Just checking in before the day gets going. Yesterday was a **hard** one: the appointment I had been "
    "waiting six weeks for was moved again, and I spent most of the afternoon feeling like nobody was "
    "listening. I did not want to post then because I knew I would just be angry.\n\n"
    "Today I feel *a bit* steadier. A few things that helped last night:\n\n"
    "1. phoning my sister, even though I did not want to\n"
    "2. a warm bath and an early night\n"
    "3. re-reading the [grounding exercises](/resources/31) someone shared here\n\n"
    "If you are waiting for an appointment too, you are not on your own. It is okay to chase them, and it "
    "is okay to ask your GP what to do in the meantime. The `Need urgent help?` link at the top of the page "
    "has the numbers if things get too much before then.\n\n"
    "I am going to try a short walk at lunch. Anyone else doing something small for themselves today? "
    "Tell me yours and I will cheer you on. Sending _lots_ of warmth to everyone who is finding this week "
    "heavy. See you later on.";

void BM_Markdown(benchmark::State& state, std::string_view source, MarkdownProfile profile) {
  for (auto _ : state) {
    auto html = render_markdown(source, profile);
    benchmark::DoNotOptimize(html);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(source.size()));
  state.counters["source_bytes"] = static_cast<double>(source.size());
}
BENCHMARK_CAPTURE(BM_Markdown, post_full, kPost, MarkdownProfile::Full);
BENCHMARK_CAPTURE(BM_Markdown, wall_short, kWall, MarkdownProfile::Short);

}  // namespace
