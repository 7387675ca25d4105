-- Shared by every scenario: done() prints one JSON line, prefixed WRKJSON, that bench/run.sh keeps.
-- Latencies are in milliseconds. non2xx counts responses outside 200-299: the scenario's own count
-- when it tracks statuses per thread (response()), else wrk's errors.status (status > 399).
-- Threads register themselves in setup() so done() can read their counters.

threads = {}
local thread_count = 0

function register_thread(thread)
   thread_count = thread_count + 1
   thread:set("id", thread_count)
   table.insert(threads, thread)
end

function report(summary, latency, extra)
   local seconds = summary.duration / 1e6
   local non2xx = summary.errors.status
   local counted = false
   local sum_non2xx, sum_ok, sum_broken = 0, 0, 0
   for _, t in ipairs(threads) do
      local n = t:get("non2xx")
      if n ~= nil then
         counted = true
         sum_non2xx = sum_non2xx + n
         sum_ok = sum_ok + (t:get("ok") or 0)
         sum_broken = sum_broken + (t:get("broken") or 0)
      end
   end
   if counted then non2xx = sum_non2xx end
   local ok = summary.requests - non2xx
   local socket = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
   io.write(string.format(
      'WRKJSON {"requests":%d,"ok":%d,"non2xx":%d,"socket_errors":%d,"timeouts":%d,"seconds":%.3f,' ..
      '"rps":%.1f,"p50_ms":%.3f,"p90_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,"mean_ms":%.3f,"chains_broken":%d%s}\n',
      summary.requests, ok, non2xx, socket, summary.errors.timeout, seconds,
      ok / seconds, latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
      latency.max / 1000, latency.mean / 1000, sum_broken, extra or ""))
end
