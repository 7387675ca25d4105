-- POST /auth/refresh rotation chains: run with -t N -c N, so each wrk thread owns exactly one
-- connection and one chain. BENCH_TOKENS names a file of refresh tokens, one per line; thread i starts
-- from line i, and every 200 hands the rotated token to that connection's next request. A non-2xx
-- breaks the chain (the token it presents next is dead): chains_broken counts such connections.
dofile(os.getenv("BENCH_WRK") .. "/report.lua")

local tokens = {}
local token = nil
local headers = { ["Content-Type"] = "application/json" }
-- Per-thread counters are globals of the thread's Lua state: done() reads them with thread:get().
ok, non2xx, broken = 0, 0, 0

function setup(thread)
   if #tokens == 0 then
      for line in io.lines(os.getenv("BENCH_TOKENS")) do
         if #line > 0 then table.insert(tokens, line) end
      end
   end
   register_thread(thread)
   thread:set("token", tokens[#threads])
end

function init(args)
   token = wrk.thread:get("token")
   if token == nil then error("not enough refresh tokens in BENCH_TOKENS for thread " .. tostring(id)) end
end

function request()
   return wrk.format("POST", "/auth/refresh", headers, '{"refreshToken":"' .. token .. '"}')
end

function response(status, headers, body)
   if status == 200 then
      ok = ok + 1
      token = string.match(body, '"refreshToken":"([^"]+)"') or token
   else
      non2xx = non2xx + 1
      broken = 1 -- this chain is dead from here on
   end
end

function done(summary, latency, requests) report(summary, latency) end
