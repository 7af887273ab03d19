#!/usr/bin/env bash
# Side-by-side timing of pipe, GNU make, go-task and (when installed) dagu
# on the same DAGs, and pipe's makespan against the critical path. See the
# README's performance section.
#
#   testdata/bench/compare.sh [N ...]        # default: 1000
#   SHAPES="wide chain random" RUNS=10 testdata/bench/compare.sh 1000 10000
#
# It builds pipe, installs go-task with `go install` when it is missing,
# and uses hyperfine when installed (apt-get install hyperfine), else
# alternating runs timed here. dagu is timed when `dagu` is on PATH (or
# DAGU=/path/to/dagu); it is not installed here. Medians; ratios are
# against make -j8.
set -euo pipefail
cd "$(dirname "$0")/../.."

sizes=("${@:-1000}")
shapes=(${SHAPES:-wide chain random})
runs=${RUNS:-10}
jobs=${JOBS:-8}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

go build -o "$work/pipe" ./cmd/pipe
task_bin=$(command -v task || true)
if [ -z "$task_bin" ]; then
	echo "installing go-task v3.54.0 into $work/bin" >&2
	GOBIN="$work/bin" go install github.com/go-task/task/v3/cmd/task@v3.54.0 >&2
	task_bin="$work/bin/task"
fi

dagu_bin=${DAGU:-$(command -v dagu || true)}

# median_of CMD...: runs CMD $runs times (after a warm-up) and prints the
# median wall time in seconds.
median_of() {
	"$@" >/dev/null 2>&1 || true
	local times=()
	for _ in $(seq "$runs"); do
		local start end
		start=$(date +%s.%N)
		"$@" >/dev/null 2>&1
		end=$(date +%s.%N)
		times+=("$(echo "$end - $start" | bc -l)")
	done
	printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'
}

printf '%-8s %7s %10s %10s %10s %10s %8s %8s %8s\n' shape nodes "make -j$jobs" pipe go-task dagu pipe/make task/make dagu/make
for n in "${sizes[@]}"; do
	for shape in "${shapes[@]}"; do
		dir="$work/$shape-$n"
		go run ./testdata/bench/gen -shape "$shape" -n "$n" -jobs "$jobs" -out "$dir"
		m_cmd=(make -s -j"$jobs" -C "$dir")
		p_cmd=("$work/pipe" run "$dir/pipeline.yaml" --max-parallel "$jobs" --runs-dir "$work/runs")
		t_cmd=("$task_bin" -s -d "$dir" --concurrency "$jobs")
		d_cmd=(env DAGU_HOME="$work/dagu" "$dagu_bin" start "$dir/dagu.yaml")
		dg=""
		if command -v hyperfine >/dev/null 2>&1; then
			json="$work/h.json"
			cmds=("${m_cmd[*]}" "${p_cmd[*]}" "${t_cmd[*]}")
			[ -n "$dagu_bin" ] && cmds+=("${d_cmd[*]}")
			hyperfine -N -w 1 -r "$runs" --export-json "$json" "${cmds[@]}" >/dev/null 2>&1
			read -r mk pp tk dg < <(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; print(*[x["median"] for x in r])' "$json")
		else
			mk=$(median_of "${m_cmd[@]}")
			pp=$(median_of "${p_cmd[@]}")
			tk=$(median_of "${t_cmd[@]}")
			[ -n "$dagu_bin" ] && dg=$(median_of "${d_cmd[@]}")
		fi
		if [ -n "$dg" ]; then
			dgs=$(printf '%9.3fs' "$dg") dgr=$(printf '%8.2f' "$(echo "$dg / $mk" | bc -l)")
		else
			dgs=$(printf '%10s' -) dgr=$(printf '%8s' -)
		fi
		printf '%-8s %7d %9.3fs %9.3fs %9.3fs %s %8.2f %8.2f %s\n' "$shape" "$n" "$mk" "$pp" "$tk" "$dgs" \
			"$(echo "$pp / $mk" | bc -l)" "$(echo "$tk / $mk" | bc -l)" "$dgr"
	done
done

echo
echo "makespan: random DAG of nodes that sleep 10-100 ms; no concurrency bound"
printf '%-28s %7s %14s %12s %8s\n' runner nodes "critical path" makespan ratio
for n in "${sizes[@]}"; do
	for kind in wait exec; do
		dir="$work/sleep-$kind-$n"
		flags=(-sleep)
		[ "$kind" = wait ] && flags+=(-wait)
		go run ./testdata/bench/gen -shape random -n "$n" "${flags[@]}" -out "$dir"
		crit=$(cat "$dir/critical_path_ms")
		for sched in eager levels; do
			ms=$("$work/pipe" run "$dir/pipeline.yaml" --schedule "$sched" --max-parallel 100000 --runs-dir "$work/runs" --json 2>/dev/null |
				python3 -c 'import json,sys; print(json.load(sys.stdin)["duration_ms"])')
			printf '%-28s %7d %12d ms %9d ms %8.3f\n' "pipe $sched, $kind nodes" "$n" "$crit" "$ms" "$(echo "$ms / $crit" | bc -l)"
		done
		if [ "$kind" = exec ]; then
			start=$(date +%s%N)
			make -s -j -C "$dir" >/dev/null
			ms=$(( ($(date +%s%N) - start) / 1000000 ))
			printf '%-28s %7d %12d ms %9d ms %8.3f\n' "make -j (wall, with start-up)" "$n" "$crit" "$ms" "$(echo "$ms / $crit" | bc -l)"
		fi
	done
done
