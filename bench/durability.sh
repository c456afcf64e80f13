#!/usr/bin/env bash
# SIGKILL durability, the long version (issue 3): `lastclick serve` (Release) is killed mid-load KILLS times
# (default 50) while 8 connections click; afterwards every click that got a 302 must be in the store.
#   bash bench/durability.sh [KILLS]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release -v q src/LastClick/LastClick.csproj >/dev/null
dotnet run -c Release --project bench/LastClick.Bench -- durability "$PWD/src/LastClick/bin/Release/net10.0/lastclick.dll" "${1:-50}"
