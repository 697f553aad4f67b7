-- wrk script used by bench/run.py for every HTTP scenario.
--
-- Environment (set by the harness):
--   BENCH_METHOD      request method (GET, POST, ...)
--   BENCH_BODY_FILE   optional file whose bytes are sent as the request body
--   BENCH_PATHS_FILE  file with one request path per line; requests cycle over them
--   BENCH_RESULT_FILE where done() writes the result as JSON
-- Headers (auth, content type) are passed with wrk's -H option.
--
-- wrk records the latency of every completed request in its histogram; done() reads
-- the percentiles from it. response() tallies status codes per thread so the harness
-- can refuse to report numbers for a scenario that answered with errors.

local method = os.getenv("BENCH_METHOD") or "GET"
local body = nil
local body_file = os.getenv("BENCH_BODY_FILE")
if body_file and body_file ~= "" then
  local f = assert(io.open(body_file, "rb"))
  body = f:read("*a")
  f:close()
end

local paths = {}
local paths_file = os.getenv("BENCH_PATHS_FILE")
if paths_file and paths_file ~= "" then
  for line in io.lines(paths_file) do
    if line ~= "" then paths[#paths + 1] = line end
  end
end
if #paths == 0 then paths[1] = "/" end

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  threads[#threads + 1] = thread
end

function init(args)
  statuses = {}
  counter = id
  requests = {}
  for i, p in ipairs(paths) do
    requests[i] = wrk.format(method, p, nil, body)
  end
end

function request()
  counter = counter + 1
  return requests[(counter % #requests) + 1]
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
end

function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    for code, n in pairs(s) do merged[code] = (merged[code] or 0) + n end
  end
  local parts = {}
  for code, n in pairs(merged) do
    parts[#parts + 1] = string.format('"%s": %d', code, n)
  end
  local out = assert(io.open(os.getenv("BENCH_RESULT_FILE"), "w"))
  out:write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"min": %d, "p50": %d, "p95": %d, "p99": %d, "max": %d, "mean": %f}, ' ..
    '"statuses": {%s}}\n',
    summary.requests, summary.duration, summary.bytes,
    summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout,
    latency.min, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, latency.mean,
    table.concat(parts, ", ")))
  out:close()
end
