#include "seed_text.hpp"

#include <array>
#include <string_view>

namespace harbour::bench {
namespace {

constexpr std::array<std::string_view, 36> kTitleStarts{
    "Small win", "Struggling with", "Anyone else finding", "Tips for", "Back to", "A good day with", "Thinking about",
    "Question about", "Finally tried", "Still working on", "Update on", "Learning to live with", "How do you manage",
    "Slow progress with", "What helped me with", "Worried about", "A rough week with", "Feeling better about",
    "Ideas for", "Celebrating", "Getting used to", "Starting again with", "Honest thoughts on", "First steps with",
    "Looking for advice on", "Noticing a change in", "Coming back to", "Grateful for", "One month on:",
    "Ups and downs with", "Making peace with", "Trying something new:", "Six weeks of", "Late night thoughts on",
    "Keeping going with", "Notes to self about"
};

constexpr std::array<std::string_view, 40> kTitleSubjects{
    "sleep", "the mornings", "going back to work", "my staying-well plan", "walking every day",
    "talking to my family", "the winter months", "cooking proper meals", "saying no", "crowded places", "journalling",
    "the weekends", "breathing exercises", "my energy levels", "reading again", "seeing friends",
    "the end of therapy", "setting small goals", "the garden", "phone calls", "money worries", "a new routine",
    "early signs", "being kind to myself", "the school run", "long shifts", "quiet evenings", "the gym",
    "volunteering", "making plans", "family visits", "painting", "the allotment", "bad news days", "swimming",
    "a support group", "my appointments", "music", "the dog walks", "slowing down"
};

constexpr std::array<std::string_view, 48> kTopicSentences{
    "It has been a while since I last posted here, so I thought I would share where I am.",
    "Since finishing therapy I have been trying to keep up the things that helped.",
    "Some days it feels easy and other days it takes everything I have to get started.",
    "My therapist suggested writing down three things that went well each evening.",
    "I noticed the old patterns creeping back in last week and caught them earlier than before.",
    "The mornings are still the hardest part of the day for me.",
    "I managed to get out for a walk before work four days out of five.",
    "My sleep has been all over the place since the clocks changed.",
    "I have started keeping a simple diary of my mood and what I did each day.",
    "Talking to my sister about how I have been feeling helped more than I expected.",
    "Going back to work part time has been a big step, and mostly a good one.",
    "I keep comparing myself to how I was before, which never helps.",
    "This week I tried planning one small enjoyable thing for each day.",
    "The staying-well plan we made at the end of therapy is stuck on my fridge.",
    "I used to put off phoning people, but I am getting better at it.",
    "Cooking a proper meal on a weeknight felt like a real achievement.",
    "I have been reading again, only a few pages at a time, but it counts.",
    "My energy dips badly in the afternoons and I am not sure what to do about it.",
    "I said no to something this week without feeling guilty for days afterwards.",
    "There is a lot going on at home at the moment and I am trying to pace myself.",
    "I noticed I was withdrawing from friends again, so I sent a message to one of them.",
    "The breathing exercise from the group sessions still works for me.",
    "Winter always knocks me back a bit, so this year I am trying to prepare for it.",
    "I found a local walking group that meets on Saturday mornings.",
    "Getting outside in daylight seems to make a real difference to my mood.",
    "I am learning that rest is not the same as giving in.",
    "The first weeks after therapy ended felt strange without the weekly sessions.",
    "I have been trying to notice the thoughts without arguing with every one of them.",
    "Small routines seem to hold the rest of the day together for me.",
    "I wanted to share this in case it is useful to someone else here.",
    "It is not a huge thing, but it felt worth writing down.",
    "I would really like to hear how other people handle this.",
    "My partner has been supportive, although it is hard for them to understand at times.",
    "I am trying to be more honest with my GP about how things really are.",
    "The weekends are harder than the weekdays because there is less structure.",
    "I finally cleared the pile of post that had been sitting on the table for weeks.",
    "Some evenings I still lie awake going over conversations from the day.",
    "I have been using the notes app on my phone to track what lifts my mood.",
    "Last month I would not have managed this, so I am counting it as progress.",
    "I have been gentler with myself when a plan does not work out.",
    "A friend invited me out and I went, even though part of me wanted to cancel.",
    "The garden has been a good place to spend an hour without thinking too much.",
    "I had a wobble on Tuesday but I used my plan and it passed.",
    "I am slowly working out which warning signs matter most for me.",
    "It helps to read the posts here and know I am not the only one.",
    "I keep a list of things that helped last time, so I do not have to remember them when I am low.",
    "Work has been busy, and I have had to remind myself to take proper breaks.",
    "The mood tracker showed me that my worst days follow the worst nights."
};

constexpr std::array<std::string_view, 44> kReplySentences{
    "Thank you for sharing this, it really resonates with me.",
    "I had something very similar after my sessions ended.",
    "That sounds like real progress, well done for sticking with it.",
    "What helped me was keeping the first hour of the day as simple as possible.",
    "I found it easier once I stopped expecting every day to be a good one.",
    "Have you tried setting a gentle alarm for a short walk at lunchtime?",
    "It took me a few months before the new routine felt normal.",
    "I think noticing it earlier is a big step in itself.", "Sending you good wishes for the rest of the week.",
    "I can relate to the afternoon slump, it hits me around three every day.",
    "My therapist called that the boom and bust cycle, and pacing helped me a lot.",
    "I wrote my warning signs on a card and keep it in my wallet.",
    "It is lovely to read something hopeful this morning.", "Keep going, the small steps really do add up.",
    "I struggle with the weekends too, so I plan one thing for Saturday and one for Sunday.",
    "Talking to someone close was the hardest part for me, but it was worth it.",
    "Please be kind to yourself, a wobble is not a failure.",
    "I have found that the mood diary shows patterns I never noticed before.",
    "A short list of easy meals saved me on the low-energy days.",
    "That is exactly how I felt when I went back to work.",
    "The walking group idea is a good one, there is something about being outside with others.",
    "I needed to read this today, thank you.", "It is brave to say this out loud, and it helps the rest of us too.",
    "I used to feel guilty about resting, and I am still unlearning that.",
    "Would you be willing to share how you set up your diary?",
    "I agree, daylight makes a huge difference for me as well.",
    "I remember those first weeks without sessions, it does get easier.",
    "One thing that worked for me was a fixed time to stop checking emails.", "Your plan sounds really thoughtful.",
    "I am glad you are noticing the good moments as well as the hard ones.",
    "The breathing exercises took a while to feel natural for me too.",
    "Maybe worth mentioning to your GP at the next appointment?",
    "I tried that last winter and it helped more than I expected.", "That made me smile, thank you for posting it.",
    "I have had the same problem with sleep since the clocks went back.", "Please keep us posted on how it goes.",
    "You are definitely not the only one here who finds mornings hard.",
    "It sounds like you handled that really well.", "Reading this reminded me to look at my own plan again.",
    "I find a warm drink and no screens for half an hour before bed helps a bit.",
    "Some weeks are just about getting through, and that is okay.",
    "I like the idea of three good things, I might try it tonight.", "Thank you, this is a really useful thread.",
    "Well done for reaching out to your friend."
};

constexpr std::array<std::string_view, 20> kListItems{
    "a short walk before breakfast", "a glass of water first thing", "ten minutes of tidying",
    "a message to one friend", "lights out by eleven", "one proper meal a day", "no news after eight",
    "a few pages of a book", "the breathing exercise twice a day", "a check-in with my plan on Sundays",
    "writing three good things", "getting outside at lunchtime", "a bath on a Sunday evening",
    "a phone call with my mum", "stretching for five minutes", "a fixed time to get up",
    "planning the week on Monday", "an early night on Thursdays", "music while I cook", "a cup of tea in the garden"
};

constexpr std::array<std::string_view, 10> kEmphasis{
    "one day at a time", "small steps", "progress, not perfection", "be kind to yourself", "it does get easier",
    "rest is allowed", "you are not alone", "keep going", "notice the good bits", "ask for help early"
};

constexpr std::array<std::string_view, 5> kLinks{
    "[Every Mind Matters](https://www.nhs.uk/every-mind-matters/)",
    "[NHS advice on sleep](https://www.nhs.uk/every-mind-matters/mental-health-issues/sleep/)",
    "[NHS Talking Therapies](https://www.nhs.uk/mental-health/talking-therapies-medicine-treatments/"
    "talking-therapies-and-counselling/nhs-talking-therapies/)",
    "[Mind](https://www.mind.org.uk/)", "[the resources page](/resources)"
};

constexpr std::array<std::string_view, 8> kQuotes{
    "You do not have to feel better all at once.", "Notice it, name it, and let it pass.",
    "What would you say to a friend in the same place?", "Plan the day, not the whole month.",
    "A setback is information, not a verdict.", "Do the next small thing.", "Rest first, then decide.",
    "Progress is rarely a straight line."
};

// A bank declared longer than its list would hold empty entries.
template <std::size_t N>
constexpr bool all_set(const std::array<std::string_view, N>& bank) {
  for (const auto entry : bank) {
    if (entry.empty()) return false;
  }
  return true;
}
static_assert(all_set(kTitleStarts) && all_set(kTitleSubjects) && all_set(kTopicSentences) &&
              all_set(kReplySentences) && all_set(kListItems) && all_set(kEmphasis) && all_set(kLinks) &&
              all_set(kQuotes));

}  // namespace

std::size_t TextGenerator::pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }

std::string TextGenerator::title() {
  std::string t(kTitleStarts[pick(kTitleStarts.size())]);
  t += ' ';
  t += kTitleSubjects[pick(kTitleSubjects.size())];
  return t;
}

std::string TextGenerator::sentence(bool reply) {
  // Replies borrow from the topic bank now and then, as people tell their own story in answer.
  if (reply && pick(4) != 0) return std::string(kReplySentences[pick(kReplySentences.size())]);
  return std::string(kTopicSentences[pick(kTopicSentences.size())]);
}

std::string TextGenerator::body(std::size_t target, std::size_t min_chars, std::size_t max_chars, bool reply) {
  std::string out;
  std::size_t in_paragraph = 0;
  bool used_list = false;
  bool used_link = false;
  bool used_quote = false;
  auto fits = [&](std::size_t extra) { return out.size() + extra <= max_chars; };
  // What goes before the next piece: nothing at the start, a blank line to open a paragraph (also
  // after a list or a quote, which would otherwise swallow the next line), else a space.
  auto sep = [&]() -> std::string { return out.empty() ? "" : in_paragraph == 0 ? "\n\n" : " "; };
  while (out.size() < target || out.size() < min_chars) {
    std::string piece;
    const auto roll = pick(100);
    if (!used_list && out.size() > 80 && roll < 6) {
      // A short list: "- item" lines, sometimes numbered.
      const bool numbered = pick(3) == 0;
      const auto items = 2 + pick(3);
      in_paragraph = 0;
      piece = sep();
      piece += numbered ? "What I try to do:\n\n" : "Things that help me:\n\n";
      for (std::size_t i = 0; i < items; ++i) {
        if (i > 0) piece += '\n';
        piece += numbered ? std::to_string(i + 1) + ". " : "- ";
        piece += kListItems[pick(kListItems.size())];
      }
      used_list = true;
      in_paragraph = 0;
    } else if (!used_quote && out.size() > 40 && roll < 9) {
      in_paragraph = 0;
      piece = sep() + std::string("> ") + std::string(kQuotes[pick(kQuotes.size())]);
      used_quote = true;
    } else if (!used_link && roll < 12) {
      piece = sep() + "This helped me: " + std::string(kLinks[pick(kLinks.size())]) + ".";
      used_link = true;
      ++in_paragraph;
    } else if (roll < 20) {
      const bool bold = pick(2) == 0;
      const std::string mark = bold ? "**" : "*";
      std::string phrase(kEmphasis[pick(kEmphasis.size())]);
      phrase[0] = static_cast<char>(phrase[0] - 'a' + 'A');
      piece = sep() + mark + phrase + mark + ".";
      ++in_paragraph;
    } else {
      // A new paragraph every two to four sentences.
      if (in_paragraph >= 2 + pick(3)) in_paragraph = 0;
      piece = sep() + sentence(reply);
      ++in_paragraph;
    }
    if (!fits(piece.size())) {
      if (out.size() >= min_chars) break;
      continue;  // too long for what is left: try another piece
    }
    out += piece;
  }
  return out;
}

}  // namespace harbour::bench
