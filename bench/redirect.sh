#!/usr/bin/env bash
# Redirect benchmark (issue 3): `lastclick serve` against a bare ASP.NET Core app that answers the same 302 with a
# cookie, measured with wrk on 127.0.0.1, interleaved, at 64 connections. Prints requests/s, p50, p99 and the ratio.
#   bash bench/redirect.sh [seconds per run, default 10] [rounds, default 3]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
rounds=${2:-3}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }
dotnet build -c Release -v q src/LastClick/LastClick.csproj >/dev/null
dotnet build -c Release -v q bench/BareRedirect/BareRedirect.csproj >/dev/null

work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
lc="dotnet src/LastClick/bin/Release/net10.0/lastclick.dll"
db="$work/lastclick.db"
$lc migrate --store "$db" >/dev/null
# One publisher and one link, written through the product's own services.
dotnet run -c Release --no-build --project bench/LastClick.Bench -- link "$db" > "$work/code"
code=$(cat "$work/code")

$lc serve --store "$db" --urls http://127.0.0.1:5181 >"$work/lc.log" 2>&1 &
dotnet bench/BareRedirect/bin/Release/net10.0/BareRedirect.dll --urls http://127.0.0.1:5182 >"$work/bare.log" 2>&1 &
for port in 5181 5182; do
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
done

source bench/wrk-run.sh
# Warm both first (JIT tiers, pools, the SQLite page cache): a server runs for days, not for its first seconds.
for port in 5181 5182; do wrk -t2 -c64 -d20s "http://127.0.0.1:$port/go/$code" >/dev/null; done
printf "%-6s %-10s %12s %9s %9s\n" round app "requests/s" "p50 ms" "p99 ms"
for r in $(seq 1 "$rounds"); do
  read -r lrps lp50 lp99 < <(run 5181)
  read -r brps bp50 bp99 < <(run 5182)
  printf "%-6s %-10s %12s %9s %9s\n" "$r" lastclick "$lrps" "$lp50" "$lp99" "$r" bare "$brps" "$bp50" "$bp99"
  echo "$lrps $brps $lp99" >> "$work/ratios"
done
awk '{ratio+=$1/$2; p99+=$3; n++} END {printf "ratio lastclick/bare %.2f (goal >= 0.70), lastclick p99 %.2f ms (goal <= 5 ms), mean of %d rounds\n", ratio/n, p99/n, n}' "$work/ratios"
stored=$(dotnet run -c Release --no-build --project bench/LastClick.Bench -- count-clicks "$db")
echo "clicks stored: $stored"
