#!/usr/bin/env bash
# Reruns newswire's benchmarks next to their peers, N times each, and prints medians, ranges
# and ratios (the figures BENCHMARKS.md cites).
#
#   scripts/bench.sh                       # every benchmark but the soak, 3 runs each
#   scripts/bench.sh -n 5 parse countries  # named ones only
#   scripts/bench.sh soak                  # the 30-minute soak (SOAK_MINUTES, SOAK_RATE)
#
# Names: parse poll_load countries countries_peer enrich enrich_peer postgres kafka soak.
# Each run's full output goes to DIR/NAME-I.log (-o DIR, default /tmp/newswire-bench-DATE);
# bench/summarize.py reads those logs. Every command is the one its benchmark documents.
# Needs what scripts/test.sh sets up (PostgreSQL for `postgres`; Tansu for `kafka` and `soak`,
# installed by scripts/tansu.sh) and python3 with feedparser for `parse`.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=3
out="/tmp/newswire-bench-$(date -u +%Y%m%dT%H%M%S)"
while getopts "n:o:" opt; do
    case $opt in
        n) runs=$OPTARG ;;
        o) out=$OPTARG ;;
        *) echo "usage: $0 [-n RUNS] [-o DIR] [NAME...]" >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
names=("$@")
[ ${#names[@]} -eq 0 ] && names=(parse poll_load countries countries_peer enrich enrich_peer postgres kafka)
mkdir -p "$out"
target="${CARGO_TARGET_DIR:-$PWD/target}"

# One benchmark run: NAME I COMMAND...; output to the log and the terminal.
run() {
    local name=$1 i=$2
    shift 2
    echo "==> [$name $i/$runs] $*"
    "$@" 2>&1 | tee "$out/$name-$i.log"
}

bench() {
    local name=$1 i
    case $name in
        parse)
            for i in $(seq "$runs"); do run parse "$i" cargo bench -q -p newswire-feeds --bench parse; done ;;
        poll_load)
            for i in $(seq "$runs"); do run poll_load "$i" cargo bench -q -p newswire-feeds --bench poll_load; done ;;
        countries)
            for i in $(seq "$runs"); do
                run countries "$i" cargo bench -q -p newswire-enrich --bench countries -- --measurement-time 3
            done ;;
        countries_peer)
            cargo build --release -q -p newswire-enrich --example countries_peer
            run countries_peer 1 python3 bench/peers/countries.py --runs "$runs" \
                --rust "$target/release/examples/countries_peer" ;;
        enrich)
            for i in $(seq "$runs"); do
                run enrich "$i" cargo bench -q -p newswire-enrich --bench enrich -- --measurement-time 3
            done ;;
        enrich_peer)
            # Whole processes on one file of wire stories: newswire (every core, then one
            # thread) and geotext; the script alternates them RUNS times and prints the ratios.
            cargo build --release -q -p newswire
            run enrich_peer 1 python3 bench/peers/enrich_whole.py --runs "$runs" \
                --newswire "$target/release/newswire" ;;
        postgres)
            # The bench alternates sink and COPY trials itself and reports their medians.
            NEWSWIRE_BENCH_TRIALS=$runs run postgres 1 cargo bench -q -p newswire-sinks --bench postgres ;;
        kafka)
            cargo build --release -q -p newswire -p newswire-testkit --examples
            for i in $(seq "$runs"); do
                run kafka "$i" "$target/release/examples/kafka_bench" "$target/release/newswire" 30000
            done ;;
        soak)
            cargo build --release -q -p newswire -p newswire-testkit --examples
            run soak 1 "$target/release/examples/soak" "$target/release/newswire" \
                --minutes "${SOAK_MINUTES:-30}" --rate "${SOAK_RATE:-500}" --out "$out/soak" ;;
        *) echo "unknown benchmark $name (parse poll_load countries countries_peer enrich enrich_peer postgres kafka soak)" >&2; exit 2 ;;
    esac
}

status=0
for name in "${names[@]}"; do
    bench "$name" || { echo "==> $name failed (exit $?)"; status=1; }
done
echo
echo "==> summary ($out, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ))"
python3 bench/summarize.py "$out" "${names[@]}"
exit $status
