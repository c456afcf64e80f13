#!/usr/bin/env bash
# Postbacks benchmark (issue 15): 20,000 outbox messages delivered to a tracker on loopback (postbacks/s), then order
# ingestion with postbacks on (the delivery worker running beside it) and off, interleaved, three rounds.
#   bash bench/postbacks.sh
#   bash bench/postbacks.sh --messages 5000 --orders 2000 --rounds 2
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release -v q bench/LastClick.Bench/LastClick.Bench.csproj >/dev/null
exec dotnet bench/LastClick.Bench/bin/Release/net10.0/LastClick.Bench.dll postbacks "$@"
