#!/bin/sh
# Wall clock of one horgos-2025 year with and without the event log, runs interleaved so
# that both see the same machine (issue: real data, the tracing speed target). Usage:
#   cargo build --release && benches/trace_overhead.sh [runs] [format]
# Prints each run and the medians: untraced, traced, and their ratio. The previous run's
# outputs are deleted before each timed run: `--force` over an old 114 MB log would
# otherwise time the file system freeing it (about 70 ms here, inside the rename that puts
# the new log in place), which is no part of writing the new one.
set -eu
runs=${1:-7}
format=${2:-parquet}
bin=${BIN:-target/release/bordersim}
scenario=${SCENARIO:-scenarios/horgos-2025.toml}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
wall() { # the run's arguments; prints seconds
    rm -rf "$tmp/plain" "$tmp/traced" "$tmp/log.$format"
    /usr/bin/time -f %e -o "$tmp/time" "$bin" run "$scenario" -r1 --no-charts -q --force "$@" >/dev/null
    cat "$tmp/time"
}
i=0
while [ "$i" -lt "$runs" ]; do
    a=$(wall --out "$tmp/plain")
    b=$(wall --out "$tmp/traced" --trace "$tmp/log.$format" --trace-format "$format")
    echo "run $i: untraced $a s, traced $b s"
    echo "$a" >>"$tmp/a"
    echo "$b" >>"$tmp/b"
    i=$((i + 1))
done
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ma=$(median "$tmp/a")
mb=$(median "$tmp/b")
echo "median: untraced $ma s, traced $mb s, ratio $(echo "$mb $ma" | awk '{ printf "%.2f", $1 / $2 }')"
