-- wrk script: a match starting. Every beacon is a session never seen before (a new session id, a new
-- guid), all of one job, server side, the current time: the worst case for the aggregator, whose state
-- and records grow with each new session, and for the collector, which forwards every one of them.
-- The same script loads the bare server and the system, so the load generator's cost is the same for both.
local hex = "0123456789abcdef"
local job

local function hex32()
  local out = {}
  for i = 1, 32 do
    local r = math.random(1, 16)
    out[i] = hex:sub(r, r)
  end
  return table.concat(out)
end

function init(args)
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
  job = "f100d000000000000000000000000001"
end

function request()
  return wrk.format("GET", "/" .. hex32() .. "/" .. job .. "/" .. hex32() .. "/123456789/" .. os.time() .. "/heartbeat")
end
