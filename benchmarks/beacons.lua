-- wrk script: heartbeats as an SSAI service fires them. A new guid for every beacon, sessions drawn
-- from a pool (so Kafka keys vary), the current time with a decimal fraction. The same script loads
-- the bare server and the collector, so the load generator's own cost is the same for both.
local hex = "0123456789abcdef"
local sessions = {}

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
  for i = 1, 10000 do
    sessions[i] = hex32()
  end
end

function request()
  local session = sessions[math.random(1, #sessions)]
  return wrk.format("GET", "/" .. hex32() .. "/142bbf588a574e018de94136a664cfaf/" .. session
    .. "/123456789/" .. os.time() .. ".250/heartbeat")
end
