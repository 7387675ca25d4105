// Dapper calls with constant SQL are compiled into interceptors: no reflection, no runtime SQL cache.
[module: Dapper.DapperAot]
