#!/usr/bin/env bash
# One recorded fuzzing run, as docs/reliability.md lists them: `cd fuzz && ./run-one.sh TARGET 600`.
# One job (the machine is shared), a 10 s timeout per input so that a slow input counts as a
# finding, libFuzzer's log kept in logs/TARGET.log and a summary line appended to logs/summary.txt.
set -u
t=$1; secs=$2
mkdir -p corpus/$t logs
start=$(date +%s)
cargo fuzz run --sanitizer none $t corpus/$t seeds/$t -- -max_total_time=$secs -timeout=10 -jobs=1 > logs/$t.out 2>&1
rc=$?
end=$(date +%s)
cp fuzz-0.log logs/$t.log 2>/dev/null
echo "target=$t rc=$rc seconds=$((end-start)) corpus=$(ls corpus/$t | wc -l)" >> logs/summary.txt
