#!/usr/bin/env bash
# What do the history commands cost in a big runs directory? It runs a
# pipeline of NODES echo nodes once (and a failing one, to resume), copies
# its record N times under new ids (a second apart, oldest first), and
# times runs -n 1, show, logs, explain, graph --run last and
# run --resume last there, each the median of ROUNDS. runs --pipeline
# other (no run of it: every record's head is read) and runs -n 0 (every
# record listed) are the worst cases. See the README's
# performance section.
#
#   testdata/bench/history.sh [N]              # default: 10000 records
#   NODES=290 testdata/bench/history.sh 3000   # records of about 58 KB
#   PIPE=/path/to/pipe testdata/bench/history.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

n=${1:-10000}
nodes=${NODES:-2}
rounds=${ROUNDS:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pipe=${PIPE:-$work/pipe}
[ -n "${PIPE:-}" ] || go build -o "$pipe" ./cmd/pipe

{
	echo "name: hist"
	echo "nodes:"
	for i in $(seq "$nodes"); do echo "  n$i: {module: echo, with: {message: node $i of the run}}"; done
	echo "  last: {module: exec, with: {command: 'echo printed; test -e $work/ok'}}"
} >"$work/p.yaml"
runs=$work/runs
$pipe run "$work/p.yaml" --runs-dir "$runs" >/dev/null 2>&1 || true
rec=$(ls "$runs"/*.json)
id=$(basename "$rec" .json)
base=$(date -u -d '2020-01-01' +%s)
awk -v id="$id" -v n="$n" -v base="$base" -v runs="$runs" '
	{ text = text $0 "\n" }
	END {
		for (i = 0; i < n; i++) {
			t = base + i
			new = sprintf("%s-%08x", strftime("%Y%m%dT%H%M%SZ", t, 1), i)
			out = text
			gsub(id, new, out)
			printf "%s", out > (runs "/" new ".json")
			close(runs "/" new ".json")
		}
	}' "$rec"
printf '%d records of %d bytes in %s\n' "$(ls "$runs" | grep -c json)" "$(stat -c %s "$rec")" "$runs"

median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
time_one() {
	local start end
	start=$(date +%s%N)
	"$@" >/dev/null 2>&1 </dev/null || true
	end=$(date +%s%N)
	echo "scale=3; ($end - $start) / 1000000000" | bc -l
}
cmds=(
	"runs -n 1"
	"runs --pipeline hist -n 1"
	"runs --pipeline other -n 1"
	"runs -n 0"
	"show last"
	"logs last"
	"explain $work/p.yaml"
	"graph $work/p.yaml --run last"
	"run $work/p.yaml --resume last --dry-run"
)
printf '%-45s %s\n' command seconds
for c in "${cmds[@]}"; do
	ts=""
	for r in $(seq "$rounds"); do
		# shellcheck disable=SC2086
		ts+="$(time_one $pipe $c --runs-dir "$runs") "
	done
	printf '%-45s %s\n' "$c" "$(median <<<"$ts")"
done
# run --resume last writes a run: timed once, last.
touch "$work/ok"
printf '%-45s %s\n' "run --resume last" "$(time_one $pipe run "$work/p.yaml" --resume last --runs-dir "$runs")"
