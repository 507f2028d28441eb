-- A burst of sign-ins (argon2id password checks) with the accounts in BENCH_SIGNIN (one
-- "pseudonym<TAB>password" line each), each from its own address: Harbour trusts
-- X-Forwarded-For from 127.0.0.1 in this run, as behind a reverse proxy, so the per-address limit
-- does not turn the burst into cheap 429s.
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")
local origin = os.getenv("BENCH_ORIGIN")
local accounts = {}
for line in io.lines(os.getenv("BENCH_SIGNIN")) do
  local who, password = line:match("^([^\t]+)\t([^\t]+)$")
  if who then accounts[#accounts + 1] = { who = who, password = password } end
end
local n, base = 0, 0

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)"), 16) % 100000)
  base = math.random(200)
  n = math.random(#accounts)
end

function request()
  n = n + 1
  local a = accounts[n % #accounts + 1]
  local address = string.format("10.%d.%d.%d", base, math.floor(n / 250) % 250, n % 250 + 1)
  return wrk.format("POST", "/api/v1/session", {
    ["Origin"] = origin,
    ["Content-Type"] = "application/json",
    ["X-Forwarded-For"] = address,
  }, '{"pseudonym":"' .. a.who .. '","password":"' .. a.password .. '"}')
end
