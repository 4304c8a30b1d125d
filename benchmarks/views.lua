-- Shared by cmcd.lua and player-events.lua (loaded with dofile from beside them): a pool of concurrent views
-- that goes on from one wrk run to the next, and an optional pace.
--
-- The pool: `count` views (wrk's first argument after --, default 20,000), each a table whose fields are
-- named in `fields` (the first a string id, the others whole numbers). With the environment variable named
-- by `state_env` set, the views are read from that file at init and written back at done (one wrk thread),
-- so a run is the middle of a live event, not `count` views starting at once. done() prints how many views
-- this run started (benchmarks/run checks GET /qoe against them).
--
-- The pace: with WRK_RATE (requests/s of the whole run) and WRK_CONNECTIONS set, each connection waits
-- WRK_CONNECTIONS / WRK_RATE s after an answer before its next request, so wrk offers about WRK_RATE/s
-- (a little less: the answer's own time adds) instead of as many as the server answers.
local M = {}
local hex = "0123456789abcdef"

function M.hexes(n)
  local out = {}
  for i = 1, n do
    local r = math.random(1, 16)
    out[i] = hex:sub(r, r)
  end
  return table.concat(out)
end

-- wrk calls a global delay() before each request when the script defines one
function M.delay()
  local rate, connections = tonumber(os.getenv("WRK_RATE") or ""), tonumber(os.getenv("WRK_CONNECTIONS") or "")
  if not rate or not connections or rate <= 0 then
    return nil
  end
  local ms = math.floor(connections * 1000 / rate + 0.5)
  return function()
    return ms
  end
end

-- fields: the view's field names, id first; state_env: the variable naming the state file; label: done()'s words
function M.pool(fields, state_env, label, new_view)
  local pool = { views = {} }
  local state_file = os.getenv(state_env)
  local threads = {}
  saved = {}  -- globals, for done() to read from the thread (wrk copies strings, not tables of tables)
  started = 0 -- views whose first request was made

  local function save(i)
    local view, parts = pool.views[i], {}
    for f, name in ipairs(fields) do
      parts[f] = f == 1 and view[name] or string.format("%d", view[name])
    end
    saved[i] = table.concat(parts, " ")
  end

  local function load()
    local file = state_file and io.open(state_file, "r")
    if not file then
      return
    end
    for line in file:lines() do
      local view, f = {}, 0
      for word in line:gmatch("%S+") do
        f = f + 1
        view[fields[f]] = f == 1 and word or tonumber(word)
      end
      if f == #fields then
        pool.views[#pool.views + 1] = view
      end
    end
    file:close()
  end

  function pool.setup(thread)
    threads[#threads + 1] = thread
  end

  function pool.init(args)
    math.randomseed(os.time() + math.floor(os.clock() * 1000000))
    load()
    for i = #pool.views + 1, tonumber(args[1]) or 20000 do
      pool.views[i] = new_view(i)
    end
    for i = 1, #pool.views do
      save(i)
    end
  end

  -- one request: `advance` turns a view drawn at random into a request and counts what it sent in `sent`;
  -- a view that has sent its `life` is replaced by a new one (a viewer leaving, another arriving)
  function pool.request(advance)
    local i = math.random(1, #pool.views)
    local view = pool.views[i]
    if view.sent == 0 then
      started = started + 1
    end
    local req = advance(view)
    view.sent = view.sent + 1
    if view.sent >= view.life then
      pool.views[i] = new_view(i)
    end
    save(i)
    return req
  end

  function pool.done()
    local n = 0
    for _, thread in ipairs(threads) do
      n = n + (thread:get("started") or 0)
    end
    io.write(label .. " views started: " .. n .. "\n")
    if state_file and #threads == 1 then
      local file = assert(io.open(state_file, "w"))
      for _, line in ipairs(threads[1]:get("saved")) do
        file:write(line, "\n")
      end
      file:close()
    end
  end

  return pool
end

return M
