#!/usr/bin/env bash
# pipe's fixed cost against GNU make (issue 13, "small pipelines"): a
# 1-node pipeline, `pipe --version`, and a 50-node random DAG 8 at a
# time, every node /bin/true; and the same for a pipe built with
# -tags notemporal (slim_*), which leaves the Temporal SDK out. gofloor is
# a Go program that only runs /bin/true: what any Go binary pays here;
# libfloor is gofloor with the five libraries pipe must use linked in,
# the floor under pipe_1/make_1 for any program built on them. With CPU=1 it also prints CPU times
# (user + system of each command and the children it waited for). Rounds
# interleave the commands (see interleave/main.go); it prints medians with
# their ranges and the ratios the issue names, per round. Compare ratios
# from one run only.
#
#   testdata/bench/startup.sh                 # 40 rounds
#   ROUNDS=100 testdata/bench/startup.sh
#   PIPE=/path/to/pipe SLIM=/path/to/slim/pipe testdata/bench/startup.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

rounds=${ROUNDS:-40}
jobs=${JOBS:-8}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

pipe=${PIPE:-$work/pipe}
[ -n "${PIPE:-}" ] || go build -o "$pipe" ./cmd/pipe
slim=${SLIM:-$work/slim}
[ -n "${SLIM:-}" ] || go build -tags notemporal -o "$slim" ./cmd/pipe
go build -o "$work/interleave" ./testdata/bench/interleave
go build -o "$work/gofloor" ./testdata/bench/gofloor
go build -o "$work/libfloor" ./testdata/bench/libfloor
go run ./testdata/bench/gen -shape wide -n 1 -out "$work/one"
go run ./testdata/bench/gen -shape random -n 50 -jobs "$jobs" -out "$work/fifty"

cpu=()
[ -z "${CPU:-}" ] || cpu=(-cpu)
"$work/interleave" -rounds "$rounds" -warmup 2 "${cpu[@]}" \
	-ratio gofloor/make_1 -ratio libfloor/make_1 -ratio pipe_1/make_1 -ratio version/make_1 -ratio pipe_50/make_50 \
	-ratio slim_1/make_1 -ratio slim_version/make_1 -ratio slim_50/make_50 \
	-ratio slim_1/pipe_1 -ratio slim_version/version \
	make_1="make -s -C $work/one" \
	gofloor="$work/gofloor" \
	libfloor="$work/libfloor" \
	pipe_1="$pipe run $work/one/pipeline.yaml --runs-dir $work/runs" \
	version="$pipe --version" \
	make_50="make -s -j$jobs -C $work/fifty" \
	pipe_50="$pipe run $work/fifty/pipeline.yaml --max-parallel $jobs --runs-dir $work/runs" \
	slim_1="$slim run $work/one/pipeline.yaml --runs-dir $work/runs" \
	slim_version="$slim --version" \
	slim_50="$slim run $work/fifty/pipeline.yaml --max-parallel $jobs --runs-dir $work/runs"
