// Demo community of 'default' (Talking Therapies): people who have finished a course of IPT, CBT
// or counselling for depression, keeping well afterwards, and a corner for their families.
#include "services/demo_community_data.hpp"

// Each community's tables sit in a namespace of their own: they share their names (kStaff,
// kPosts, ...) with the other communities' files, which a unity build compiles together.
namespace harbour::services::demo::default_network {

constexpr StaffSlot kStaff[] = {
    {"@clinician", "clinician", "Demo Clinician", "Steady Oak"},
    {"@peer_supporter", "peer_supporter", "Demo Peer Supporter", "Open Door"},
    {"@volunteer", "volunteer", "Demo Volunteer", "Lantern Light"},
};

constexpr Person kPeople[] = {
    {"Morning Tide", "member"}, {"Quiet Heron", "member"}, {"Slow Walker", "member"},
    {"Willow Bench", "member"}, {"Paper Boats", "member"}, {"Amber Lamp", "member"},
    {"Cloud Watcher", "member"}, {"Fern Hollow", "member"}, {"Kettle On", "carer"},
    {"Garden Gate", "carer"},
};

constexpr const char* kIntro = "Introduce yourself";
constexpr const char* kStayingWell = "Staying well after therapy";
constexpr const char* kSleep = "Sleep, energy and routine";
constexpr const char* kRoles = "Relationships and roles";
constexpr const char* kGood = "Good things this week";
constexpr const char* kFamily = "For carers and family";

constexpr Category kCategories[] = {
    {kIntro, "Say hello and share as much or as little as you like. There is no right way to start.",
     kMembers | kCarers, kMembers | kCarers},
    {kStayingWell, "Keeping up what helped in IPT, CBT or counselling: plans, setbacks and small wins.", kMembers,
     kMembers},
    {kSleep, "Sleep, rest, getting going in the morning and the rhythm of the week.", kMembers, kMembers},
    {kRoles,
     "Changes in the roles we hold, disagreements that keep coming back, grief and loss: the things IPT works on.",
     kMembers, kMembers},
    {kGood, "Small or large: anything that went a little better this week.", kMembers | kCarers,
     kMembers | kCarers},
    {kFamily, "For the people around us: questions, worries and what helps at home. Members and carers both welcome.",
     kMembers | kCarers, kMembers | kCarers},
};

constexpr Post kPosts[] = {
    // ---- Introduce yourself ----------------------------------------------------------------
    topic("welcome", kIntro, "@peer_supporter", ago(27, 2), "Welcome: start here",
          R"md(Hello, and welcome. I'm one of the peer supporters here, and like everyone on the team I have been through talking therapy myself.

This is a space for people who have **finished a course of therapy** with the service (IPT, CBT, counselling or guided self-help) and want to keep well afterwards. A few things that help it stay a good place:

- **Use your pseudonym, not your real name**, and leave out details that could identify you or anyone else.
- Be kind. People here are at different points, and all of them count.
- Staff posts carry a badge (*Peer supporter*, *Clinician*, *Volunteer*). We read the forums every day and moderate them.
- Some posts carry a content note, such as *Mentions death or bereavement*. You choose in your settings which ones stay folded.

The **Wall** is our live board: when it is open there is always a member of staff reading along. The opening hours are at the top of the Wall page.

This forum is not watched around the clock. If you are struggling to keep yourself safe, please use the **Need urgent help?** link at the top of every page: it lists people you can talk to now, at any hour.

Say hello below whenever you feel ready.)md")
        .pin()
        .react(4),
    reply("welcome", "Morning Tide", ago(26, 20),
          "Thank you for this. I finished IPT in the spring and have missed having somewhere to talk things through. "
          "Glad to be here."),
    reply("welcome", "Quiet Heron", ago(25, 9),
          "Good to know about the content notes, I wasn't sure what those were. Hello everyone."),

    topic("heron-hello", kIntro, "Quiet Heron", ago(25, 8), "Hello from a new member",
          R"md(Hi all. I finished sixteen sessions of IPT about two months ago. The focus for me was a big change at work and how much of my sense of myself was tied up in it.

I'm mostly doing well, but the evenings are still the hardest part of the day. I'm hoping that reading how other people keep going will help me do the same.

Not sure what else to say, so: hello!)md")
        .react(3),
    reply("heron-hello", "Slow Walker", ago(25, 2),
          "Hello and welcome. Evenings were my tricky time too. It does get easier, and there are a few threads in "
          "*Sleep, energy and routine* that might be useful."),
    reply("heron-hello", "@volunteer", ago(24, 19),
          "Welcome, Quiet Heron. Two months on is still early days, so be gentle with yourself. The Wall is open "
          "some evenings too, if you'd like a bit of company when it's quiet at home."),
    reply("heron-hello", "Amber Lamp", ago(24, 10), "Hi! It's a friendly bunch here. Glad you found us."),

    topic("adrift", kIntro, "Paper Boats", ago(21, 5), "Finished CBT last month and feeling a bit adrift",
          R"md(I've just finished twelve sessions of CBT. It genuinely helped, and I'm much better than I was in January.

But now the weekly appointment has gone and I feel a bit... unanchored? Like the structure has disappeared. Is that normal?)md")
        .react(3),
    reply("adrift", "Morning Tide", ago(21, 1),
          "Very normal, I think. I felt exactly that. What helped me was keeping the same slot each week as "
          "\"my session\": I sit down with a tea and go over my notes for half an hour."),
    reply("adrift", "@peer_supporter", ago(20, 18),
          R"md(Lots of people describe this, so you are in good company. The end of therapy is a change in itself, and it's fine to feel a little lost in it.

Two things that often help:

1. Keep the **tools** you used in sessions somewhere easy to reach.
2. Look at your **staying-well plan** (sometimes called a blueprint) once a week for the first couple of months.

If you haven't got one yet, there's a template in the Resources section.)md"),
    reply("adrift", "Willow Bench", ago(20, 7), "The tea-and-notes idea is lovely. I might borrow that."),
    reply("adrift", "Paper Boats", ago(19, 22),
          "Thanks everyone. I've put \"session\" in my calendar for Thursday at six. Feels a bit silly but "
          "I'll give it a go."),

    topic("fern-hello", kIntro, "Fern Hollow", ago(0, 5), "Hi, just joined",
          "Hello. I've just finished counselling and my therapist suggested this forum. Still working out how "
          "everything works here, but it's nice to see so many friendly posts.")
        .held("new_member"),

    // ---- Staying well after therapy ---------------------------------------------------------
    topic("plan", kStayingWell, "Morning Tide", ago(23, 3), "My staying-well plan, on one page",
          R"md(My therapist and I wrote this in our last session, and I've tidied it up since. Sharing in case it helps anyone make their own.

**What helped me get better**
- Getting outside before 10am
- Seeing one friend a week, even for twenty minutes
- Saying when I'm not OK, instead of waiting

**My early signs**
- Cancelling plans "because I'm tired"
- Scrolling in bed past midnight
- Dreading Sunday afternoons

**What I'll do if I notice them**
- Tell my partner which of the signs I've spotted
- Go back to the basics: walk, meals, bed by eleven
- If it lasts more than two weeks, speak to my GP or get back in touch with the service

It's stuck on the inside of a kitchen cupboard.)md")
        .react(5),
    reply("plan", "Cloud Watcher", ago(22, 23),
          "The inside of a cupboard is genius: you see it every day but visitors don't."),
    reply("plan", "Slow Walker", ago(22, 14),
          "\"Cancelling plans because I'm tired\" is one of mine too. It sounds so reasonable at the time."),
    reply("plan", "@clinician", ago(22, 3),
          R"md(This is a really clear plan, thank you for sharing it. What I like most is that the early signs are **specific to you**: they are the things you'd actually notice, rather than textbook symptoms.

One thing worth adding for anyone making their own: write down *who* you'd tell, and how. It's much easier to follow a plan you've already agreed with someone.)md"),
    reply("plan", "Morning Tide", ago(21, 20), "Good idea, I've added a line about my sister."),

    topic("signs", kStayingWell, "Slow Walker", ago(18, 6), "Early warning signs: how do you tell a bad day from a slide?",
          R"md(I had a rough week. Slept badly, snapped at people, felt flat. And straight away the worry kicked in: *is it coming back?*

It turned out to be a bad week and it has lifted, but I'd like to get better at telling the difference without panicking. How do you all judge it?)md")
        .react(4),
    reply("signs", "Willow Bench", ago(18, 1),
          "I give it two weeks, like the plan says. If I'm still ticking most of my early signs after a fortnight, "
          "I act. Before that I just do the basics and try not to read too much into it."),
    reply("signs", "@clinician", ago(17, 20),
          R"md(A good question, and a common worry after therapy. Everyone has bad weeks: a dip is not a relapse.

Some things that can help you tell the two apart:

- **Duration**: most dips lift within a week or two.
- **Spread**: is it one area of life, or is it creeping into everything?
- **Your own signs**: are the things on *your* list showing up, or just general tiredness?

And if you're not sure, that's a perfectly good reason to get in touch with your GP or the service. You don't have to wait until you're certain.)md"),
    reply("signs", "Amber Lamp", ago(17, 4), "\"A dip is not a relapse\" is going on a sticky note."),
    reply("signs", "Slow Walker", ago(16, 22), "Thank you, this helps. Noticing it early counts for something too."),
    reply("signs", "Quiet Heron", ago(16, 8),
          "Reading this after a flat day myself. Reassuring to see it framed like this."),

    topic("thought-records", kStayingWell, "Cloud Watcher", ago(14, 4), "Keeping up thought records without a therapist",
          "I was good at doing thought records when I had someone to show them to each week. Now I keep meaning to "
          "and don't. Has anyone found a way to keep the habit going on their own?")
        .react(2),
    reply("thought-records", "Paper Boats", ago(14, 1),
          "I stopped doing full ones and now just write one line at night: the situation, the hot thought, and a "
          "kinder way of seeing it. Low effort, so I actually do it."),
    reply("thought-records", "Morning Tide", ago(13, 18),
          "I use the notes app on my phone, so it's always with me. The trick for me was doing it *during* the "
          "wobble rather than saving it for later."),

    topic("booster", kStayingWell, "Amber Lamp", ago(10, 7), "Booster sessions: worth asking for?",
          "My therapist mentioned I could ask for a booster session if I needed one. I feel a bit guilty taking up "
          "a slot when I'm mostly fine. Has anyone had one?"),
    reply("booster", "@clinician", ago(10, 2),
          R"md(Please don't feel guilty: boosters exist for exactly this. A booster is usually a single session a few months after therapy ends, to review your plan and catch things early.

It's much better to use one while you are *mostly fine* than to wait. If your service offers them, just get in touch with the team and ask.)md"),
    reply("booster", "Amber Lamp", ago(9, 21), "That's really helpful. I've emailed them this morning."),

    // ---- Sleep, energy and routine ----------------------------------------------------------
    topic("4am", kSleep, "Willow Bench", ago(16, 3), "Waking at 4am again",
          R"md(For the last week I've been waking at around four and not getting back to sleep. My mind goes straight to everything I haven't done.

I know early waking was one of my signs before. Trying not to panic about it. What do you do when you wake in the night?)md")
        .react(3),
    reply("4am", "Quiet Heron", ago(15, 23),
          "If I'm awake for more than twenty minutes I get up, sit in a different room with a dim lamp and read "
          "something dull until I'm sleepy. Lying there fighting it never works for me."),
    reply("4am", "Cloud Watcher", ago(15, 10),
          "I keep a notepad by the bed and write the to-do list down. Once it's on paper my brain seems to let go "
          "of it."),
    reply("4am", "@volunteer", ago(15, 2),
          "Sorry you're having a rough patch with sleep, Willow Bench. There's an article in Resources, *A sleep "
          "routine that helps*, that a few members have found useful. And it's good you've noticed it early: keep an "
          "eye on it against your plan, and mention it to your GP if it carries on."),
    reply("4am", "Willow Bench", ago(13, 6),
          "Update: the notepad and getting up both helped. Three better nights in a row now. Thank you all."),
    reply("4am", "Fern Hollow", ago(0, 4),
          "This is so familiar. I've started getting up too when I can't sleep and it does seem to help.")
        .held("new_member"),

    topic("weekends", kSleep, "Paper Boats", ago(12, 9), "Weekends fall apart",
          "Weekdays are fine because work gives me a structure. Then Saturday comes and I lie in until eleven, don't "
          "get dressed, and by Sunday evening I feel awful. Any tips for keeping weekends on track without making "
          "them feel like work?"),
    reply("weekends", "Slow Walker", ago(12, 3),
          "I plan one small thing for each weekend morning, like the market or a walk with a flask. Just one. It's "
          "enough to get me up and out, and the rest of the day tends to follow."),
    reply("weekends", "Morning Tide", ago(11, 20),
          "Same wake-up time every day, even if it's a little later at weekends. It felt rigid at first but my mood "
          "is steadier for it."),

    topic("walking", kSleep, "Slow Walker", ago(8, 5), "Walking before work: a month in",
          R"md(A month ago I started walking for twenty minutes before work. Some mornings it's dark and drizzly and I really don't want to.

What I've noticed:
- I'm less foggy at my desk
- I fall asleep more easily
- It's the one part of the day that's just mine

Nothing dramatic, but it adds up.)md")
        .react(5),
    reply("walking", "Amber Lamp", ago(8, 1), "Love this. The \"just mine\" part especially."),
    reply("walking", "Willow Bench", ago(7, 19), "Inspired. Going to try three mornings a week and see."),
    reply("walking", "Cloud Watcher", ago(7, 6), "Drizzly walks are underrated. Well done for keeping it up."),

    // ---- Relationships and roles ------------------------------------------------------------
    topic("back-to-work", kRoles, "Quiet Heron", ago(19, 4), "Going back to work after a long break",
          R"md(I go back to work in two weeks after nearly four months off. My IPT was about exactly this: a role I'd built my life around, and what happens when it changes.

I'm nervous about what people will ask, and about whether I'll cope. I've agreed a phased return with my manager. Anyone been through this?)md")
        .react(3),
    reply("back-to-work", "Paper Boats", ago(18, 22),
          "I went back last year. I had a one-line answer ready for people who asked (\"I've been unwell but I'm "
          "much better, thanks\") and that was enough for nearly everyone."),
    reply("back-to-work", "@peer_supporter", ago(18, 8),
          R"md(A phased return is a great start. A few things people here have found helpful:

- Agree with your manager **how you'll check in** (say, ten minutes every Friday).
- Keep your evenings light for the first couple of weeks.
- Add *work* to your staying-well plan: what would your early signs look like there?

There's an article on going back to work in Resources too.)md"),
    reply("back-to-work", "Morning Tide", ago(17, 9), "Wishing you well with it. Let us know how the first week goes."),
    reply("back-to-work", "Quiet Heron", ago(4, 6),
          "First full week done. It was tiring but people were kind, and the Friday check-in really helps. Thank you "
          "all."),

    topic("dad", kRoles, "Amber Lamp", ago(11, 4), "A year since Dad died",
          R"md(It's a year next week since my dad died. A lot of my therapy was about losing him and about how much our family has changed since.

I'm doing much better than I was, but I can feel the date coming. I'm planning to spend the day with my brother and go to the place Dad liked to walk. I suppose I just wanted to say it somewhere.)md")
        .with_notes("bereavement")
        .react(6),
    reply("dad", "Willow Bench", ago(11, 1),
          "Thank you for sharing this. Spending it with your brother somewhere your dad loved sounds like a "
          "lovely way to remember him. Thinking of you."),
    reply("dad", "@peer_supporter", ago(10, 20),
          R"md(Thank you for telling us, Amber Lamp. Anniversaries can bring a lot back, even when we are doing well, and planning how you want to spend the day is a really caring thing to do for yourself.

If it feels heavier than you expect, please reach out: here, on the Wall, or through the **Need urgent help?** page. Cruse Bereavement Support are also listed in Resources.)md"),
    reply("dad", "Cloud Watcher", ago(10, 6), "Sending you warmth for next week."),
    reply("dad", "Amber Lamp", ago(2, 8),
          "We did the walk. We cried a bit and laughed a lot. It was a good day, in its way. Thank you for the kind "
          "words."),

    topic("sister", kRoles, "Cloud Watcher", ago(9, 6), "The same argument with my sister, every time",
          "Every time my sister and I talk about Mum's care, we end up in the same argument. I come away feeling "
          "awful for days. In IPT we looked at this kind of thing, but it's harder to do it on my own."),
    reply("sister", "Morning Tide", ago(9, 2),
          "I had something similar with my brother. It helped to stop trying to *win* and instead ask what he was "
          "actually worried about. It turned out we wanted the same thing."),
    reply("sister", "@clinician", ago(8, 20),
          R"md(This kind of repeating disagreement is very common, and it's worth being kind to yourself about how hard it is.

A few questions from IPT you could try on your own:

- What does each of you **expect** from the other here?
- Is this still a negotiation, or has it got stuck?
- What would be one small, specific thing to ask for next time?

If it keeps knocking you back for days, it might be worth raising with the service: some people use a booster session for exactly this.)md"),
    reply("sister", "Cloud Watcher", ago(8, 3),
          "\"What does each of you expect\" is a good one. I think she thinks I expect her to do more. I'll try "
          "asking rather than guessing."),

    topic("retired", kRoles, "Slow Walker", ago(6, 8), "Retired in March and the days feel shapeless",
          "I retired earlier this year. I thought I'd love the freedom, but without work I'm not sure who I am or "
          "what my days are for. Has anyone else found retirement harder than expected?"),
    reply("retired", "Willow Bench", ago(6, 2),
          "Yes! It took me most of a year. Volunteering two mornings a week gave me a bit of shape back, and "
          "people who expected me."),
    reply("retired", "Quiet Heron", ago(5, 18),
          "Not retirement, but I'm learning the same lesson about work and identity. You're not alone in it."),

    // ---- Good things this week --------------------------------------------------------------
    topic("good-week", kGood, "Morning Tide", ago(5, 9), "Good things this week",
          "Let's collect them, however small. Mine: I rang a friend I'd been avoiding, and it was lovely to hear "
          "her voice.")
        .react(5),
    reply("good-week", "Paper Boats", ago(5, 5), "I cooked a proper meal on Tuesday. First time in ages."),
    reply("good-week", "Kettle On", ago(4, 22),
          "My husband laughed properly at the telly last night. I'd missed that sound."),
    reply("good-week", "Slow Walker", ago(4, 9), "Saw a heron on my morning walk. Waved at it for Quiet Heron."),
    reply("good-week", "Quiet Heron", ago(4, 2), "Ha! I'll take that. Mine: survived my first week back at work."),
    reply("good-week", "Cloud Watcher", ago(3, 6), "Had a calm conversation with my sister. Small steps."),

    topic("book", kGood, "Paper Boats", ago(3, 4), "Finished a book for the first time in a year",
          "When I was unwell I couldn't concentrate on more than a page. This week I finished a whole novel. It's "
          "a small thing, but it felt huge."),
    reply("book", "Quiet Heron", ago(3, 1), "Not small at all! What was it?"),
    reply("book", "Amber Lamp", ago(2, 19), "This made me smile. Concentration coming back is such a good sign."),

    // ---- For carers and family --------------------------------------------------------------
    topic("nagging", kFamily, "Kettle On", ago(13, 3), "How do I ask how my husband is without nagging?",
          "My husband finished therapy a few months ago. I want to know how he's really doing, but when I ask he "
          "says \"fine\" and I can tell I'm getting on his nerves. Members, what do you wish your family would do?")
        .react(2),
    reply("nagging", "Morning Tide", ago(12, 22),
          R"md(Speaking as the person on the other end: I find "how are you?" hard to answer, but "how was your walk?" or "want a cuppa?" is easy, and sometimes it opens the door to the bigger conversation.

Also, it might be worth asking him if he'd share his staying-well plan with you. Mine says which signs my partner should mention to me.)md"),
    reply("nagging", "Garden Gate", ago(12, 7),
          "I've found walking side by side works better than sitting face to face. He talks more in the car too!"),
    reply("nagging", "@peer_supporter", ago(11, 21),
          "Both lovely suggestions. Kettle On, you might also find the *Relatives and carers* network helpful: it's "
          "a whole community for people in your position. Ask the team if you'd like an invitation."),

    topic("understand", kFamily, "Quiet Heron", ago(7, 4), "What helped your family understand therapy?",
          "My parents are supportive but they think therapy means \"talking about your childhood\". I'd like them "
          "to understand what IPT actually was. Any good ways to explain it?"),
    reply("understand", "Garden Gate", ago(7, 1),
          "As a parent myself, I'd have liked a short leaflet. The NHS pages on talking therapies in Resources are "
          "quite clear and not too long."),
    reply("understand", "Slow Walker", ago(6, 19),
          "I told mine it was \"practical help with the things going on in my life right now\". That seemed to "
          "land."),

    // ---- Blog -------------------------------------------------------------------------------
    blog_post("ipt-maintenance", "@clinician", ago(20, 3), "What IPT maintenance looks like",
              R"md(Finishing a course of Interpersonal Psychotherapy (IPT) is an achievement, and it's also a change. The weekly sessions that held things together have stopped, and the work carries on in everyday life.

**What "maintenance" means.** For some people, the service offers a few spaced-out sessions after the main course: monthly, then less often. For others, maintenance is something you do yourself, using the plan you made at the end of therapy.

**The focus stays the same.** IPT looks at how our mood and our relationships affect each other: grief, disagreements, changes in role, and feeling isolated. After therapy, it helps to keep asking:

- Which relationships helped me get better, and am I still making time for them?
- Is the area we worked on (a dispute, a loss, a change) settling, or stirring again?
- Who would I tell if I noticed my early signs?

**Setbacks are part of it.** A difficult week doesn't undo your progress. If you notice your early signs for more than a couple of weeks, get in touch with your GP or the service. Coming back is not failing; it's the plan working.

And if you ever need help urgently, the **Need urgent help?** link at the top of every page lists who you can contact at any time.)md")
        .react(5),
    comment("ipt-maintenance", "Willow Bench", ago(19, 20),
            "\"Coming back is not failing; it's the plan working.\" I needed to read that today, thank you."),
    comment("ipt-maintenance", "Quiet Heron", ago(18, 4),
            "Really helpful. I didn't know maintenance sessions were a thing. I'll ask about them."),

    blog_post("peer-welcome", "@peer_supporter", ago(26, 5), "A welcome from the peer support team",
              R"md(Hello from the peer support team! All of us have used talking therapies ourselves, and we know how strange the weeks after the last session can feel.

We're here to:

- read along in the forums and on the Wall, and answer when we can;
- point you towards resources and services that might help;
- keep this a kind, safe place, which sometimes means a post waits for a moderator before it appears.

We're not a crisis service, and we're not your therapist. But we are people who have been there, and we're glad you're here.)md")
        .react(3),
    comment("peer-welcome", "Paper Boats", ago(21, 3), "Thank you, it's reassuring to know you've been there too."),

    blog_post("six-months", "Morning Tide", ago(15, 6), "Six months on from IPT",
              R"md(Six months ago I sat in my last IPT session feeling equal parts proud and terrified.

Before therapy I had stopped seeing almost everyone. My job had changed, my best friend had moved away, and I'd decided nobody would want to hear from me. IPT helped me see how much my low mood and my shrinking world were feeding each other.

What's different now:

- I see at least one person a week, even if it's just a walk.
- I say "I'm having a rough day" out loud instead of disappearing.
- I've had two wobbly weeks since finishing. Both passed, and both times I followed my plan.

I'm not "cured", and I don't think that's the point. I know what helps, I know my early signs, and I know who to tell. If you're at the start of that road: it's worth it.)md")
        .react(6),
    comment("six-months", "Slow Walker", ago(14, 22), "This is so encouraging. Thank you for writing it."),
    comment("six-months", "Amber Lamp", ago(14, 8), "\"Both passed, and both times I followed my plan.\" Brilliant."),
    comment("six-months", "@volunteer", ago(13, 20), "Thank you for sharing your story, Morning Tide."),

    blog_post("walk-back", "Slow Walker", ago(9, 5), "The walk that got me back out",
              R"md(When I was at my lowest I barely left the house. My CBT therapist suggested something I thought was almost insultingly small: walk to the end of the road and back, and notice three things.

I did it grudgingly. A cat, a broken gate, a smell of toast. The next day I went a bit further.

That was the behavioural activation part of CBT, and it's the part I've kept. Doing comes before feeling better, not after. These days it's twenty minutes before work, most days, and it's the anchor of my week.

If you're stuck, start smaller than feels worthwhile. Small counts.)md")
        .react(4),
    comment("walk-back", "Willow Bench", ago(8, 21), "\"Start smaller than feels worthwhile.\" Lovely."),
    comment("walk-back", "Cloud Watcher", ago(8, 7), "A cat, a broken gate, a smell of toast. I'm stealing this."),

    blog_post("should", "Paper Boats", ago(0, 7), "What CBT taught me about the word \"should\"",
              R"md(I used to live by "should": I should be coping, I should be over this, I should be further along.

CBT helped me notice how often I said it, and how it made me feel. Now, when I catch a "should", I try swapping it for "I'd like to" or "it would help if". It sounds small, but it takes the edge off.)md")
        .held("story"),
};

constexpr Resource kResources[] = {
    {"article", "Spotting early signs of relapse",
     "How to tell an ordinary bad week from the start of something more, and what to do about it.",
     R"md(After therapy, most people have ups and downs. A difficult week is **not** the same as becoming unwell again. Knowing your own early signs helps you act early and calmly.

## Make your list

Think back to the weeks before you last became unwell. What changed first? Common examples:

- sleeping much more or much less
- cancelling plans, or not replying to messages
- losing interest in things you usually enjoy
- more self-critical thoughts
- finding it hard to concentrate

Keep your list short (three to five signs) and make them specific to you.

## What to do if you notice them

1. Go back to the basics that helped you: routine, activity, people.
2. Tell someone you trust which signs you've noticed.
3. If the signs last more than two weeks, or you're worried, contact your GP or get back in touch with the service.

If you ever feel unable to keep yourself safe, use the **Need urgent help?** link at the top of the page.)md",
     nullptr, "relapse staying-well", "members", "", ago(28)},
    {"article", "A sleep routine that helps",
     "Simple, practical steps for steadier sleep, based on what works for most people.",
     R"md(Sleep and mood affect each other. Small, steady habits usually help more than any single trick.

- **Keep the same wake-up time**, every day, weekends included.
- **Get daylight early** in the day, even on a cloudy morning.
- **Wind down** for half an hour before bed: dim lights, no work, no news.
- **If you can't sleep** after about twenty minutes, get up, go somewhere calm, and come back when you feel sleepy.
- **Keep a notepad by the bed** for the thoughts that won't settle.
- **Go easy on caffeine** after lunchtime, and on alcohol in the evening.

Changes take a couple of weeks to show. If poor sleep carries on for longer than that, talk to your GP.)md",
     nullptr, "sleep routine", "everyone", "", ago(28)},
    {"article", "Your staying-well plan: a template",
     "A one-page plan to write after therapy: what helped, your early signs, and who you'll tell.",
     R"md(Copy these headings onto a piece of paper, or into your phone, and fill them in.

**1. What helped me get better**
The habits, people and ideas from therapy that made the most difference.

**2. My early signs**
Three to five specific things you (or people close to you) would notice first.

**3. What I'll do**
The first steps you'll take when you notice your signs.

**4. Who I'll tell, and how**
Name one or two people. Tell them now that they're on your plan.

**5. Who to contact**
Your GP, the service, and, for urgent help, the contacts on the **Need urgent help?** page.

Keep it somewhere you'll see it, and read it again once a month.)md",
     nullptr, "relapse staying-well", "members", "", ago(27)},
    {"article", "Going back to work after depression",
     "Phased returns, what to say to colleagues, and looking after yourself in the first weeks.",
     R"md(Going back to work is a big step, and a common focus in therapy.

- **Ask about a phased return**: fewer hours or days to begin with.
- **Agree regular check-ins** with your manager, short and at a set time.
- **Prepare a one-line answer** for colleagues who ask where you've been. You don't owe anyone details.
- **Protect your evenings** at first: rest counts as part of the plan.
- **Add work to your staying-well plan**: what would your early signs look like at work?

Your employer may be able to make reasonable adjustments, and many talking therapy services offer employment advice: ask the team.)md",
     nullptr, "work", "members", "", ago(26)},
    {"leaflet", "Depression in adults (NHS)", "The NHS overview of depression: symptoms, causes, treatment and self-help.",
     "", "https://www.nhs.uk/mental-health/conditions/depression-in-adults/overview/", "depression", "everyone carers", "",
     ago(28)},
    {"leaflet", "Self-help guides, tools and activities (NHS)",
     "Guides and activities from the NHS for low mood, sleep, stress and more.", "",
     "https://www.nhs.uk/mental-health/self-help/guides-tools-and-activities/", "self-help sleep", "everyone", "",
     ago(28)},
    {"leaflet", "NHS Talking Therapies for anxiety and depression",
     "What talking therapies are, the kinds on offer, and how to refer yourself again if you need to.", "",
     "https://www.nhs.uk/mental-health/talking-therapies-medicine-treatments/talking-therapies-and-counselling/"
     "nhs-talking-therapies/",
     "therapy", "everyone", "", ago(27)},
    {"leaflet", "Every Mind Matters (NHS)",
     "Practical tips and a free personalised plan for looking after your mental health.", "",
     "https://www.nhs.uk/every-mind-matters/", "self-help wellbeing", "everyone", "", ago(27)},
    {"service", "Samaritans",
     "Someone to talk to, any time of day or night. Call free on 116 123.", "",
     "https://www.samaritans.org", "urgent support", "everyone carers", "", ago(28)},
    {"service", "Mind", "Information and advice about mental health, and local Mind services near you.", "",
     "https://www.mind.org.uk", "information support", "everyone", "", ago(28)},
    {"article", "When someone you love is recovering from depression",
     "For partners, relatives and friends: what helps after therapy ends, and looking after yourself too.",
     R"md(Therapy has ended, and the person you care about is doing better. It is natural to wonder how to help
them stay well without hovering.

- **Ask, don't guess.** "What helps when you're having a harder day?" is a good question to ask on a good day.
- **Know their early signs.** Many people write a staying-well plan at the end of therapy; if they want to share
  it, it can tell you what to look out for.
- **Keep ordinary life going.** Routines, meals together and time outdoors help more than serious talks.
- **Look after yourself.** Carers need rest and support too. The carers' spaces here are for you.

If you are worried that they are not safe, use the **Need urgent help?** link at the top of the page.)md",
     nullptr, "carers staying-well", "carers", "", ago(26)},
    {"service", "Cruse Bereavement Support",
     "Support for anyone grieving the death of someone close to them.", "",
     "https://www.cruse.org.uk", "grief", "everyone", "bereavement", ago(25)},
};

}  // namespace harbour::services::demo::default_network

namespace harbour::services::demo {

const NetworkContent& default_content() {
  using namespace default_network;
  static const NetworkContent content{"default", kStaff, kPeople, kCategories, kPosts, kResources};
  return content;
}

}  // namespace harbour::services::demo
