-- wrk script: heartbeats with random session ids drawn from the active set (one "id token" a line
-- in BENCH_IDS), each with an increasing seq, as the tracker sends them.
local ids = {}
local seqs = {}
local mode = os.getenv("BENCH_MODE") or "dwell"
local base = os.time() * 1000

init = function(args)
  for line in io.lines(os.getenv("BENCH_IDS")) do
    local id, token = line:match("^(%S+) (%S+)$")
    ids[#ids + 1] = { id = id, token = token }
  end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
end

request = function()
  local i = math.random(#ids)
  local s = ids[i]
  if mode == "seed" then
    -- The BIO.RE seed client: a body-less PATCH.
    return wrk.format("PATCH", "/api/v1/analytics/session/" .. s.id .. "/heartbeat", { ["User-Agent"] = "bench" }, nil)
  end
  seqs[i] = (seqs[i] or base) + 1
  local body = '{"token":"' .. s.token .. '","seq":' .. seqs[i] .. ',"engagedMs":1000,"url":"https://site.test/p' .. (i % 50) .. '"}'
  return wrk.format("POST", "/api/v1/analytics/session/" .. s.id .. "/heartbeat",
    { ["Content-Type"] = "text/plain", ["User-Agent"] = "Mozilla/5.0 bench" }, body)
end
