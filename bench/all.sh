#!/usr/bin/env bash
# Issue 19's table in one run: every write-path and read-path goal, measured on this checkout ("now") and on a baseline
# build of an earlier commit ("base", default 10b5a2a: main before issue 19) in the same run, side by side, on
# 127.0.0.1 only. SQLite throughout; PostgreSQL 15 (a throwaway cluster with production settings: fsync on) where the
# table says so, and a hot standby of it for the replica row.
#   bash bench/all.sh [BASE_REF, default 10b5a2a]
# Environment: SECS (seconds per wrk run, 10), ROUNDS (redirect rounds, 2), REPLAY_ORDERS (100000),
# FEED_PRODUCTS (1000000; 0 skips the feed row), SKIP_BASE=1 (measure this checkout only),
# STEPS (which rows: "redirect clicks orders http replay feed reads", all by default).
# Absolute figures move ±25% between runs on a shared 2-core VM: read the ratios and the base column of the same run.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BASE_REF=${1:-10b5a2a}
SECS=${SECS:-10}
ROUNDS=${ROUNDS:-2}
REPLAY_ORDERS=${REPLAY_ORDERS:-100000}
FEED_PRODUCTS=${FEED_PRODUCTS:-1000000}
STEPS=" ${STEPS:-redirect clicks orders http replay feed reads} "
step() { [[ "$STEPS" == *" $1 "* ]]; }
# wrk drives the HTTP rows (the redirect, orders over HTTP, report reads); the others run without it.
if step redirect || step http || step reads; then command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }; fi
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$PGBIN" ] || { echo "PostgreSQL's server binaries are missing: apt-get install -y postgresql" >&2; exit 2; }

WORK=$(mktemp -d /tmp/lastclick-all-XXXXXX)
chmod 755 "$WORK"
cleanup() {
  kill $(jobs -p) 2>/dev/null || true
  for d in "$WORK/pg/standby" "$WORK/pg/primary"; do [ -f "$d/postmaster.pid" ] && as_pg "$PGBIN/pg_ctl" -D "$d" -m immediate -w stop >/dev/null 2>&1 || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$1/healthz" >/dev/null && return 0; sleep 0.1; done; echo "server on $1 did not start" >&2; exit 1; }

echo "building this checkout and the baseline ($BASE_REF)…" >&2
dotnet build -c Release -v q -nologo src/LastClick/LastClick.csproj >/dev/null
dotnet build -c Release -v q -nologo bench/LastClick.Bench/LastClick.Bench.csproj >/dev/null
dotnet build -c Release -v q -nologo bench/BareRedirect/BareRedirect.csproj >/dev/null
declare -A LC BENCH
LC[now]="$ROOT/src/LastClick/bin/Release/net10.0/lastclick.dll"
BENCH[now]="$ROOT/bench/LastClick.Bench/bin/Release/net10.0/LastClick.Bench.dll"
APPS="now"
if [ -z "${SKIP_BASE:-}" ]; then
  BASE_DIR="/tmp/lastclick-base-$BASE_REF"
  [ -d "$BASE_DIR" ] || git worktree add -f "$BASE_DIR" "$BASE_REF" >/dev/null 2>&1
  (cd "$BASE_DIR" && dotnet build -c Release -v q -nologo src/LastClick/LastClick.csproj >/dev/null && dotnet build -c Release -v q -nologo bench/LastClick.Bench/LastClick.Bench.csproj >/dev/null)
  LC[base]="$BASE_DIR/src/LastClick/bin/Release/net10.0/lastclick.dll"
  BENCH[base]="$BASE_DIR/bench/LastClick.Bench/bin/Release/net10.0/LastClick.Bench.dll"
  APPS="base now"
fi
BARE="$ROOT/bench/BareRedirect/bin/Release/net10.0/BareRedirect.dll"

# A PostgreSQL cluster for the run, and a hot standby of it (pg_basebackup -R).
mkdir -p "$WORK/pg" && [ "$(id -u)" = 0 ] && chown postgres "$WORK/pg"
as_pg "$PGBIN/initdb" -D "$WORK/pg/primary" -U postgres --auth=trust -E UTF8 >/dev/null
PGPORT=$(free_port)
as_pg "$PGBIN/pg_ctl" -D "$WORK/pg/primary" -l "$WORK/pg/primary.log" -w -o "-p $PGPORT -k $WORK/pg -c listen_addresses=127.0.0.1 -c max_connections=300" start >/dev/null
as_pg "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$PGPORT" -U postgres -D "$WORK/pg/standby" -R -X stream >/dev/null
SBPORT=$(free_port)
as_pg "$PGBIN/pg_ctl" -D "$WORK/pg/standby" -l "$WORK/pg/standby.log" -w -o "-p $SBPORT -k $WORK/pg -c listen_addresses=127.0.0.1 -c max_connections=300" start >/dev/null
PG="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=postgres"

declare -A R   # R[row:app] = figure
note() { echo "  $*" >&2; }

# 1. The redirect against bare ASP.NET Core, 64 connections, interleaved rounds; each app on a store of its own.
source bench/wrk-run.sh
if step redirect; then
secs=$SECS
declare -A PORT CODE
for app in $APPS; do
  db="$WORK/redirect-$app.db"
  dotnet "${LC[$app]}" migrate --store "$db" >/dev/null
  CODE[$app]=$(dotnet "${BENCH[$app]}" link "$db")
  PORT[$app]=$(free_port)
  dotnet "${LC[$app]}" serve --store "$db" --urls "http://127.0.0.1:${PORT[$app]}" >"$WORK/redirect-$app.log" 2>&1 &
  wait_up "${PORT[$app]}"
done
PORT[bare]=$(free_port)
dotnet "$BARE" --urls "http://127.0.0.1:${PORT[bare]}" >"$WORK/bare.log" 2>&1 &
wait_up "${PORT[bare]}"
for app in $APPS bare; do code=${CODE[$app]:-${CODE[now]}}; wrk -t2 -c64 -d10s "http://127.0.0.1:${PORT[$app]}/go/$code" >/dev/null; done
for r in $(seq 1 "$ROUNDS"); do
  code=${CODE[now]}; read -r brps _ _ < <(run "${PORT[bare]}")
  for app in $APPS; do
    code=${CODE[$app]}; read -r rps _ p99 < <(run "${PORT[$app]}")
    echo "$rps $brps $p99" >> "$WORK/redirect-$app.txt"
    note "redirect round $r: $app $rps/s (p99 $p99 ms), bare $brps/s"
  done
done
for app in $APPS; do
  R[redirect:$app]=$(awk '{r+=$1/$2; p+=$3; n++} END {printf "ratio %.2f, p99 %.1f ms", r/n, p/n}' "$WORK/redirect-$app.txt")
done
kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true
fi

# 2. Clicks with every click its own report keys, 64 writers, in process (SQLite).
step clicks && for app in $APPS; do
  line=$(dotnet "${BENCH[$app]}" clicks --diverse | grep "64 writers") || { echo "clicks $app: no result" >&2; exit 1; }
  R[clicks:$app]=$(echo "$line" | sed -E 's/.*: ([0-9,]+) clicks\/s.*p99 ([0-9.]+) ms.*/\1\/s, p99 \2 ms/'); note "clicks $app: $line"
done
# The row's 40,000 clicks (the base's bench runs no other count) fill small rollup tables: a longer run is slower, as
# every diverse click's rows land on more pages (both builds; docs/performance.md, fifteenth session). This checkout's
# figure at 200,000 clicks goes beside it.
if step clicks; then
  line=$(dotnet "${BENCH[now]}" clicks --diverse --writers 64 --clicks 200000 | grep "64 writers") || { echo "clicks now, 200,000: no result" >&2; exit 1; }
  R[clicks:now]+=$(echo "$line" | sed -E 's/.*: ([0-9,]+) clicks\/s.*p99 ([0-9.]+) ms.*/ (200,000 clicks: \1\/s, p99 \2 ms)/'); note "clicks now, 200,000: $line"
fi

# 3. Orders, group commit in process, 64 callers (SQLite), and 5. on PostgreSQL.
step orders && for app in $APPS; do
  line=$(dotnet "${BENCH[$app]}" orders --group-only --orders 20000 | grep "64 caller")
  R[orders:$app]=$(echo "$line" | sed -E 's/.*: ([0-9,]+) orders\/s.*/\1\/s/'); note "orders $app: $line"
  line=$(dotnet "${BENCH[$app]}" orders --group-only --orders 5000 --store "$PG" | grep "64 caller")
  R[pgorders:$app]=$(echo "$line" | sed -E 's/.*: ([0-9,]+) orders\/s.*p50 ([0-9.]+) ms.*/\1\/s, p50 \2 ms a batch/'); note "orders on PostgreSQL $app: $line"
done

# 4. Orders over HTTP (SQLite), 64 connections.
step http && for app in $APPS; do
  db="$WORK/orders-$app.db"
  key=$(dotnet "${BENCH[$app]}" seed-visitors "$db" 50000)
  port=$(free_port)
  dotnet "${LC[$app]}" serve --store "$db" --urls "http://127.0.0.1:$port" >"$WORK/orders-$app.log" 2>&1 &
  server=$!
  wait_up "$port"
  # 15 s of warm-up: after 5 s the JIT's tiering thread still took ~30% of a core through the measured run (docs/performance.md).
  wrk -t2 -c64 -d15s -s bench/orders.lua "http://127.0.0.1:$port" -- "$key" 50000 warm >/dev/null
  out=$(wrk -t2 -c64 -d"${SECS}s" --latency -s bench/orders.lua "http://127.0.0.1:$port" -- "$key" 50000 run)
  R[http:$app]=$(echo "$out" | awk '/Requests\/sec/ {printf "%d/s", $2}'); note "orders over HTTP $app: ${R[http:$app]}"
  kill $server; wait $server 2>/dev/null || true
done

# 6. The replay of REPLAY_ORDERS orders with events (SQLite).
step replay && for app in $APPS; do
  line=$(dotnet "${BENCH[$app]}" replay --orders "$REPLAY_ORDERS" | grep " s wall")
  R[replay:$app]=$(echo "$line" | sed -E 's/replay: ([0-9.]+) s wall.*/\1 s/'); note "replay $app: $line"
done

# 7. A Merchant XML feed of FEED_PRODUCTS products, gzip, from the CLI: wall time and peak RSS.
if [ "$FEED_PRODUCTS" != 0 ] && step feed; then
  catalog=/tmp/lastclick-catalog-bench/catalog-$FEED_PRODUCTS.jsonl
  mkdir -p /tmp/lastclick-catalog-bench
  [ -f "$catalog" ] || dotnet "${BENCH[now]}" gen-catalog "$FEED_PRODUCTS" "$catalog" >/dev/null
  for app in $APPS; do
    db="$WORK/feed-$app.db"
    dotnet "${LC[$app]}" catalog import "$catalog" --store "$db" >/dev/null 2>&1
    dotnet "${BENCH[$app]}" link "$db" >/dev/null
    /usr/bin/time -f "%e %M" -o "$WORK/time" dotnet "${LC[$app]}" feed export --store "$db" --publisher bench --program aliexpress-ww --market DE --language fr --out "$WORK/feed-$app.xml.gz" >/dev/null 2>&1
    read -r seconds kb <"$WORK/time"
    R[feed:$app]="$seconds s, $((kb / 1024)) MB"; note "feed $app: ${R[feed:$app]}"
    rm -f "$db" "$db-wal" "$db-shm"
  done
fi

# 8. Report reads over HTTP on PostgreSQL (this checkout): the primary alone, then with the hot standby serving them.
if step reads; then
dbspec="$PG"
port=$(free_port)
dotnet "${LC[now]}" serve --store "$dbspec" --demo --urls "http://127.0.0.1:$port" --RateLimits:Publisher 0 >"$WORK/demo.log" 2>&1 &
server=$!
wait_up "$port"
for _ in $(seq 1 100); do grep -q "Publisher key" "$WORK/demo.log" && break; sleep 0.1; done
key=$(grep "Publisher key" "$WORK/demo.log" | awk '{print $NF}' || true)
[ -n "$key" ] || { echo "the demo printed no publisher key:" >&2; cat "$WORK/demo.log" >&2; exit 1; }
kill $server; wait $server 2>/dev/null || true
path="/api/v1/reports/program?date_start=2026-01-01&date_end=2027-12-31"
for mode in primary standby; do
  extra=(); [ $mode = standby ] && extra=(--ConnectionStrings:LastClickReplica "Host=127.0.0.1;Port=$SBPORT;Username=postgres;Database=postgres")
  port=$(free_port)
  dotnet "${LC[now]}" serve --store "$dbspec" --urls "http://127.0.0.1:$port" --RateLimits:Publisher 0 "${extra[@]}" >"$WORK/reads-$mode.log" 2>&1 &
  server=$!
  wait_up "$port"
  sleep 2   # the standby's first samples
  read_from=$(curl -s -D - -o /dev/null -H "Authorization: Bearer $key" "http://127.0.0.1:$port$path" | grep -i '^x-lastclick-read' | awk '{print $2}' | tr -d '\r' || true)
  wrk -t2 -c32 -d5s -H "Authorization: Bearer $key" "http://127.0.0.1:$port$path" >/dev/null
  out=$(wrk -t2 -c32 -d"${SECS}s" --latency -H "Authorization: Bearer $key" "http://127.0.0.1:$port$path")
  R[reads:$mode]=$(echo "$out" | awk -v f="${read_from:-no header: primary}" '/Requests\/sec/ {rps=$2} /^ +99%/ {p99=$2} END {printf "%d/s, p99 %s (%s)", rps, p99, f}')
  note "report reads, $mode: ${R[reads:$mode]}"
  kill $server; wait $server 2>/dev/null || true
done
fi

row() { printf "| %-58s | %-26s | %-30s | %-30s |\n" "$1" "$2" "$3" "$4"; }
echo
echo "LastClick bench/all.sh · $(nproc) cores · $(date -u +%F) · now $(git rev-parse --short HEAD) · base $([ -n "${SKIP_BASE:-}" ] && echo skipped || echo "$BASE_REF")"
row "path" "goal" "base (same run)" "now"
row "---" "---" "---" "---"
step redirect && row "redirect, 302 after commit, 64 connections (SQLite)" "ratio ≥ 0.70, p99 ≤ 5 ms" "${R[redirect:base]:--}" "${R[redirect:now]}"
step clicks && row "clicks --diverse, 64 writers (SQLite)" "≥ 30,000/s, p99 ≤ 10 ms" "${R[clicks:base]:--}" "${R[clicks:now]}"
step orders && row "orders, group commit in process, 64 callers (SQLite)" "≥ 10,000/s" "${R[orders:base]:--}" "${R[orders:now]}"
step http && row "orders over HTTP, 64 connections (SQLite)" "≥ 5,000/s" "${R[http:base]:--}" "${R[http:now]}"
step orders && row "orders, group commit, 64 callers (PostgreSQL 15)" "≥ 5,000/s" "${R[pgorders:base]:--}" "${R[pgorders:now]}"
step replay && row "replay of $REPLAY_ORDERS orders with events (SQLite)" "≤ 20 s" "${R[replay:base]:--}" "${R[replay:now]}"
[ "$FEED_PRODUCTS" != 0 ] && step feed && row "Merchant XML feed of $FEED_PRODUCTS products, gzip (CLI)" "≤ 8 s, ≤ 200 MB" "${R[feed:base]:--}" "${R[feed:now]}"
step reads && row "report reads over HTTP, 32 connections (PostgreSQL)" "(no goal: scale.md)" "primary: ${R[reads:primary]}" "standby: ${R[reads:standby]}"
true
