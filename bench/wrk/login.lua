-- POST /auth/login. BENCH_EMAIL logs one account in over and over; with BENCH_SEEDED=N each request
-- picks one of the N seeded accounts (seed<i>@bench.example) at random instead.
dofile(os.getenv("BENCH_WRK") .. "/report.lua")

local email = os.getenv("BENCH_EMAIL")
local password = os.getenv("BENCH_PASSWORD")
local seeded = tonumber(os.getenv("BENCH_SEEDED") or "0")
local headers = { ["Content-Type"] = "application/json" }
-- Per-thread counters are globals of the thread's Lua state: done() reads them with thread:get().
ok, non2xx = 0, 0

function setup(thread) register_thread(thread) end

function init(args)
   math.randomseed(os.time() * 1000 + (id or 0))
end

function request()
   local who = email
   if seeded > 0 then who = "seed" .. math.random(1, seeded) .. "@bench.example" end
   return wrk.format("POST", "/auth/login", headers,
      '{"email":"' .. who .. '","password":"' .. password .. '"}')
end

function response(status, headers, body)
   if status >= 200 and status < 300 then ok = ok + 1 else non2xx = non2xx + 1 end
end

function done(summary, latency, requests) report(summary, latency) end
