#!/usr/bin/env bash
# The 100,000-node process (issue 13, part 2): a random DAG of in-process
# echo nodes. Prints, from interleaved rounds (see interleave/main.go),
# `pipe validate` against a bare yaml.v3 parse of the same file into a
# yaml.Node (yamlnode/), `pipe run` against `pipe validate`, and what
# --json adds; then the peak RSS of `pipe run`. Compare ratios from one
# run only.
#
#   testdata/bench/process.sh              # 100,000 nodes, 6 rounds
#   ROUNDS=10 testdata/bench/process.sh 10000
set -euo pipefail
cd "$(dirname "$0")/../.."

n=${1:-100000}
rounds=${ROUNDS:-6}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

pipe=${PIPE:-$work/pipe}
[ -n "${PIPE:-}" ] || go build -o "$pipe" ./cmd/pipe
go build -o "$work/yamlnode" ./testdata/bench/yamlnode
go build -o "$work/interleave" ./testdata/bench/interleave
go run ./testdata/bench/gen -shape random -n "$n" -echo -out "$work/dag"
file=$work/dag/pipeline.yaml

# Each round's runs go to a fresh directory: 30 MB records pile up.
"$work/interleave" -rounds "$rounds" -warmup 1 \
	-ratio validate/yaml -ratio run/validate -ratio run_json/run \
	yaml="$work/yamlnode $file" \
	validate="$pipe validate $file" \
	run="$pipe run $file --runs-dir $work/runs" \
	run_json="$pipe run $file --json --runs-dir $work/runs"
rm -rf "$work/runs"

rss=()
for _ in 1 2 3; do
	/usr/bin/time -f %M -o "$work/rss" "$pipe" run "$file" --runs-dir "$work/runs" >/dev/null 2>&1
	rss+=("$(cat "$work/rss")")
	rm -rf "$work/runs"
done
printf '\npeak RSS of pipe run, 3 runs:'
printf '%s\n' "${rss[@]}" | sort -n | awk '{printf " %d", $1 / 1024} END {print " MB"}'
