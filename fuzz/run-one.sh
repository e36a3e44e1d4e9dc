#!/usr/bin/env bash
# One recorded fuzzing run, as docs/reliability.md lists them: `cd fuzz && ./run-one.sh TARGET 600`.
# In-process (no -jobs), so that runs of different targets can share this directory; a 10 s
# timeout per input, so that a slow input counts as a finding. libFuzzer's log is kept in
# logs/TARGET.log, and a summary line (exit status, seconds, executions, corpus size) is appended
# to logs/summary.txt.
set -u
t=$1; secs=$2
mkdir -p corpus/$t logs
start=$(date +%s)
cargo fuzz run --sanitizer none $t corpus/$t seeds/$t -- -max_total_time=$secs -timeout=10 -print_final_stats=1 > logs/$t.log 2>&1
rc=$?
end=$(date +%s)
execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' logs/$t.log | grep -o '[0-9]*$')
echo "target=$t rc=$rc seconds=$((end-start)) executions=${execs:-?} corpus=$(ls corpus/$t | wc -l) commit=$(git rev-parse --short HEAD)" >> logs/summary.txt
