-- POST /auth/register with a new email on every request: BENCH_RUN (unique per wrk run), the thread's
-- number and a per-thread counter.
dofile(os.getenv("BENCH_WRK") .. "/report.lua")

local run = os.getenv("BENCH_RUN")
local password = os.getenv("BENCH_PASSWORD")
local headers = { ["Content-Type"] = "application/json" }
local n = 0
-- Per-thread counters are globals of the thread's Lua state: done() reads them with thread:get().
ok, non2xx = 0, 0

function setup(thread) register_thread(thread) end

function request()
   n = n + 1
   return wrk.format("POST", "/auth/register", headers,
      '{"email":"r' .. run .. "-" .. id .. "-" .. n .. '@bench.example","password":"' .. password .. '"}')
end

function response(status, headers, body)
   if status >= 200 and status < 300 then ok = ok + 1 else non2xx = non2xx + 1 end
end

function done(summary, latency, requests) report(summary, latency) end
