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

cargo build --profile dist --quiet --bin jixiao --example gen_corpus --example parse_floor
jixiao=./target/dist/jixiao
floor=./target/dist/examples/parse_floor

for n in 1000 10000 100000; do
  [ -d "$dir/$n" ] || ./target/dist/examples/gen_corpus --forms "$n" --seed 1 --out "$dir/$n" 2>/dev/null
done

# best-of-3 wall seconds (from the clock, to the microsecond: /usr/bin/time rounds to 10 ms,
# too coarse for the small corpus) and max RSS (KB, from /usr/bin/time) of a command
measure() {
  local best="" rss=0
  for _ in 1 2 3; do
    local t0 t1 t m
    t0=$(date +%s%N)
    /usr/bin/time -f "%M" -o "$dir/.time" "$@" >/dev/null 2>&1 || true
    t1=$(date +%s%N)
    t=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.4f", (b - a) / 1e9}')
    m=$(tail -1 "$dir/.time")
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
        'BEGIN{printf "%-8s %-5s %-18s %9.3f %12.0f %12.1f %9.1f\n", n, j, w, t, n/t, t*1e6/n, m/1024}'
    done
  done
done
