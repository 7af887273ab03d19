#!/usr/bin/env bash
# Does watching a run cost anything? pipe with each --output mode, and with
# its status line on a terminal, against GNU make -j on the same DAG of
# exec nodes that each print a few lines (through one small sh script, run
# by path by both). See the README's performance section.
#
#   testdata/bench/output.sh [N]                    # default: 1000 nodes
#   ROUNDS=10 LINES=3 SHAPE=wide JOBS=8 testdata/bench/output.sh 1000
#   RUNS_ON=/dev/shm PIPE=/path/to/pipe testdata/bench/output.sh
#
# Rounds interleave the commands (a different order each round), so that
# the machine's drift reaches them alike; it prints medians and each
# pipe's ratio to make (the terminal runs to make on a terminal). Compare
# ratios from one run only. Terminal runs go through script(1), whose
# pseudo-terminal both sides pay for.
#
# Every node that prints gets a log file, and make writes none. Each run
# gets a runs directory of its own, removed only at the end: on ext4
# without a journal (this machine's disk), a file made just after
# thousands were deleted costs 0.3 ms (the kernel skips the inodes freed
# in the last seconds), 7 us on tmpfs, and removing the last run's logs
# before each run made pipe pay that for every node. RUNS_ON=/dev/shm
# puts the runs directories there.
set -euo pipefail
cd "$(dirname "$0")/../.."

n=${1:-1000}
rounds=${ROUNDS:-10}
lines=${LINES:-3}
shape=${SHAPE:-wide}
jobs=${JOBS:-8}
work=$(mktemp -d)
runs=$(mktemp -d "${RUNS_ON:-$work}/runs.XXXXXX")
trap 'rm -rf "$work" "$runs"' EXIT

pipe=${PIPE:-$work/pipe} # PIPE=/path/to/pipe measures that build
[ -n "${PIPE:-}" ] || go build -o "$pipe" ./cmd/pipe
go run ./testdata/bench/gen -shape "$shape" -n "$n" -lines "$lines" -jobs "$jobs" -out "$work/dag"
rdir=$runs/warm-up # time_one gives each timed run its own
pipe_run() { $pipe run "$work/dag/pipeline.yaml" --max-parallel "$jobs" --runs-dir "$rdir" "$@"; }

names=(make pipe_quiet pipe_prefixed pipe_grouped make_tty pipe_tty)
run_one() {
	case $1 in
	make) make -s -j"$jobs" -C "$work/dag" ;;
	pipe_quiet) pipe_run --output quiet ;;
	pipe_prefixed) pipe_run --output prefixed ;;
	pipe_grouped) pipe_run --output grouped ;;
	make_tty) script -qec "make -s -j$jobs -C $work/dag" /dev/null ;;
	pipe_tty) script -qec "$pipe run $work/dag/pipeline.yaml --max-parallel $jobs --runs-dir $rdir --output prefixed" /dev/null ;; # and the status line
	esac
}

# time_one NAME: runs it once, output discarded, and prints seconds.
time_one() {
	rdir=$(mktemp -d "$runs/r.XXXXXX")
	local start end
	start=$(date +%s%N)
	run_one "$1" >/dev/null 2>&1 </dev/null
	end=$(date +%s%N)
	echo "scale=4; ($end - $start) / 1000000000" | bc -l
}

declare -A times
for name in "${names[@]}"; do
	run_one "$name" >/dev/null 2>&1 </dev/null # warm-up
done
for r in $(seq "$rounds"); do
	k=${#names[@]}
	for i in $(seq 0 $((k - 1))); do
		name=${names[$(((i + r) % k))]}
		times[$name]+="$(time_one "$name") "
	done
done

median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
printf '%s DAG, %d exec nodes printing %d lines each, -j%d, %d rounds (median), runs in %s\n' "$shape" "$n" "$lines" "$jobs" "$rounds" "${RUNS_ON:-$work}"
printf '%-14s %9s %9s\n' command seconds ratio
for name in "${names[@]}"; do
	m=$(median <<<"${times[$name]}")
	base=${times[make]}
	[[ $name == *_tty ]] && base=${times[make_tty]}
	b=$(median <<<"$base")
	printf '%-14s %8.3fs %9.2f\n' "$name" "$m" "$(echo "$m / $b" | bc -l)"
done
