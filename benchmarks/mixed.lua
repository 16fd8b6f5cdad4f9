-- For benchmarks/two_servers.py: each connection walks through the reader pages in PATHS
-- (one per line in the environment), counts every answer that is not 2xx, and the figures are
-- printed as one line of JSON.

local paths = {}
for path in string.gmatch(os.getenv("PATHS") or "/", "[^\n]+") do
  table.insert(paths, path)
end
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  next_path = math.random(#paths)
  not_2xx = 0
  wrk.headers["Accept-Encoding"] = "gzip, deflate, br"
end

function request()
  next_path = next_path % #paths + 1
  return wrk.format("GET", paths[next_path])
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    not_2xx = not_2xx + 1
  end
end

function done(summary, latency, requests)
  local counted = 0
  for _, thread in ipairs(threads) do
    counted = counted + thread:get("not_2xx")
  end
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"not_2xx": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.max, counted, errors.connect + errors.read + errors.write + errors.timeout))
end
