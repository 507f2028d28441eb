-- POST a reply (a member whose posts the moderation gate publishes at once) to one of the seeded
-- topics (BENCH_TOPICS: one id per line), with the session's CSRF token and a same-origin Origin
-- (BENCH_ORIGIN). The texts are calm and hold nothing the risk, watched-word or anonymity checks
-- would hold.
dofile(os.getenv("BENCH_LUA_DIR") .. "/sessions.lua")
local origin = os.getenv("BENCH_ORIGIN")
local topics = {}
for line in io.lines(os.getenv("BENCH_TOPICS")) do topics[#topics + 1] = line end
local texts = {
  "Thank you for writing this. Small steps still count, and the walk you mentioned sounds like a good one.",
  "I recognise a lot of this. What helped me was keeping the evenings simple and writing one line in a notebook.",
  "That sounds like a hard week. I am glad you came back here and shared it with us.",
  "Same here with the early mornings. A cup of tea by the window has become my small routine.",
  "Well done for going to the group even though you did not feel like it. That takes effort.",
  "I tried the breathing exercise from the resources page and it helped a little before bed.",
}
local n = 0

function request()
  n = n + 1
  local s = take_session()
  local body = '{"body":"' .. texts[n % #texts + 1] .. '"}'
  return wrk.format("POST", "/api/v1/topics/" .. topics[n % #topics + 1] .. "/replies", {
    ["Cookie"] = s.cookie,
    ["X-CSRF-Token"] = s.csrf,
    ["Origin"] = origin,
    ["Content-Type"] = "application/json",
  }, body)
end
