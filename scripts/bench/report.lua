-- wrk script for scripts/bench/run.sh: at the end of a run, prints one line
--   BENCH {"requests":…,"duration_s":…,"rps":…,"p50_ms":…,"p90_ms":…,"p99_ms":…,"max_ms":…,
--          "non2xx":…,"socket_errors":…,"bytes":…}
-- `non2xx` is wrk's count of responses with a status of 400 or more (wrk counts no other
-- statuses; run.sh checks with curl beforehand that the URL answers 200). No response() hook is
-- set, so wrk does not copy each body into Lua and measures the server, not the script.

done = function(summary, latency, requests)
  local ms = function(us) return us / 1000.0 end
  local secs = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests":%d,"duration_s":%.3f,"rps":%.2f,"p50_ms":%.3f,"p90_ms":%.3f,' ..
    '"p99_ms":%.3f,"max_ms":%.3f,"non2xx":%d,"socket_errors":%d,"bytes":%d}\n',
    summary.requests, secs, summary.requests / secs,
    ms(latency:percentile(50)), ms(latency:percentile(90)), ms(latency:percentile(99)),
    ms(latency.max), e.status, e.connect + e.read + e.write + e.timeout, summary.bytes))
end
