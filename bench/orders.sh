#!/usr/bin/env bash
# Order ingestion over HTTP (issue 3): `lastclick serve` (Release, SQLite) takes new orders at POST
# /api/v1/marketplace/orders from wrk at 64 connections; each is attributed to a seeded click, rated, posted to the
# ledger and committed (group commit) before its 201. Prints orders/s and latency; then counts what was stored.
#   bash bench/orders.sh [seconds, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }
dotnet build -c Release -v q src/LastClick/LastClick.csproj >/dev/null
dotnet build -c Release -v q bench/LastClick.Bench/LastClick.Bench.csproj >/dev/null
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
db="$work/lastclick.db"
bench="dotnet bench/LastClick.Bench/bin/Release/net10.0/LastClick.Bench.dll"
key=$($bench seed-visitors "$db" 50000)
dotnet src/LastClick/bin/Release/net10.0/lastclick.dll serve --store "$db" --urls http://127.0.0.1:5183 >"$work/lc.log" 2>&1 &
for _ in $(seq 1 100); do curl -fs http://127.0.0.1:5183/healthz >/dev/null && break; sleep 0.1; done
# 15 s of warm-up: after 5 s the JIT's tiering thread still took ~30% of a core through the measured run (docs/performance.md).
wrk -t2 -c64 -d15s -s bench/orders.lua http://127.0.0.1:5183 -- "$key" 50000 warm >/dev/null
wrk -t2 -c64 -d"${secs}s" --latency -s bench/orders.lua http://127.0.0.1:5183 -- "$key" 50000 run | grep -E "Requests/sec|50%|99%|requests in|Non-2xx"
echo "attributed orders stored (warm-up included): $($bench count-orders "$db")"
