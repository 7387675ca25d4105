-- GET /auth/me (and the baseline's identical route): the Authorization header comes from wrk -H.
dofile(os.getenv("BENCH_WRK") .. "/report.lua")

function setup(thread) register_thread(thread) end

function done(summary, latency, requests) report(summary, latency) end
