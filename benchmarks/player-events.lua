-- wrk script: the platform's player events, for the QoE cost benchmark (benchmarks/run qoe-cost). One event
-- per request, as a page sends each with navigator.sendBeacon: POST /v1/accounts/{accountid}/events, a
-- one-line NDJSON body, Content-Type: text/plain (no preflight), a browser's User-Agent and Origin
-- (docs/playback-events.md). An account of its own, so that GET /qoe tells its views from cmcd.lua's.
--
-- 20,000 concurrent views (or wrk's first argument after --: `-- 200` to see a view's whole life in a short
-- run) of 4 live contents, each a random playback id and one of four browsers. A request advances one view
-- drawn at random: its intent (play, or playback_start for half the views: two players' habits), then
-- playing with its seconds and bitrate_kbps, 3 % of the time a stall instead (buffering, then a playing
-- whose seconds leave the stall out), 1 % a recoverable error (error, fatal false), the bitrate switching
-- now and then; after 20-100 events the viewer quits (content_end: the collector takes no quit event, and
-- content_end is the one that ends a view) and a new view with a new playback id takes its place. Times are
-- fresh (now, in ms, increasing per view) and every event of a view differs in its time, so none is a
-- duplicate and every one is on time. Every one is answered 204.
--
-- The views go on from one run to the next with PLAYER_EVENT_VIEWS_FILE set, and WRK_RATE paces the
-- requests (views.lua).
local views = dofile(debug.getinfo(1, "S").source:sub(2):match("^(.-)[^/]*$") .. "views.lua")
local path = "/v1/accounts/234567890/events"
local contents = { "live-news", "live-sport-1", "live-sport-2", "live-concert" }
local agents = {
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15",
  "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
}
local intents = { "play", "playback_start" }
local ladder = { 800, 1600, 3000, 5000 }
local errors = { "fragLoadTimeOut", "bufferStalledError", "levelLoadTimeOut" }
local headers = {}

-- a view: playback id, content, agent, events sent, last time, bitrate level, events it will send, intent,
-- stalled (0/1)
local pool = views.pool({ "id", "content", "agent", "sent", "time", "level", "life", "intent", "stalled" },
  "PLAYER_EVENT_VIEWS_FILE", "player-event", function(i)
    return { id = "pb-" .. views.hexes(8) .. "-" .. views.hexes(4) .. "-" .. views.hexes(4) .. "-" .. views.hexes(4) .. "-"
               .. views.hexes(12),
             content = (i % #contents) + 1, agent = math.random(1, #agents), sent = 0, time = 0,
             level = math.random(1, #ladder), life = math.random(20, 100), intent = math.random(1, #intents), stalled = 0 }
  end)
setup, done, delay = pool.setup, pool.done, views.delay()

function init(args)
  for a = 1, #agents do
    headers[a] = { ["Content-Type"] = "text/plain;charset=UTF-8", ["User-Agent"] = agents[a],
                   ["Origin"] = "https://player.example.com" }
  end
  pool.init(args)
end

-- one event: its time fresh, in ms, and increasing within a view (wrk's Lua has a clock in seconds only)
local function event(view, type, extra)
  view.time = math.max(os.time() * 1000 + math.random(0, 999), view.time + 1)
  return '{"event":"' .. type .. '","playback_id":"' .. view.id .. '","time":' .. view.time .. ',"content_id":"'
    .. contents[view.content] .. '","content_type":"live","property":"web"' .. (extra or "") .. "}\n"
end

-- a playing: the seconds since the view's previous event, less a stall's or startup's share
local function playing(view, share)
  local previous = view.time
  if math.random() < 0.05 then
    view.level = math.max(1, math.min(#ladder, view.level + (math.random() < 0.5 and -1 or 1)))
  end
  local body = event(view, "playing", "") -- sets view.time
  local seconds = math.min(3600, (view.time - previous) * share / 1000)
  return body:sub(1, -3) .. string.format(',"seconds":%.3f,"bitrate_kbps":%d', seconds, ladder[view.level]) .. "}\n"
end

local function next_event(view)
  local n = view.sent
  if n == 0 then
    return event(view, intents[view.intent])
  elseif n == 1 then
    return playing(view, 0.8) -- the first playing: what came before it was startup
  elseif n + 1 >= view.life then
    return event(view, "content_end")
  elseif view.stalled == 1 then
    view.stalled = 0
    return playing(view, 0.5)
  end
  local r = math.random()
  if r < 0.03 then
    view.stalled = 1
    return event(view, "buffering")
  elseif r < 0.04 then
    return event(view, "error", ',"error_code":"' .. errors[math.random(1, #errors)] .. '","fatal":false')
  end
  return playing(view, 1)
end

local function advance(view)
  return wrk.format("POST", path, headers[view.agent], next_event(view))
end

function request()
  return pool.request(advance)
end
