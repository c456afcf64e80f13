#!/usr/bin/env bash
# The redirect's CPU and context switches a click (issue 19), measured with `perf stat` on each server's process while
# wrk drives it, against another build (BASE_DLL, built in a git worktree as for redirect-ab.sh) and the bare ASP.NET
# Core 302, interleaved round by round at 64 connections on 127.0.0.1. On a noisy VM, CPU a click moves less than
# requests/s: it showed a 10% change that redirect-ab.sh's ratios could not (docs/performance.md, sixth session).
#   apt-get install -y linux-perf wrk sqlite3
#   bash bench/redirect-cpu.sh /tmp/base/src/LastClick/bin/Release/net10.0/lastclick.dll [rounds, 4]
set -euo pipefail
cd "$(dirname "$0")/.."
base=$1
rounds=${2:-4}
for tool in wrk perf sqlite3; do command -v $tool >/dev/null || { echo "$tool is missing" >&2; exit 2; }; done
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
source bench/redirect-servers.sh
for port in 5181 5183 5182; do wrk -t2 -c64 -d15s "http://127.0.0.1:$port/go/$code" >/dev/null; done

# One measure: 10 s of wrk on a port while perf counts the server's CPU time and context switches → "rps µs cs".
measure() {
  perf stat -x, -e cpu-clock,context-switches -p "$1" -o "$work/stat" -- sleep 10 & local stat=$!
  local rps
  rps=$(wrk -t2 -c64 -d10s "http://127.0.0.1:$2/go/$code" | awk '/Requests\/sec/ {print $2}')
  wait $stat
  awk -F, -v rps="$rps" '/cpu-clock/ {cpu=$1} /context-switches/ {cs=$1} END {printf "%s %.1f %.2f\n", rps, cpu * 1000 / (rps * 10), cs / (rps * 10)}' "$work/stat"
}
printf "%-6s %-6s %12s %12s %14s %7s\n" round app "requests/s" "CPU µs/click" "switches/click" ratio
for r in $(seq 1 "$rounds"); do
  read -r nr nc nx < <(measure $newpid 5181)
  read -r br bc bx < <(measure $basepid 5183)
  read -r xr xc xx < <(measure $barepid 5182)
  printf "%-6s %-6s %12.0f %12s %14s %7.2f\n" "$r" now "$nr" "$nc" "$nx" "$(echo "$nr / $xr" | bc -l)"
  printf "%-6s %-6s %12.0f %12s %14s %7.2f\n" "$r" base "$br" "$bc" "$bx" "$(echo "$br / $xr" | bc -l)"
  printf "%-6s %-6s %12.0f %12s %14s\n" "$r" bare "$xr" "$xc" "$xx"
  echo "$nc $bc $xc" >> "$work/cpu"
done
awk '{n+=$1; b+=$2; x+=$3; k++} END {printf "CPU a click, mean of %d rounds: now %.1f µs, base %.1f µs, bare %.1f µs (goal: ratio >= 0.70 needs about 40 µs)\n", k, n/k, b/k, x/k}' "$work/cpu"
