-- wrk script: a live event's realistic beacons, for the cost benchmark. 20 jobs, 20,000 viewer sessions
-- (each watching one job), 1 beacon in 10 from the player (csheartbeat), the rest server side; a new guid
-- per beacon and the current time, so every beacon is fresh and counted. The same script loads the bare
-- server and the system, so the load generator's own cost is the same for both.
local hex = "0123456789abcdef"
local jobs, sessions = {}, {}

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
  for j = 1, 20 do
    jobs[j] = hex32()
  end
  for i = 1, 20000 do
    sessions[i] = { id = hex32(), job = jobs[(i % 20) + 1] }
  end
end

function request()
  local session = sessions[math.random(1, #sessions)]
  local side = math.random() < 0.1 and "csheartbeat" or "heartbeat"
  return wrk.format("GET", "/" .. hex32() .. "/" .. session.job .. "/" .. session.id
    .. "/123456789/" .. os.time() .. "/" .. side)
end
