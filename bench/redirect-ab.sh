#!/usr/bin/env bash
# Redirect A/B (issue 5: "the redirect ratio falls by at most 0.05 with rollups on"): this checkout's `lastclick serve`
# and another build of it (BASE_DLL, e.g. the commit before the rollups, built in a git worktree) against the bare
# ASP.NET Core app, interleaved round by round at 64 connections on 127.0.0.1, each with a store of its own.
#   git worktree add /tmp/base 965ede1 && (cd /tmp/base && dotnet build -c Release src/LastClick/LastClick.csproj)
#   bash bench/redirect-ab.sh /tmp/base/src/LastClick/bin/Release/net10.0/lastclick.dll [seconds, 10] [rounds, 3]
# WRK_HEADERS adds request headers (a browser's: -H 'User-Agent: …' -H 'Sec-Fetch-Dest: document'); AB_LINK_OPTIONS is
# passed to the bench tool's `link` (--no-click-spam: wrk's one address is not click spam on this checkout's store).
set -euo pipefail
cd "$(dirname "$0")/.."
base=$1
secs=${2:-10}
rounds=${3:-3}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
source bench/redirect-servers.sh

source bench/wrk-run.sh
for port in 5181 5183 5182; do eval wrk -t2 -c64 -d20s ${WRK_HEADERS:-} "http://127.0.0.1:$port/go/$code" >/dev/null; done
printf "%-6s %-10s %12s %9s %9s %7s\n" round app "requests/s" "p50 ms" "p99 ms" ratio
for r in $(seq 1 "$rounds"); do
  read -r nrps np50 np99 < <(run 5181)
  read -r brps bp50 bp99 < <(run 5182)
  read -r orps op50 op99 < <(run 5183)
  printf "%-6s %-10s %12s %9s %9s %7.2f\n" "$r" rollups "$nrps" "$np50" "$np99" "$(echo "$nrps / $brps" | bc -l)"
  printf "%-6s %-10s %12s %9s %9s %7.2f\n" "$r" base "$orps" "$op50" "$op99" "$(echo "$orps / $brps" | bc -l)"
  printf "%-6s %-10s %12s %9s %9s\n" "$r" bare "$brps" "$bp50" "$bp99"
  echo "$nrps $orps $brps $np99 $op99" >> "$work/ratios"
done
awk '{n1+=$1/$3; o1+=$2/$3; np+=$4; op+=$5; n++} END {printf "ratio to bare: with rollups %.2f, base %.2f (drop %.2f, goal <= 0.05); p99 %.2f vs %.2f ms; mean of %d rounds\n", n1/n, o1/n, o1/n-n1/n, np/n, op/n, n}' "$work/ratios"
echo "clicks stored: with rollups $(sqlite3 "$work/new.db" 'SELECT COUNT(*) FROM clicks'), base $(sqlite3 "$work/base.db" 'SELECT COUNT(*) FROM clicks')"
# Clicks past click_rollup_mark wait in SQLite's journal (Tracking/ClickJournal.cs) until a read or the writer folds them.
echo "rollup check: $(sqlite3 "$work/new.db" 'SELECT SUM(clicks) FROM rollup_program_d') clicks in rollup_program_d," \
  "$(sqlite3 "$work/new.db" 'SELECT COUNT(*) FROM clicks WHERE seq > (SELECT seq FROM click_rollup_mark)') waiting to be folded"
