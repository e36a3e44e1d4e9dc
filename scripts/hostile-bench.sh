#!/usr/bin/env bash
# Time and peak memory of jixiao on each hostile input (issue 14): every one must finish in under
# 5 s and 500 MB with a located error or a finding. Measured, not asserted (the numbers depend on
# the machine); docs/reliability.md records a run.
#
#   scripts/hostile-bench.sh            # builds the release binary if needed
#
# The workbooks come from the generators in tests/hostile.rs (JIXIAO_HOSTILE_DIR); the forms,
# templates and rule files are made here.
set -euo pipefail
cd "$(dirname "$0")/.."
lock() { flock /tmp/jixiao-cargo.lock "$@"; }

dir=target/hostile
rm -rf "$dir"
mkdir -p "$dir"
lock cargo build --release --quiet
JIXIAO_HOSTILE_DIR="$PWD/$dir" lock cargo test --quiet --test hostile \
  each_hostile_workbook_is_a_located_error_and_the_batch_goes_on >/dev/null

form=tests/fixtures/valid-minimal.toml
# A form padded to just under 8 MiB: with blank lines, with one comment line, with a long value.
pad=$((8 * 1024 * 1024 - $(wc -c <"$form") - 64))
{ cat "$form"; head -c "$pad" /dev/zero | tr '\0' '\n'; } >"$dir/padded-newlines.toml"
{ cat "$form"; printf '# '; head -c "$pad" /dev/zero | tr '\0' 'x'; echo; } >"$dir/padded-comment.toml"
{ sed 's/^department = .*/department = "__PAD__"/' "$form" >"$dir/tmp.toml"
  python3 - "$dir/tmp.toml" "$pad" >"$dir/padded-string.toml" <<'EOF'
import sys
text = open(sys.argv[1], encoding="utf-8").read()
print(text.replace("__PAD__", "部" * (int(sys.argv[2]) // 3)), end="")
EOF
  rm "$dir/tmp.toml"; }
# Many tokens on one line: an array of 4 million numbers under a key of its own.
{ cat "$form"; printf 'padding = ['; head -c $((pad / 2)) /dev/zero | tr '\0' '1' | sed 's/1/1,/g'; echo '1]'; } >"$dir/padded-array.toml"

# A template nested 18 sections deep (7 GB before the limit), and 50,000 nested sections.
{ for _ in $(seq 18); do printf '{{#项目}}'; done; printf '{{名称}}'; for _ in $(seq 18); do printf '{{/项目}}'; done; echo; } >"$dir/nested-18.txt"
{ for _ in $(seq 50000); do printf '{{#项目}}'; done; for _ in $(seq 50000); do printf '{{/项目}}'; done; echo; } >"$dir/nested-50000.txt"

# A rule file of 65,000 step bands (33 s before the band limit).
{ printf 'ruleset many-bands {\n  version 1\n  years 2023..\n}\n\nformula s = steps rate {\n'
  seq 0 64999 | sed 's/.*/=&->1/'; printf '  else -> 0\n}\n'; } >"$dir/bands.rules"

jixiao=target/release/jixiao
printf '%-34s %6s %9s %5s  %s\n' input seconds "peak MB" exit "first line of stderr"
run() {
  local name=$1; shift
  local log="$dir/$name.time" err="$dir/$name.err"
  set +e
  /usr/bin/time -v "$jixiao" "$@" >/dev/null 2>"$err.raw"
  local code=$?
  set -e
  grep -E '^\s+(Elapsed|Maximum resident)' "$err.raw" >"$log" || true
  grep -vE '^\s+[A-Z][A-Za-z /()]+:' "$err.raw" | grep -v 'Command exited' >"$err" || true
  local elapsed rss
  elapsed=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$log" | awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$log")
  printf '%-34s %6.2f %9.1f %5s  %.90s\n' "$name" "$elapsed" "$(echo "$rss / 1024" | bc -l)" "$code" "$(head -1 "$err")"
}

for book in "$dir"/*.xlsx; do
  run "$(basename "$book")" score "$book"
done
for padded in "$dir"/padded-*.toml; do
  run "$(basename "$padded")" score "$padded"
  copies=()
  for i in 1 2 3 4; do cp "$padded" "$dir/copy$i.toml.in"; mv "$dir/copy$i.toml.in" "$dir/copy$i-$(basename "$padded")"; copies+=("$dir/copy$i-$(basename "$padded")"); done
  run "$(basename "$padded") ×4 -j 2" score -j 2 "${copies[@]}"
  rm "${copies[@]}"
done
run nested-18.txt report --disclosure --template "$dir/nested-18.txt" evaluations/xuchang-2023/
run nested-50000.txt report --disclosure --template "$dir/nested-50000.txt" evaluations/xuchang-2023/
run bands.rules rules check "$dir/bands.rules"
run "-j 20000" score -j 20000 evaluations/xuchang-2023/
