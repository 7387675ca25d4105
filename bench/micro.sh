#!/usr/bin/env bash
# Micro-benchmarks of the API's hot paths (BenchmarkDotNet 0.15.8, Release, short job): access-token
# issue and verification, refresh-token generation and hashing, Argon2id password hashing.
# One command: `bash bench/micro.sh` (extra arguments go to BenchmarkDotNet, e.g. --filter '*Access*').
# Results: the summary tables on stdout and in bench/results/micro/results/. Not part of CI.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
dotnet build -c Release bench/Micro/Micro.csproj -nologo -v q -clp:ErrorsOnly >&2
# A full run replaces the previous one's artifacts; a filtered run adds to them.
[ $# -eq 0 ] && rm -rf bench/results/micro
dotnet bench/Micro/bin/Release/net10.0/Micro.dll --artifacts "$PWD/bench/results/micro" "$@"
