-- For `make bench`: counts answers whose status is not the one expected (BENCH_EXPECTED_STATUS
-- in the environment, 200 unless set) and prints the figures as one line of JSON for serve.py.

local expected = tonumber(os.getenv("BENCH_EXPECTED_STATUS")) or 200
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  unexpected = 0
end

-- For 200, wrk counts every status of 400 or more itself. Handing each body to Lua would cost
-- the load generator CPU that the server needs (they share the machine), so only a page that
-- is meant to answer something else is read here.
if expected ~= 200 then
  function response(status, headers, body)
    if status ~= expected then
      unexpected = unexpected + 1
    end
  end
end

function done(summary, latency, requests)
  local errors = summary.errors
  local wrong = errors.status
  if expected ~= 200 then
    wrong = 0  -- wrk runs each thread in its own Lua state: add up what each counted
    for _, thread in ipairs(threads) do
      wrong = wrong + thread:get("unexpected")
    end
  end
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"unexpected": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50),
    latency:percentile(99), wrong,
    errors.connect + errors.read + errors.write + errors.timeout))
end
