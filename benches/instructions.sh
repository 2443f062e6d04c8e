#!/bin/sh
# Instruction counts of the whole `bordersim run` process by callgrind, which hold on a
# noisy machine where wall-clock benches do not (issue: engine speed). Usage:
#   cargo build --release && benches/instructions.sh [target/release/bordersim]
# Prints, for each case, the instructions of the process and, for M/M/4, per customer.
#   mm4:        scenarios/mmc.toml (load 0.9, daily rows), 139 days: about 200,000 customers
#   mm4-hourly: the same with hourly rows (the default interval), to price the rows
#   horgos:     one replication of a horgos-2025 year
set -eu
bin=${1:-target/release/bordersim}
command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

count() { # name, then the run arguments
    name=$1
    shift
    valgrind --tool=callgrind --callgrind-out-file="$tmp/$name.out" "$bin" run "$@" \
        --replications 1 --threads 1 --no-charts -q --out "$tmp/$name" >/dev/null 2>"$tmp/$name.log" ||
        { cat "$tmp/$name.log" >&2; exit 1; }
    sed -n 's/^summary: //p' "$tmp/$name.out"
}

customers() { # arrivals in summary.json's headline
    awk '/"run_arrived"/ { on = 1 } on && /"mean"/ { gsub(/[^0-9.]/, ""); print; exit }' "$1/summary.json"
}

for case in mm4 mm4-hourly horgos; do
    case $case in
    mm4) n=$(count mm4 scenarios/mmc.toml --days 139) ;;
    mm4-hourly)
        sed 's/^report_interval_min = 1440/report_interval_min = 60/' scenarios/mmc.toml >"$tmp/mmc-hourly.toml"
        n=$(count mm4-hourly "$tmp/mmc-hourly.toml" --days 139)
        ;;
    horgos) n=$(count horgos scenarios/horgos-2025.toml) ;;
    esac
    case $case in
    mm4*)
        c=$(customers "$tmp/$case")
        printf '%-11s %14s instructions  %s customers  %s per customer\n' "$case" "$n" "$c" \
            "$(awk -v n="$n" -v c="$c" 'BEGIN { printf "%.0f", n / c }')"
        ;;
    *) printf '%-11s %14s instructions\n' "$case" "$n" ;;
    esac
done
