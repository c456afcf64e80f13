#!/usr/bin/env bash
# Reports benchmark (issue 5): 10,000,000 clicks and 300,000 orders over 90 days for 2,000 publishers, written with
# their rollups, then the dashboard's reports timed (publisher p50/p95/max and the operator's over all publishers).
#   bash bench/reports.sh                         # SQLite (a temporary file)
#   bash bench/reports.sh --store postgres://…    # PostgreSQL
#   bash bench/reports.sh --clicks 1000000 --orders 30000   # smaller
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release -v q bench/LastClick.Bench/LastClick.Bench.csproj >/dev/null
exec dotnet bench/LastClick.Bench/bin/Release/net10.0/LastClick.Bench.dll reports "$@"
