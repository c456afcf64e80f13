#!/usr/bin/env bash
# The redirect while the marketplace posts orders to the same SQLite store (one file, one write lock): redirects/s and
# latency alone, then with orders posted beside them at 8 connections, and the orders' rate. With a built checkout of
# another commit as BASE_ROOT (git worktree add /tmp/base <rev>, then the two Release builds below run there), the
# base is measured too, interleaved. 127.0.0.1 only; every load is a bounded wrk run.
#   bash bench/redirect-orders.sh [BASE_ROOT]        (ROUNDS, default 2)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BASE_ROOT=${1:-}
ROUNDS=${ROUNDS:-2}
PORT=${PORT:-5391}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }
dotnet build -c Release -v q src/LastClick/LastClick.csproj >/dev/null
dotnet build -c Release -v q bench/LastClick.Bench/LastClick.Bench.csproj >/dev/null
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
one() {
  local app=$1 root=$2 r=$3
  local lc=$root/src/LastClick/bin/Release/net10.0/lastclick.dll bt=$root/bench/LastClick.Bench/bin/Release/net10.0/LastClick.Bench.dll
  local db=$work/$app-$r.db key code pid w
  key=$(dotnet "$bt" seed-visitors "$db" 50000)
  code=$(dotnet "$bt" link "$db" --no-click-spam)
  dotnet "$lc" serve --store "$db" --urls "http://127.0.0.1:$PORT" > "$work/$app-$r.log" 2>&1 & pid=$!
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
  wrk -t1 -c32 -d5s "http://127.0.0.1:$PORT/go/$code" > /dev/null
  wrk -t1 -c8 -d5s -s bench/orders.lua "http://127.0.0.1:$PORT" -- "$key" 50000 warm > /dev/null
  wrk -t1 -c64 -d10s --latency "http://127.0.0.1:$PORT/go/$code" > "$work/alone.txt"
  wrk -t1 -c8 -d13s --latency -s bench/orders.lua "http://127.0.0.1:$PORT" -- "$key" 50000 "m$r" > "$work/orders.txt" & w=$!
  sleep 1
  wrk -t1 -c64 -d10s --latency "http://127.0.0.1:$PORT/go/$code" > "$work/mixed.txt"
  wait $w
  kill $pid; wait $pid 2>/dev/null || true
  rps() { awk '/Requests\/sec/ {printf "%.0f", $2}' "$1"; }
  pct() { awk -v p="$2" '$1==p {print $2}' "$1"; }
  printf '%-5s round %s | redirect alone %6s/s p50 %-7s p99 %-7s | with orders %6s/s p50 %-7s p99 %-7s | orders %5s/s p99 %s\n' "$app" "$r" \
    "$(rps "$work/alone.txt")" "$(pct "$work/alone.txt" 50%)" "$(pct "$work/alone.txt" 99%)" \
    "$(rps "$work/mixed.txt")" "$(pct "$work/mixed.txt" 50%)" "$(pct "$work/mixed.txt" 99%)" \
    "$(rps "$work/orders.txt")" "$(pct "$work/orders.txt" 99%)"
}
for r in $(seq 1 "$ROUNDS"); do
  [ -n "$BASE_ROOT" ] && one base "$BASE_ROOT" "$r"
  one now "$ROOT" "$r"
done
