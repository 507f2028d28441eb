// Demo community of 'perinatal': parents supported by the service during pregnancy and the first
// year after birth. A smaller set than the other two networks.
#include "services/demo_community_data.hpp"

// Each community's tables sit in a namespace of their own: they share their names (kStaff,
// kPosts, ...) with the other communities' files, which a unity build compiles together.
namespace harbour::services::demo::perinatal_network {

constexpr StaffSlot kStaff[] = {
    {"@clinician", "clinician", nullptr, "Soft Rain"},
    {"@peer_supporter", "peer_supporter", nullptr, "Warm Blanket"},
};

constexpr Person kPeople[] = {
    {"Sleepy Owl", "member"}, {"Little Acorn", "member"}, {"Pram Walker", "member"},
    {"Tea Gone Cold", "member"}, {"First Snowdrop", "member"},
};

constexpr const char* kIntro = "Introduce yourself";
constexpr const char* kNights = "Nights, naps and tiredness";
constexpr const char* kFeelings = "Feelings after birth";

constexpr Category kCategories[] = {
    {kIntro, "Say hello: where you are, and as much or as little as you'd like to share.", kMembers, kMembers},
    {kNights, "Broken sleep, feeds and getting through the day on not much rest.", kMembers, kMembers},
    {kFeelings, "The ups and downs of becoming a parent, and what has helped.", kMembers, kMembers},
};

constexpr Post kPosts[] = {
    topic("welcome", kIntro, "@peer_supporter", ago(24, 2), "Welcome to the perinatal community",
          R"md(Welcome! This is a space for parents supported by the perinatal service, during pregnancy or in the first year or so with a baby.

Please use your pseudonym, and leave out names, birth dates and other details that could identify you or your family. Staff posts carry a badge, and we read the forums every day.

If you are struggling to keep yourself or your baby safe, please don't wait: the **Need urgent help?** link at the top of every page lists people you can contact at any hour.)md")
        .pin()
        .react(3),
    reply("welcome", "Sleepy Owl", ago(23, 6), "Thank you. Typing this one-handed with a sleeping baby on me!"),

    topic("owl-hello", kIntro, "Sleepy Owl", ago(22, 5), "Hello from a first-time mum",
          "Hi all. My daughter is ten weeks old. I've been having support from the team for low mood since she "
          "was born. Some days are lovely and some are really hard. Nice to be somewhere people get it."),
    reply("owl-hello", "Little Acorn", ago(22, 1), "Hello! Mine is four months. Lovely and really hard sums it up."),
    reply("owl-hello", "@peer_supporter", ago(21, 19),
          "Welcome, Sleepy Owl. Both kinds of day are normal, and reaching out for support is a strong thing to "
          "do. Glad you're here."),

    topic("night-feeds", kNights, "Tea Gone Cold", ago(15, 4), "How do you cope with the night feeds?",
          "The 3am feed is when my thoughts get darkest and everything feels impossible. By morning it's better. "
          "Does anyone else find nights the hardest?")
        .react(4),
    reply("night-feeds", "Pram Walker", ago(15, 1),
          "Yes. I keep an audiobook going and a glass of water and a snack within reach. It makes the night feel "
          "less lonely."),
    reply("night-feeds", "@clinician", ago(14, 20),
          R"md(Lots of parents find the night hours the hardest: tiredness makes everything feel heavier. It can help to remind yourself, *this is the 3am version of things*.

If the dark thoughts are frightening, or don't ease in the daytime, please tell your health visitor, GP or the team. And if you ever feel unable to keep yourself safe, use the **Need urgent help?** page straight away.)md"),
    reply("night-feeds", "Tea Gone Cold", ago(14, 6),
          "\"The 3am version of things\" really helps. Thank you both."),

    topic("naps", kNights, "Little Acorn", ago(9, 3), "Sleep when the baby sleeps?",
          "Everyone says \"sleep when the baby sleeps\". I lie there wide awake listening to her breathe. Any "
          "realistic tips?"),
    reply("naps", "Sleepy Owl", ago(8, 22),
          "Same! I've given up on naps and just rest: feet up, no phone. It still helps a bit."),
    reply("naps", "Pram Walker", ago(8, 5),
          "My partner takes the baby out for a walk on Saturday mornings so I can sleep without listening out. "
          "Game changer."),

    topic("not-bonding", kFeelings, "Pram Walker", ago(12, 6), "I didn't feel the rush of love straight away",
          "I always thought I'd feel instant love. I didn't, and I felt so guilty. Six months on, I adore him, but "
          "I wish someone had told me it can take time.")
        .react(5),
    reply("not-bonding", "Tea Gone Cold", ago(12, 1), "Thank you for saying this. I needed to hear it."),
    reply("not-bonding", "@clinician", ago(11, 19),
          "This is far more common than people realise, and bonding often grows gradually. Thank you for sharing "
          "it: posts like this help other parents feel less alone."),
    reply("not-bonding", "Little Acorn", ago(11, 4), "Same here. Now he's my favourite person. It does come."),

    topic("good-day", kFeelings, "Sleepy Owl", ago(3, 5), "A good day",
          "We went to a baby group for the first time. I nearly turned round at the door, but I went in, and "
          "another mum asked if I wanted to get a coffee next week. Small, but it felt big."),
    reply("good-day", "Little Acorn", ago(3, 1), "That's brilliant. The door is the hardest bit."),

    topic("snowdrop-hello", kIntro, "First Snowdrop", ago(0, 3), "Hello, I'm 30 weeks pregnant",
          "Hi, I was referred to the perinatal team for anxiety during pregnancy. Hoping to learn from others "
          "who've been through it.")
        .held("new_member"),

    blog_post("not-alone", "@clinician", ago(18, 4), "You are not alone: low mood after having a baby",
              R"md(Many parents feel low, anxious or not like themselves during pregnancy or after having a baby. It's common, and it's nobody's fault.

Some signs to look out for, in yourself or your partner: a low mood that lasts more than two weeks, losing interest in things, feeling unable to cope, or frightening thoughts.

**Help works.** Talk to your health visitor, midwife, GP or the perinatal team. Partners can be affected too, and can ask for help in the same way.

If you ever feel unable to keep yourself or your baby safe, use the **Need urgent help?** link at the top of every page.)md")
        .react(3),
    comment("not-alone", "Tea Gone Cold", ago(17, 6), "Thank you for mentioning partners. Mine has been struggling too."),
};

constexpr Resource kResources[] = {
    {"leaflet", "Postnatal depression (NHS)", "Symptoms, treatment and where to get help for postnatal depression.", "",
     "https://www.nhs.uk/mental-health/conditions/post-natal-depression/overview/", "postnatal depression", "everyone",
     "", ago(25)},
    {"article", "Rest when you have a new baby",
     "Realistic ways to get more rest in the early months, and when to ask for help.",
     R"md(Broken sleep is part of life with a new baby, and it affects how everything feels.

- **Rest counts**, even when you can't sleep: feet up, phone down.
- **Share the nights** if you can, so each of you gets one longer stretch.
- **Lower the bar** on housework for now.
- **Accept offers** of help, and say exactly what would help most.

If you feel low or anxious for more than two weeks, talk to your health visitor, GP or the perinatal team.)md",
     nullptr, "sleep", "everyone", "", ago(24)},
    {"service", "PANDAS Foundation",
     "Support for parents and families affected by perinatal mental illness.", "",
     "https://pandasfoundation.org.uk", "postnatal support", "everyone", "", ago(25)},
    {"service", "Samaritans", "Someone to talk to, any time of day or night. Call free on 116 123.", "",
     "https://www.samaritans.org", "urgent support", "everyone", "", ago(25)},
};

}  // namespace harbour::services::demo::perinatal_network

namespace harbour::services::demo {

const NetworkContent& perinatal_content() {
  using namespace perinatal_network;
  static const NetworkContent content{"perinatal", kStaff, kPeople, kCategories, kPosts, kResources};
  return content;
}

}  // namespace harbour::services::demo
