-- wrk script: the platform's player events, for the QoE cost benchmark (benchmarks/run qoe-cost). One event
-- per request, as a page sends each with navigator.sendBeacon: POST /v1/accounts/{accountid}/events, a
-- one-line NDJSON body, Content-Type: text/plain (no preflight), a browser's User-Agent and Origin
-- (docs/playback-events.md).
--
-- 20,000 concurrent views (or wrk's first argument after --: `-- 200` to see a view's whole life in a short
-- run) of 4 live contents, each a random playback id and one of four browsers. A request
-- advances one view drawn at random: its intent (play, or playback_start for half the views: two players'
-- habits), then playing with its seconds and bitrate_kbps, 3 % of the time a stall instead (buffering, then
-- a playing whose seconds leave the stall out), 1 % a recoverable error (error, fatal false), the bitrate
-- switching now and then; after 20-100 events the viewer quits (content_end: the collector takes no quit
-- event, and content_end is the one that ends a view) and a new view with a new playback id takes its place.
-- Times are fresh (now, in ms, increasing per view) and every event of a view differs in its time, so none
-- is a duplicate and every one is on time. Every one is answered 204.
local path = "/v1/accounts/234567890/events" -- an account of its own: GET /qoe tells its views from CMCD's
local contents = { "live-news", "live-sport-1", "live-sport-2", "live-concert" }
local agents = {
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15",
  "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
}
local ladder = { 800, 1600, 3000, 5000 }
local errors = { "fragLoadTimeOut", "bufferStalledError", "levelLoadTimeOut" }
local views = {}
local hex = "0123456789abcdef"

local function hexes(n)
  local out = {}
  for i = 1, n do
    local r = math.random(1, 16)
    out[i] = hex:sub(r, r)
  end
  return table.concat(out)
end

local function new_view(i)
  return {
    id = "pb-" .. hexes(8) .. "-" .. hexes(4) .. "-" .. hexes(4) .. "-" .. hexes(4) .. "-" .. hexes(12),
    fields = ',"content_id":"' .. contents[(i % #contents) + 1] .. '","content_type":"live","property":"web"',
    headers = { ["Content-Type"] = "text/plain;charset=UTF-8", ["User-Agent"] = agents[math.random(1, #agents)],
                ["Origin"] = "https://player.example.com" },
    n = 0, time = 0, level = math.random(1, #ladder), life = math.random(20, 100),
    intent = math.random() < 0.5 and "play" or "playback_start", stalled = false,
  }
end

function init(args)
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
  for i = 1, tonumber(args[1]) or 20000 do
    views[i] = new_view(i)
  end
end

-- one event: its time fresh, in ms, and increasing within a view (wrk's Lua has a clock in seconds only)
local function event(view, type, extra)
  view.time = math.max(os.time() * 1000 + math.random(0, 999), view.time + 1)
  return '{"event":"' .. type .. '","playback_id":"' .. view.id .. '","time":' .. view.time .. view.fields
    .. (extra or "") .. "}\n"
end

local function playing(view, share)
  -- the seconds played since the view's previous event, less a stall's or startup's share; its time set first
  local previous = view.time
  view.time = math.max(os.time() * 1000 + math.random(0, 999), previous + 1)
  local seconds = math.min(3600, (view.time - previous) * share / 1000)
  if math.random() < 0.05 then
    view.level = math.max(1, math.min(#ladder, view.level + (math.random() < 0.5 and -1 or 1)))
  end
  return '{"event":"playing","playback_id":"' .. view.id .. '","time":' .. view.time .. view.fields
    .. string.format(',"seconds":%.3f,"bitrate_kbps":%d', seconds, ladder[view.level]) .. "}\n"
end

local function next_event(view)
  local n = view.n
  if n == 0 then
    return event(view, view.intent)
  elseif n == 1 then
    return playing(view, 0.8) -- the first playing: what came before it was startup
  elseif n + 1 >= view.life then
    return event(view, "content_end")
  elseif view.stalled then
    view.stalled = false
    return playing(view, 0.5)
  end
  local r = math.random()
  if r < 0.03 then
    view.stalled = true
    return event(view, "buffering")
  elseif r < 0.04 then
    return event(view, "error", ',"error_code":"' .. errors[math.random(1, #errors)] .. '","fatal":false')
  end
  return playing(view, 1)
end

function request()
  local i = math.random(1, #views)
  local view = views[i]
  local req = wrk.format("POST", path, view.headers, next_event(view))
  view.n = view.n + 1
  if view.n >= view.life then
    views[i] = new_view(i)
  end
  return req
end
