#!/usr/bin/env bash
# Payouts benchmark (issue 14): 100,000 publishers with payable balances, then a run planned, approved and exported
# with its bank files written (SEPA pain.001, schema-checked, and the wire CSV); times and the run's peak memory.
#   bash bench/payouts.sh                          # SQLite (a temporary file)
#   bash bench/payouts.sh --publishers 10000       # smaller
#   bash bench/payouts.sh --store postgres://…     # PostgreSQL
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release -v q bench/LastClick.Bench/LastClick.Bench.csproj >/dev/null
exec dotnet bench/LastClick.Bench/bin/Release/net10.0/LastClick.Bench.dll payouts "$@"
