#!/usr/bin/env bash
# Issue 6's goals on SQLite: import 1,000,000 products ≤ 60 s; a Google Merchant XML feed of all of them, gzip, ≤ 10 s
# with peak memory ≤ 200 MB. Wall time and peak RSS (VmHWM) by /usr/bin/time, for the CLI and for the server's feed URL.
#   bash bench/catalog.sh [PRODUCTS]      (default 1000000; the generated file is kept in /tmp/lastclick-catalog-bench)
set -euo pipefail
N=${1:-1000000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=/tmp/lastclick-catalog-bench
mkdir -p "$WORK"
dotnet build -c Release "$ROOT/src/LastClick" -v q -nologo >/dev/null
dotnet build -c Release "$ROOT/bench/LastClick.Bench" -v q -nologo >/dev/null
LASTCLICK="dotnet $ROOT/src/LastClick/bin/Release/net10.0/lastclick.dll"
BENCH="dotnet $ROOT/bench/LastClick.Bench/bin/Release/net10.0/LastClick.Bench.dll"
FILE="$WORK/catalog-$N.jsonl"
[ -f "$FILE" ] || $BENCH gen-catalog "$N" "$FILE"
DB="$WORK/bench.db"
measure() { # label, command…: prints "label: S s, peak RSS M MB"
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" >"$WORK/out" 2>"$WORK/err" || { cat "$WORK/err"; exit 1; }
  read -r seconds kb <"$WORK/time"
  printf '%-44s %7.1f s   peak RSS %5d MB   %s\n' "$label" "$seconds" $((kb / 1024)) "$(tail -c 200 "$WORK/out" | tr -d '\n')"
}
echo "catalog bench · $N products · $(nproc) cores · $(date -u +%F) · file $(du -h "$FILE" | cut -f1)"
if [ -z "${SKIP_IMPORT:-}" ]; then   # SKIP_IMPORT=1: measure the feeds again on the store of the last run
  rm -f "$DB" "$DB-wal" "$DB-shm"
  measure "import (new store)" $LASTCLICK catalog import "$FILE" --store "$DB"
  measure "import again (every product unchanged)" $LASTCLICK catalog import "$FILE" --store "$DB"
fi
$BENCH link "$DB" >/dev/null   # the publisher "bench"
measure "feed export: Merchant XML, gzip, DE, fr" $LASTCLICK feed export --store "$DB" --publisher bench --program aliexpress-ww --market DE --language fr \
  --out "$WORK/feed.xml.gz"
URL=$(grep -o 'http://[^ ]*\.xml' "$WORK/out" | head -1)
echo "  feed file: $(du -h "$WORK/feed.xml.gz" | cut -f1) gzip"
measure "feed export: CSV" $LASTCLICK feed export --store "$DB" --publisher bench --program aliexpress-ww --market DE --language fr --out "$WORK/feed.csv"

# The same feed from the server's stable URL (gzip), and the server's peak memory over the run.
PORT=$((20000 + RANDOM % 20000))
URL=${URL/127.0.0.1:8080/127.0.0.1:$PORT}
$LASTCLICK serve --store "$DB" --urls "http://127.0.0.1:$PORT" >"$WORK/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
before=$(grep VmRSS /proc/$SERVER/status | awk '{print $2}')
curl -s -o "$WORK/served.xml.gz" -H 'Accept-Encoding: gzip' -w 'served over HTTP (gzip)                      %{time_total} s   %{size_download} bytes\n' "$URL"
hwm=$(grep VmHWM /proc/$SERVER/status | awk '{print $2}')
echo "  server RSS before the fetch $((before / 1024)) MB, peak over its life $((hwm / 1024)) MB"
etag=$(curl -s -D - -o /dev/null -H 'Accept-Encoding: gzip' "$URL" | grep -i '^etag' | cut -d' ' -f2- | tr -d '\r')
curl -s -o /dev/null -H 'Accept-Encoding: gzip' -H "If-None-Match: $etag" -w 'conditional fetch (If-None-Match)            %{time_total} s   HTTP %{http_code}\n' "$URL"
