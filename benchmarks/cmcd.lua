-- wrk script: CMCD v2 event-mode reports as hls.js 1.7 sends them, for the QoE cost benchmark
-- (benchmarks/run qoe-cost). The transport is the player's: one report per request, POST
-- /cmcd/{accountid}/{jobid}, Content-Type: application/cmcd, the report line and a newline (hls.js
-- 1.7.4's reporter: `body: reports.join("\n") + "\n"`), a browser's User-Agent and Origin (a page's fetch;
-- the CORS preflight a browser makes once per page is not sent). Keys and their order are those
-- QoePlayersIT recorded from hls.js 1.7.4 configured as docs/playback-events.md says (events ps, t, e;
-- interval 30 s): sorted, no st on the starting reports, bl/br/mtp/st from the first frame on, no msd,
-- no pt, no q (a closed tab sends nothing).
--
-- 20,000 concurrent views (or wrk's first argument after --: `-- 200` to see a view's whole life in a short
-- run) of 4 live contents (a job each), each a random sid (a UUID v4) and one of four browsers. A request
-- advances one view drawn at random: e=ps,sta=s and e=t,sta=s (starting), e=ps,sta=p (first frame, with
-- br), then time-interval reports e=t,sta=p, 3 % of them a stall instead (e=ps,sta=r, then e=ps,sta=p: a
-- rebuffer), the bitrate switching now and then; 1 % of views fail before their first frame (e=ps,sta=f and
-- e=e,sta=f,ec=("manifestLoadError"), as hls.js reports a 404 manifest). After 20-100 reports a view goes
-- silent (its tab closed) and a new view with a new sid takes its place, so a view carries no more reports
-- than a real half-hour view does. Times are fresh (ts = now, in ms, increasing per view), so every report
-- is on time and none is a duplicate. Every one is answered 204.
--
-- The views go on from one run to the next with CMCD_VIEWS_FILE set, and WRK_RATE paces the requests
-- (views.lua).
local views = dofile(debug.getinfo(1, "S").source:sub(2):match("^(.-)[^/]*$") .. "views.lua")
local account = "123456789"
local contents = {
  { cid = "live-news", job = "c0de0000000000000000000000000001" },
  { cid = "live-sport-1", job = "c0de0000000000000000000000000002" },
  { cid = "live-sport-2", job = "c0de0000000000000000000000000003" },
  { cid = "live-concert", job = "c0de0000000000000000000000000004" },
}
local agents = {
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15",
  "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
}
local ladder = { 800, 1600, 3000, 5000 }
local headers = {}

local function uuid4()
  local variant = math.random(1, 4)
  return views.hexes(8) .. "-" .. views.hexes(4) .. "-4" .. views.hexes(3) .. "-" .. ("89ab"):sub(variant, variant)
    .. views.hexes(3) .. "-" .. views.hexes(12)
end

-- a view: sid, content, agent, reports sent (its sn), last ts, bitrate level, reports it will send, fails,
-- stalled (0/1)
local pool = views.pool({ "sid", "content", "agent", "sent", "ts", "level", "life", "fails", "stalled" },
  "CMCD_VIEWS_FILE", "CMCD", function(i)
    return { sid = uuid4(), content = (i % #contents) + 1, agent = math.random(1, #agents), sent = 0, ts = 0,
             level = math.random(1, #ladder), life = math.random(20, 100), fails = math.random() < 0.01 and 1 or 0,
             stalled = 0 }
  end)
setup, done, delay = pool.setup, pool.done, views.delay()

function init(args)
  for a = 1, #agents do
    headers[a] = { ["Content-Type"] = "application/cmcd", ["User-Agent"] = agents[a], ["Origin"] = "https://player.example.com" }
  end
  pool.init(args)
end

-- fresh, in ms, and increasing within a view (wrk's Lua has a clock in seconds only)
local function now_ms(view)
  local ts = math.max(os.time() * 1000 + math.random(0, 999), view.ts + 1)
  view.ts = ts
  return ts
end

-- one report, keys sorted as hls.js sends them
local function report(view, e, sta, playing, ec)
  local parts = {}
  if playing then
    parts[#parts + 1] = "bl=(" .. (math.random(10, 300) * 100) .. ")"
    parts[#parts + 1] = "br=(" .. ladder[view.level] .. ")"
  end
  parts[#parts + 1] = 'cid="' .. contents[view.content].cid .. '"'
  parts[#parts + 1] = "e=" .. e
  if ec then
    parts[#parts + 1] = 'ec=("' .. ec .. '")'
  end
  if playing or sta == "f" then
    parts[#parts + 1] = "mtp=(" .. (math.random(20, 200) * 100) .. ")"
  end
  parts[#parts + 1] = "sf=h"
  parts[#parts + 1] = 'sid="' .. view.sid .. '"'
  parts[#parts + 1] = "sn=" .. view.sent
  if playing then
    parts[#parts + 1] = "st=l"
  end
  parts[#parts + 1] = "sta=" .. sta
  parts[#parts + 1] = "ts=" .. now_ms(view)
  parts[#parts + 1] = "v=2"
  return table.concat(parts, ",") .. "\n"
end

local function next_report(view)
  local sn = view.sent
  if sn == 0 then
    return report(view, "ps", "s", false)
  elseif sn == 1 then
    return report(view, "t", "s", false)
  elseif view.fails == 1 then
    if sn == 2 then
      return report(view, "ps", "f", false)
    end
    view.life = 0 -- its last report: the view is over
    return report(view, "e", "f", false, "manifestLoadError")
  elseif sn == 2 then
    return report(view, "ps", "p", true)
  elseif view.stalled == 1 then
    view.stalled = 0
    return report(view, "ps", "p", true)
  elseif math.random() < 0.03 then
    view.stalled = 1
    return report(view, "ps", "r", true)
  end
  if math.random() < 0.05 then -- a level switch (bc is not among the target's events: seen in br)
    view.level = math.max(1, math.min(#ladder, view.level + (math.random() < 0.5 and -1 or 1)))
  end
  return report(view, "t", "p", true)
end

local function advance(view)
  return wrk.format("POST", "/cmcd/" .. account .. "/" .. contents[view.content].job, headers[view.agent], next_report(view))
end

function request()
  return pool.request(advance)
end
