#!/usr/bin/env bash
# Makespan (issue 13, part 3): a random DAG of n nodes that sleep 10-100 ms
# (fixed seed), no concurrency bound. Prints, over rounds in which the
# runners alternate, each runner's time over the DAG's critical path:
# pipe's wall to wall (the process, start-up and record included), pipe's
# run as its record times it, and make -j's wall to wall. Compare ratios
# from one run only: a busy machine moves them all.
#
#   testdata/bench/makespan.sh            # 1,000 nodes, 8 rounds
#   ROUNDS=4 testdata/bench/makespan.sh 10000
set -euo pipefail
cd "$(dirname "$0")/../.."

n=${1:-1000}
rounds=${ROUNDS:-8}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

pipe=${PIPE:-$work/pipe}
[ -n "${PIPE:-}" ] || go build -o "$pipe" ./cmd/pipe
go run ./testdata/bench/gen -shape random -n "$n" -sleep -out "$work/dag"
crit=$(cat "$work/dag/critical_path_ms")

now_ms() { echo $(($(date +%s%N) / 1000000)); }
: >"$work/wall" >"$work/record" >"$work/make"
for _ in $(seq "$rounds"); do
	rm -rf "$work/runs"
	start=$(now_ms)
	"$pipe" run "$work/dag/pipeline.yaml" --max-parallel 100000 --runs-dir "$work/runs" --json >"$work/rec.json" 2>/dev/null
	echo $(($(now_ms) - start)) >>"$work/wall"
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["duration_ms"])' "$work/rec.json" >>"$work/record"
	start=$(now_ms)
	make -s -j -C "$work/dag" >/dev/null
	echo $(($(now_ms) - start)) >>"$work/make"
done

echo "random DAG, $n nodes of sleep 10-100 ms, critical path $crit ms, $rounds rounds"
printf '%-30s %10s %18s\n' runner "median" "range (/ critical path)"
for r in wall record make; do
	label=$r
	case $r in
	wall) label="pipe run, eager, wall to wall" ;;
	record) label="pipe run, eager, its record" ;;
	make) label="make -j, wall to wall" ;;
	esac
	sort -n "$work/$r" | awk -v c="$crit" -v l="$label" '{v[NR]=$1/c} END {printf "%-30s %10.3f %9.3f-%.3f\n", l, v[int((NR+1)/2)], v[1], v[NR]}'
done
