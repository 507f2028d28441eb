-- GET the topic list (BENCH_PATH) as a signed-in member, a different member each request.
dofile(os.getenv("BENCH_LUA_DIR") .. "/sessions.lua")
local path = os.getenv("BENCH_PATH")

function request()
  return wrk.format("GET", path, { ["Cookie"] = take_session().cookie })
end
