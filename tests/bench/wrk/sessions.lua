-- Shared by the wrk scripts of tests/bench/run.sh: the signed-in sessions the seed made
-- (BENCH_SESSIONS: one "cookie<TAB>csrf" line each) and the reporter. Each wrk thread starts at
-- a different place in the list and takes the next session for every request, so the load comes
-- from hundreds of members, not one.
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")

sessions = {}
for line in io.lines(os.getenv("BENCH_SESSIONS")) do
  local cookie, csrf = line:match("^([^\t]+)\t([^\t]+)$")
  if cookie then sessions[#sessions + 1] = { cookie = cookie, csrf = csrf } end
end
assert(#sessions > 0, "BENCH_SESSIONS holds no sessions")

local next_session = 0
function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)"), 16) % 100000)
  next_session = math.random(#sessions) - 1
end

function take_session()
  next_session = next_session % #sessions + 1
  return sessions[next_session]
end

-- BENCH_DELAY_MS > 0 paces each connection: it waits that long before each request, so
-- connections x 1000 / (delay + latency) requests a second arrive (an open-ish, steady load).
local pause = tonumber(os.getenv("BENCH_DELAY_MS") or "0")
if pause > 0 then
  function delay() return pause end
end
