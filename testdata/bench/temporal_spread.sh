#!/usr/bin/env bash
# Makespan of backtest-like work on Temporal: one worker against two.
# The work: a Dixon-Coles walk-forward fit per league of ../shared/data/odds
# (CPU-bound, 2-4 s each), independent nodes. Each worker runs one node at a
# time (--max-parallel 1), so two workers should take about half the time of
# one, when each has a core to itself: on one 2-core machine, both share it
# with the server and the client.
#
#   testdata/bench/temporal_spread.sh [ROUNDS]      (from the repository root)
#
# Uses $PIPE_TEMPORAL_ADDRESS, or starts .ci/temporal's server.
set -euo pipefail
rounds=${1:-3}
data=../shared/data/odds
[ -d "$data" ] || { echo "no $data: this benchmark needs the shared football data" >&2; exit 1; }
work=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]+"${pids[@]}"}"; do kill "$p" 2>/dev/null || true; done
	[ -n "${started:-}" ] && .ci/temporal/stop
	rm -rf "$work"
}
trap cleanup EXIT
if [ -z "${PIPE_TEMPORAL_ADDRESS:-}" ]; then
	env=$(.ci/temporal/start)
	eval "$env"
	started=1
fi
go build -o "$work/pipe" ./cmd/pipe
{
	echo "name: spread"
	echo "nodes:"
	for f in "$data"/*.csv; do
		league=$(basename "$f" .csv | tr -c 'a-z0-9\n' '_')
		echo "  $league: {module: sports_predictor, with: {data: $f, method: dixon_coles}}"
	done
} >"$work/spread.yaml"

run() { # QUEUE: prints the wall time in seconds
	local start end
	start=$(date +%s%N)
	"$work/pipe" run "$work/spread.yaml" --on "temporal://$PIPE_TEMPORAL_ADDRESS/default" --task-queue "$1" \
		--output quiet --runs-dir "$work/runs" >/dev/null 2>"$work/client.log" || { cat "$work/client.log" >&2; exit 1; }
	end=$(date +%s%N)
	echo "scale=2; ($end - $start) / 1000000000" | bc
}
workers() { # QUEUE N: starts N workers on QUEUE
	for i in $(seq "$2"); do
		"$work/pipe" worker --temporal "$PIPE_TEMPORAL_ADDRESS" --task-queue "$1" --max-parallel 1 \
			--name "w$i" --runs-dir "$work/runs" 2>>"$work/workers.log" &
		pids+=($!)
	done
	sleep 1
}
workers one 1
workers two 2
echo "round  one-worker-s  two-workers-s  two/one"
for r in $(seq "$rounds"); do
	a=$(run one)
	b=$(run two)
	echo "$r      $a         $b          $(echo "scale=2; $b / $a" | bc)"
done
