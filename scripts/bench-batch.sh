#!/usr/bin/env bash
# End-to-end batch figures for docs/performance.md: throughput of `jixiao review --format json`
# against the parse-only floor, per-form time at three corpus sizes, one job against two, and peak
# memory. Run on a quiet machine:
#
#     scripts/bench-batch.sh [DIR]        # corpora are generated under DIR (default /tmp/jixiao-bench)
#
# Each measurement is the best of three runs (wall clock); peak memory is the largest RSS seen.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-/tmp/jixiao-bench}
mkdir -p "$dir"

cargo build --release --quiet --bin jixiao --example gen_corpus --example parse_floor
jixiao=./target/release/jixiao
floor=./target/release/examples/parse_floor

for n in 1000 10000 100000; do
  [ -d "$dir/$n" ] || ./target/release/examples/gen_corpus --forms "$n" --seed 1 --out "$dir/$n" 2>/dev/null
done

# best-of-3 wall seconds and max RSS (KB) of a command
measure() {
  local best="" rss=0
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %M" -o "$dir/.time" "$@" >/dev/null 2>&1 || true
    local out t m
    out=$(tail -1 "$dir/.time")
    t=${out% *}
    m=${out#* }
    if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
    [ "$m" -gt "$rss" ] && rss=$m
  done
  echo "$best $rss"
}

printf "%-8s %-5s %-18s %9s %12s %12s %9s\n" forms jobs command seconds forms/s µs/form peakMB
for n in 1000 10000 100000; do
  for jobs in 1 2; do
    for what in floor review; do
      if [ "$what" = floor ]; then
        read -r t m < <(measure "$floor" --jobs "$jobs" "$dir/$n")
      else
        read -r t m < <(measure "$jixiao" review --jobs "$jobs" --format json --fail-on never "$dir/$n")
      fi
      awk -v n="$n" -v j="$jobs" -v w="$what" -v t="$t" -v m="$m" \
        'BEGIN{printf "%-8s %-5s %-18s %9.2f %12.0f %12.1f %9.1f\n", n, j, w, t, n/t, t*1e6/n, m/1024}'
    done
  done
done
