-- wrk reporter (tests/bench/run.sh, loaded by every wrk script): after the run, prints one machine-readable line
--   BENCH_RESULT {"requests":..,"duration_s":..,"rps":..,"p50_ms":..,..}
-- that run.sh picks out of wrk's normal (human) output. Latencies are wrk's, in microseconds,
-- converted to milliseconds. "non2xx" is wrk's errors.status: responses with a status of 400 or
-- more (wrk counts only those); the socket errors are connect, read, write and timeout.

local function num(x)
  -- JSON has no NaN or infinity; wrk gives 0/0 when nothing completed.
  if x ~= x or x == math.huge or x == -math.huge then return "null" end
  return string.format("%.3f", x)
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  local reqs = summary.requests
  local rps = 0
  if seconds > 0 then rps = reqs / seconds end
  local bytes_per_response = 0
  if reqs > 0 then bytes_per_response = summary.bytes / reqs end
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_s":%s,"rps":%s,' ..
    '"p50_ms":%s,"p90_ms":%s,"p99_ms":%s,"max_ms":%s,"mean_ms":%s,' ..
    '"bytes_per_response":%s,"non2xx":%d,"connect_errors":%d,"read_errors":%d,' ..
    '"write_errors":%d,"timeouts":%d}\n',
    reqs, num(seconds), num(rps),
    num(latency:percentile(50) / 1000), num(latency:percentile(90) / 1000),
    num(latency:percentile(99) / 1000), num(latency.max / 1000), num(latency.mean / 1000),
    num(bytes_per_response), e.status, e.connect, e.read, e.write, e.timeout))
end
