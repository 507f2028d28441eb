// Demo community of 'carers': relatives, partners and friends of people using the service.
// (Carers do not read blogs, so this network has forums and resources only.)
#include "services/demo_community_data.hpp"

// Each community's tables sit in a namespace of their own: they share their names (kStaff,
// kPosts, ...) with the other communities' files, which a unity build compiles together.
namespace harbour::services::demo::carers_network {

// demo_seed.cpp gives the demo staff keys to 'default' only, so this network has staff of its own.
constexpr StaffSlot kStaff[] = {
    {"@clinician", "clinician", nullptr, "Linden Tree"},
    {"@peer_supporter", "peer_supporter", nullptr, "Evening Lamp"},
};

constexpr Person kPeople[] = {
    {"Rowan Path", "carer"}, {"Tea and Toast", "carer"}, {"Blue Door", "carer"},  {"Long Road", "carer"},
    {"Open Window", "carer"}, {"Heather Hill", "carer"}, {"Small Steps", "carer"},
};

constexpr const char* kStart = "Getting started";
constexpr const char* kSelf = "Looking after yourself";
constexpr const char* kTalking = "Talking with the person you care for";
constexpr const char* kPractical = "Practical help";

constexpr Category kCategories[] = {
    {kStart, "New here? Say hello and find your way around.", kCarers | kMembers, kCarers | kMembers},
    {kSelf, "Rest, breaks, your own health, and the feelings that caring brings.", kCarers | kMembers,
     kCarers | kMembers},
    {kTalking, "Conversations that are hard to start, and what helped.", kCarers | kMembers, kCarers | kMembers},
    {kPractical, "Appointments, carer's assessments, benefits, work and paperwork.", kCarers | kMembers,
     kCarers | kMembers},
};

constexpr Post kPosts[] = {
    // ---- Getting started --------------------------------------------------------------------
    topic("welcome", kStart, "@peer_supporter", ago(26, 3), "Welcome: this space is for you",
          R"md(Welcome to the relatives and carers community. If someone close to you is having support from the service, this is a place for **you**: your questions, your worries and your own wellbeing.

A few things to know:

- Everyone here uses a pseudonym. Please leave out names and details that could identify you or the person you care for.
- Staff posts carry a badge. We read the forums every day and moderate them, so sometimes a post waits for us before it appears.
- We can't discuss anyone's care here. For that, speak to the team looking after them.

If you are worried about someone's safety right now, the **Need urgent help?** link at the top of every page lists who to contact, at any hour.

Say hello below whenever you're ready.)md")
        .pin()
        .react(4),
    reply("welcome", "Rowan Path", ago(25, 20), "Thank you. It's good to have somewhere that's just for us."),
    reply("welcome", "Heather Hill", ago(24, 6), "Hello all. Glad this exists."),

    topic("son-therapy", kStart, "Rowan Path", ago(24, 4), "Hello: my son has just started therapy",
          R"md(Hi everyone. My son is twenty-two and has just started CBT for depression. He's still living at home.

I'm relieved he's getting help, but I feel a bit shut out, and I don't really know what my role is now. Is it normal to feel like this?)md")
        .react(3),
    reply("son-therapy", "Blue Door", ago(23, 22),
          "Very normal. When my partner started therapy I felt both relieved and useless. It got easier once I "
          "accepted I didn't need to fix it, just be there."),
    reply("son-therapy", "@peer_supporter", ago(23, 10),
          R"md(Welcome, Rowan Path. Feeling shut out is something a lot of parents describe, especially with adult children, where therapy is rightly private.

Your role can still be a big one: keeping things steady at home, noticing how he is, and looking after yourself too. There's an article in Resources called *Talking with someone who is having therapy* that you might find useful.)md"),

    topic("do-i-count", kStart, "Tea and Toast", ago(20, 5), "Not sure I count as a carer",
          "My wife has depression. I don't do anything \"medical\", I just do more of the cooking and school runs "
          "and try to keep things calm. Do I count as a carer? It feels like an odd word for it.")
        .react(4),
    reply("do-i-count", "Long Road", ago(20, 1),
          "I felt the same! But yes, if you're supporting someone through an illness, you're a carer. Took me a "
          "year to use the word."),
    reply("do-i-count", "@peer_supporter", ago(19, 20),
          R"md(You definitely count. A carer is anyone who gives unpaid support to someone because of illness or disability, and that includes the emotional side and picking up the everyday jobs.

Recognising it matters, because it opens doors: you may be able to have a **carer's assessment** from your local council, and to tell your GP you're a carer. There's more about both in *Practical help*.)md"),
    reply("do-i-count", "Heather Hill", ago(19, 6), "Ha, \"odd word for it\" is exactly how I felt. Welcome."),
    reply("do-i-count", "Tea and Toast", ago(18, 21),
          "Thanks, all. I've told my GP and they've added it to my notes. Feels strangely validating."),

    topic("confidential", kStart, "Open Window", ago(17, 4), "What's confidential? The team won't tell me much",
          "My daughter is having therapy and when I rang the service, they wouldn't tell me anything. I understand "
          "why, but I'm worried and I feel in the dark. What can I actually expect to be told?"),
    reply("confidential", "@clinician", ago(16, 22),
          R"md(That's a really understandable feeling. Therapy is confidential, so without your daughter's agreement the team can't share what she talks about or how she is doing.

What you **can** do:

- **Share your own concerns** with the team. They can listen to you even if they can't tell you anything back.
- **Ask your daughter** whether she'd be happy for you to know some things, such as her appointment times or her staying-well plan.
- **Get information for yourself**: general information about depression and about the therapy she's having.

And if you're ever worried about her safety, don't wait: use the contacts on the **Need urgent help?** page.)md"),
    reply("confidential", "Open Window", ago(16, 9),
          "Thank you, that's clearer. I didn't realise I could still tell them my worries."),
    reply("confidential", "Blue Door", ago(15, 20),
          "Asking my partner to share his plan with me was the best thing we did. Worth a gentle try."),

    topic("small-steps-hello", kStart, "Small Steps", ago(0, 6), "Hello from a new carer",
          "Hi, I'm new. My mum has been unwell for a few months and I've just moved back in with her. Glad to have "
          "found this.")
        .held("new_member"),

    // ---- Looking after yourself -------------------------------------------------------------
    topic("just-for-you", kSelf, "Long Road", ago(15, 3), "When did you last do something just for you?",
          "Honest question. I realised I haven't done anything purely for myself in about three months. What do "
          "you all do to recharge, even in small ways?")
        .react(5),
    reply("just-for-you", "Heather Hill", ago(15, 1), "Swimming, once a week, early. Nobody can ring me underwater."),
    reply("just-for-you", "Rowan Path", ago(14, 19), "A crossword with my first coffee. Ten minutes, but it's mine."),
    reply("just-for-you", "Tea and Toast", ago(14, 6),
          "Choir on Wednesdays. I nearly gave it up when things got hard. Glad I didn't."),
    reply("just-for-you", "@peer_supporter", ago(13, 22),
          "Love these. Small, regular and protected seems to be the pattern. Long Road, what might yours be?"),
    reply("just-for-you", "Long Road", ago(13, 4), "I used to draw. Dug out my pencils last night. A start!"),

    topic("weekend-away", kSelf, "Heather Hill", ago(12, 6), "Guilt about going away for a weekend",
          "My sister has invited me away for two nights. My husband is much steadier now and says he'll be fine, "
          "and his brother can pop in. But I feel so guilty about going. Has anyone else struggled with this?"),
    reply("weekend-away", "Blue Door", ago(12, 2),
          "Yes, every time. And every time I come back a better carer. Go, and enjoy it."),
    reply("weekend-away", "Open Window", ago(11, 17),
          "If it helps, you could agree a simple plan before you go: who he'd call, when you'll check in. Then "
          "you can switch off a bit."),
    reply("weekend-away", "Heather Hill", ago(5, 3),
          "I went! We walked, ate too much and slept. He was fine. I'm glad I listened to you all."),

    topic("listening-out", kSelf, "Blue Door", ago(10, 4), "Sleep when you're listening out all night",
          "Since my partner had a bad patch, I sleep really lightly, half-listening for him. He's much better now "
          "but my sleep hasn't caught up. Anyone else?"),
    reply("listening-out", "Rowan Path", ago(10, 1),
          "Yes. It took months for my body to believe things were calmer. A steady routine helped, and talking "
          "about it with my GP."),
    reply("listening-out", "@clinician", ago(9, 18),
          "That \"on-call\" kind of sleep is very common after a worrying time, and it often settles gradually. "
          "The sleep routine article in Resources may help. If it goes on for weeks or is wearing you down, "
          "please do see your GP: your health matters too."),

    topic("own-gp", kSelf, "Rowan Path", ago(7, 5), "Seeing my GP about my own mood",
          "All my energy has gone on my son, and I've only just noticed how low I've been feeling myself. I've "
          "booked a GP appointment. Nervous, but it feels like the right thing."),
    reply("own-gp", "@clinician", ago(7, 1),
          "Well done for noticing and for booking it. Carers' own wellbeing often slips while they focus on "
          "someone else. It may help to jot down a few notes before the appointment, so you don't forget what "
          "you want to say."),
    reply("own-gp", "Long Road", ago(6, 20), "Good for you. Let us know how it goes if you'd like to."),
    reply("own-gp", "Rowan Path", ago(3, 4),
          "It went well. They listened, and told me I can refer myself to talking therapies too. Feeling lighter."),

    // ---- Talking with the person you care for -----------------------------------------------
    topic("really", kTalking, "Tea and Toast", ago(18, 3), "How do I ask \"how are you, really?\"",
          "When I ask my wife how she is, I get \"fine\". I don't want to push, but I'd like to know how she's "
          "really doing. How do you open the door without making it a big deal?")
        .react(3),
    reply("really", "Open Window", ago(17, 23),
          "Side by side works better than face to face for us: in the car, washing up, on a walk."),
    reply("really", "Long Road", ago(17, 8),
          "I ask about specifics rather than the big question. \"How did today's session feel?\" rather than "
          "\"how are you?\""),
    reply("really", "@peer_supporter", ago(16, 20),
          R"md(Both good ideas. It can also help to say **why** you're asking: "I'm not checking up on you, I just like knowing how you are."

And it's OK if the answer is still "fine" sometimes. Keeping the door open matters more than getting through it every time.)md"),

    topic("not-talking", kTalking, "Open Window", ago(13, 6), "She doesn't want to talk about therapy. Is that OK?",
          "My daughter won't talk about what happens in her sessions at all. Part of me is hurt. Part of me thinks "
          "it's probably healthy. Which is it?"),
    reply("not-talking", "@clinician", ago(13, 1),
          "It's very often healthy. Therapy can be tiring and personal, and many people prefer to keep it in the "
          "room. What usually matters more is that she knows she *can* talk to you when she wants to. It's "
          "understandable to feel a little hurt, too."),
    reply("not-talking", "Long Road", ago(12, 18),
          "My husband said nothing for weeks, then told me everything over one long dinner. Give it time."),

    topic("worried", kTalking, "Heather Hill", ago(9, 5), "What should I do if I'm worried about warning signs?",
          "My husband is doing well, but I sometimes lie awake wondering what I'd do if things got bad again. "
          "What should I look out for, and who would I call?")
        .react(4),
    reply("worried", "@clinician", ago(9, 1),
          R"md(It's a good idea to think about this while things are calm.

**Things that might suggest someone is becoming unwell again:** withdrawing from people, changes in sleep or appetite, losing interest in things, or talking about feeling hopeless. Everyone is different, so if he has a staying-well plan, ask if he'd share his own early signs with you.

**If you are worried:**
- Talk to him about it, gently and directly. Asking someone how they are feeling does not make things worse.
- Encourage him to contact his GP or the service.
- If you think he is in danger or can't keep himself safe, call **999**, or **111** and choose option 2 for urgent mental health help. The **Need urgent help?** page lists these and more.

You don't have to be certain before you ask for help.)md"),
    reply("worried", "Heather Hill", ago(8, 20), "Thank you, this is really clear. I've saved it."),
    reply("worried", "Blue Door", ago(8, 6), "Useful for all of us. Thank you."),

    // ---- Practical help ---------------------------------------------------------------------
    topic("assessment", kPractical, "Long Road", ago(14, 7), "Carer's assessment: what to expect",
          R"md(I had my carer's assessment from the council last week, so here's what it was like, in case it helps anyone nervous about asking.

- It was a conversation, about an hour, on the phone.
- They asked about what I do, how it affects me, and what would help.
- It was about **me**, not about judging how I care.

I came away with details of a local carers' group and some help with breaks. Worth asking for.)md")
        .react(5),
    reply("assessment", "Rowan Path", ago(14, 2), "This is really useful. I didn't realise it was about me. Going to ask."),
    reply("assessment", "@peer_supporter", ago(13, 19),
          "Thank you for this, Long Road. For anyone wondering how to ask: contact your local council's adult "
          "social care team. There's an NHS page about support for carers in Resources."),

    topic("work-juggle", kPractical, "Blue Door", ago(11, 3), "Juggling work and appointments",
          "I keep having to take time off for my partner's appointments and I'm running out of goodwill at work. "
          "How have others handled this?"),
    reply("work-juggle", "Tea and Toast", ago(10, 22),
          "I told my manager I'm a carer and asked about flexible working. It felt exposing but they were much more "
          "understanding than I expected."),
    reply("work-juggle", "Heather Hill", ago(10, 7),
          "Carers UK have good information about your rights at work. Linked in Resources."),

    topic("allowance", kPractical, "Rowan Path", ago(5, 6), "Carer's Allowance: worth checking?",
          "Someone mentioned Carer's Allowance to me. I assumed I wouldn't qualify, but is it worth checking?"),
    reply("allowance", "Open Window", ago(5, 1),
          "Definitely worth checking. The rules depend on hours and income, and the GOV.UK page explains it. "
          "Carers UK also have a helpline if you get stuck."),
};

constexpr Resource kResources[] = {
    {"article", "Looking after yourself as a carer",
     "Why your own wellbeing matters, and small ways to protect it.",
     R"md(Caring for someone can be rewarding, and it can also be tiring, worrying and lonely. Looking after yourself isn't selfish: it's part of being able to keep going.

- **Protect one small thing** that's just for you, every week.
- **Tell your GP you're a carer.** They can note it and think about your health too.
- **Accept offers of help**, and be specific when you ask: "could you sit with him on Thursday afternoon?"
- **Talk to people who understand**, here in the forums or at a local carers' group.
- **Notice your own mood.** If you have been feeling low or anxious for a couple of weeks, speak to your GP. You can also refer yourself to NHS talking therapies.

If you are struggling to cope right now, use the **Need urgent help?** link at the top of the page.)md",
     nullptr, "carers wellbeing", "carers", "", ago(27)},
    {"article", "Talking with someone who is having therapy",
     "How to be supportive without prying: what to say, what to avoid, and respecting privacy.",
     R"md(Therapy is private, and the person you care for may not want to talk about it. That's normal.

**Things that often help**
- Ask about small, specific things rather than "how are you?"
- Talk side by side: on a walk, in the car, while cooking.
- Say why you're asking: "I'm not checking up, I just care how you are."
- Ask whether they'd like to share their staying-well plan with you.

**Things to go easy on**
- Asking what they talked about in sessions.
- Offering solutions straight away. Listening is often enough.

Keeping the door open matters more than getting through it every time.)md",
     nullptr, "carers communication", "carers", "", ago(27)},
    {"article", "When you're worried about someone's safety",
     "Warning signs to look out for, and who to contact, day or night.",
     R"md(If you're worried that someone you care for is becoming unwell again, or is not safe:

1. **Talk to them** gently and directly about how they're feeling. Asking does not make things worse.
2. **Encourage them to contact** their GP or the service looking after them.
3. **If you think they're in danger** or can't keep themselves safe, call **999**.
4. **For urgent advice**, call **111** and choose option 2 for mental health help, at any time.
5. **For yourself**, Samaritans are there any time on 116 123.

The **Need urgent help?** link at the top of every page lists these contacts and your local crisis team.)md",
     nullptr, "safety urgent", "carers", "", ago(26)},
    {"article", "A sleep routine that helps",
     "Simple steps for steadier sleep, for carers who find themselves listening out at night.",
     R"md(Worry and broken nights can unsettle sleep for a long time after things calm down.

- **Keep the same wake-up time** every day.
- **Get some daylight early**, even on a cloudy morning.
- **Wind down** for half an hour before bed.
- **If you can't sleep** after about twenty minutes, get up and do something calm until you feel sleepy.
- **Write worries down** before bed, so they're not going round your head.

If poor sleep goes on for several weeks, talk to your GP.)md",
     nullptr, "sleep carers", "everyone", "", ago(25)},
    {"leaflet", "Support and benefits for carers (NHS)",
     "The NHS guide to carer's assessments, breaks, benefits and your rights.", "",
     "https://www.nhs.uk/conditions/social-care-and-support-guide/support-and-benefits-for-carers/",
     "carers benefits", "carers", "", ago(27)},
    {"leaflet", "Carer's Allowance (GOV.UK)", "Who can get Carer's Allowance, how much it is, and how to apply.", "",
     "https://www.gov.uk/carers-allowance", "benefits money", "carers", "", ago(26)},
    {"service", "Carers UK", "Advice, information and support for carers, including your rights at work.", "",
     "https://www.carersuk.org", "carers work benefits", "carers", "", ago(27)},
    {"service", "Carers Trust", "Local carer services and support across the UK, including for young carers.", "",
     "https://carers.org", "carers", "carers", "", ago(26)},
    {"service", "Samaritans", "Someone to talk to, any time of day or night. Call free on 116 123.", "",
     "https://www.samaritans.org", "urgent support", "everyone", "", ago(27)},
};

}  // namespace harbour::services::demo::carers_network

namespace harbour::services::demo {

const NetworkContent& carers_content() {
  using namespace carers_network;
  static const NetworkContent content{"carers", kStaff, kPeople, kCategories, kPosts, kResources};
  return content;
}

}  // namespace harbour::services::demo
