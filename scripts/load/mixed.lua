-- Mixed workload for wrk (see run.sh): reads of /api/incidents with random boxes, OGC items,
-- single incidents, exports (GeoJSON, CSV) of small filters, and writes with the token: PATCHes
-- of incidents' notes, small bulk imports (GeoJSON Lines, upserting a pool of 1,000 ids) and
-- articles (200 reports, each stored once and recognised after that). Every answer must be 200 or 201; done() writes
-- the counts to LOAD_SUMMARY (JSON) for run.sh to judge.
--
-- Environment: LOAD_TOKEN (bearer token), LOAD_COUNT (synthetic incidents, ids SYN-0000000…),
-- LOAD_SUMMARY (output path).

local token = os.getenv("LOAD_TOKEN") or "load-test-token"
local count = tonumber(os.getenv("LOAD_COUNT") or "100000")
local summary_path = os.getenv("LOAD_SUMMARY") or "load-summary.json"

-- Syria's extent, as the synthetic incidents use it
local W, S, E, N = 35.7, 32.3, 42.4, 37.3

-- globals: wrk's thread:set/get reach only globals of each thread's state
threads = {}
thread_no = 0

function setup(thread)
  thread_no = thread_no + 1
  thread:set("thread_no", thread_no)
  table.insert(threads, thread)
end

kinds, statuses = {}, {}
local n = 0
local towns = {
  {"Saraqib", "Idlib"}, {"Ariha", "Idlib"}, {"Palmyra", "Homs"}, {"Douma", "Rif Dimashq"},
  {"Manbij", "Aleppo"}, {"Al-Mayadin", "Deir ez-Zor"}, {"Tafas", "Daraa"}, {"Jableh", "Latakia"},
}
local months = {"January", "February", "March", "April", "May", "June", "July", "August",
  "September", "October", "November", "December"}

function init(args)
  math.randomseed(1000 + (thread_no or 0))
end

local function box(size)
  local w = W + math.random() * (E - W - size)
  local s = S + math.random() * (N - S - size)
  return string.format("%.4f,%.4f,%.4f,%.4f", w, s, w + size, s + size)
end

local function some_id()
  return string.format("SYN-%07d", math.random(0, count - 1))
end

local function year()
  local y = math.random(2011, 2025)
  return string.format("%d-01-01/%d-12-31", y, y)
end

local function count_kind(k)
  kinds[k] = (kinds[k] or 0) + 1
end

local auth = { ["Authorization"] = "Bearer " .. token }

function request()
  n = n + 1
  local r = math.random(1000)
  if r <= 350 then
    count_kind("incidents_bbox")
    return wrk.format("GET", "/api/incidents?bbox=" .. box(0.1 + math.random() * 0.4) .. "&limit=1000")
  elseif r <= 550 then
    count_kind("ogc_items")
    local q = "bbox=" .. box(0.2 + math.random()) .. "&limit=100"
    if math.random(2) == 1 then q = q .. "&datetime=" .. year() end
    return wrk.format("GET", "/ogc/collections/incidents/items?" .. q)
  elseif r <= 700 then
    count_kind("incident")
    return wrk.format("GET", "/api/incidents/" .. some_id())
  elseif r <= 800 then
    count_kind("ogc_item")
    return wrk.format("GET", "/ogc/collections/incidents/items/" .. some_id())
  elseif r <= 850 then
    count_kind("export_geojson")
    return wrk.format("GET", "/api/export?format=geojson&bbox=" .. box(0.3) .. "&datetime=" .. year())
  elseif r <= 900 then
    count_kind("export_csv")
    return wrk.format("GET", "/api/export?format=csv&bbox=" .. box(0.5))
  elseif r <= 950 then
    count_kind("healthz")
    return wrk.format("GET", "/healthz")
  elseif r <= 985 then
    count_kind("patch")
    local body = string.format('{"notes": "load test thread %d write %d"}', thread_no, n)
    local h = { ["Authorization"] = auth["Authorization"], ["Content-Type"] = "application/json" }
    return wrk.format("PATCH", "/api/incidents/" .. some_id(), h, body)
  elseif r <= 992 then
    count_kind("import")
    local lines = {}
    for k = 1, 5 do
      -- ids from a fixed pool: imports upsert, so the data set stays bounded and memory
      -- can be judged flat
      local id = string.format("LOAD-%04d", math.random(0, 999))
      lines[k] = string.format(
        '{"type":"Feature","id":"%s","geometry":{"type":"Point","coordinates":[%.5f,%.5f]},' ..
        '"properties":{"id":"%s","event_date":"%d-%02d-%02d","event_date_end":null,"time_precision":1,' ..
        '"disorder_type":"Political violence","event_type":"Battles","sub_event_type":"Armed clash",' ..
        '"actor1":null,"actor2":null,"fatalities":0,"location":"Load test","location_ar":"اختبار",' ..
        '"admin1":"Idlib","admin1_ar":"محافظة إدلب","geo_precision":2,"place_id":"load:%d",' ..
        '"notes":"Imported by the load test.","source_text":"load test","source":"load test","review":"extracted"}}',
        id, W + math.random() * (E - W), S + math.random() * (N - S), id,
        math.random(2012, 2025), math.random(12), math.random(28), k)
    end
    local h = { ["Authorization"] = auth["Authorization"], ["Content-Type"] = "application/geo+json-seq" }
    return wrk.format("POST", "/api/import", h, table.concat(lines, "\n") .. "\n")
  else
    count_kind("article")
    -- one of 200 reports: the first posting of each is read and stored (201), later ones are
    -- recognised (200), so the data set stays bounded
    local i = math.random(0, 199)
    local t = towns[i % #towns + 1]
    local body = string.format(
      "On %d %s %d, an air strike hit the town of %s in %s countryside, killing %d civilians, local sources said. (load test report %d)",
      i % 28 + 1, months[i % 12 + 1], 2012 + i % 14, t[1], t[2], i % 8 + 2, i)
    local h = { ["Authorization"] = auth["Authorization"], ["Content-Type"] = "text/plain; charset=utf-8" }
    return wrk.format("POST", "/api/articles", h, body)
  end
end

function response(status, headers, body)
  local k = tostring(status)
  statuses[k] = (statuses[k] or 0) + 1
end

function done(summary, latency, requests)
  local all_statuses, all_kinds = {}, {}
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("statuses") or {}) do all_statuses[k] = (all_statuses[k] or 0) + v end
    for k, v in pairs(t:get("kinds") or {}) do all_kinds[k] = (all_kinds[k] or 0) + v end
  end
  local function obj(t)
    local parts = {}
    for k, v in pairs(t) do table.insert(parts, string.format('"%s": %d', k, v)) end
    table.sort(parts)
    return "{" .. table.concat(parts, ", ") .. "}"
  end
  local e = summary.errors
  local f = assert(io.open(summary_path, "w"))
  f:write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"statuses": %s, "kinds": %s, "latency_us": {"p50": %d, "p90": %d, "p99": %d, "max": %d}}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    obj(all_statuses), obj(all_kinds),
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
  f:close()
end
