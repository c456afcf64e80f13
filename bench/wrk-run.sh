# Sourced by bench/redirect.sh and bench/redirect-ab.sh: one wrk run at 64 connections on a port's /go/$code for
# $secs seconds → "requests/s p50_ms p99_ms".
run() {
  eval wrk -t2 -c64 -d"${secs}s" --latency ${WRK_HEADERS:-} "http://127.0.0.1:$1/go/$code" | awk '
    /Requests\/sec/ {rps=$2}
    /^ +50%/ {p50=$2} /^ +99%/ {p99=$2}
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    END {printf "%s %.3f %.3f\n", rps, ms(p50), ms(p99)}'
}
