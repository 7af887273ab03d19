// Command gen writes the same DAG for pipe, GNU make, go-task and dagu, for
// the side-by-side comparison in ../compare.sh.
//
//	go run ./testdata/bench/gen -shape random -n 1000 -out DIR
//
// Shapes: wide (n independent nodes), chain (each needs the one before),
// random (each needs up to 3 random earlier nodes, fixed seed). Every node
// runs /bin/true, by path: go-task's shell interpreter runs a bare `true`
// as a built-in, without a process, which would flatter it. With -sleep, sleeps a random 10-100 ms (fixed seed) and
// the critical path is written to DIR/critical_path_ms; -wait makes pipe's
// nodes in-process waits of the same lengths; -lines K makes each node run
// DIR/print.sh, which prints K lines (see ../output.sh); -echo makes
// pipe's nodes in-process echo nodes.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	shape := flag.String("shape", "random", "wide, chain or random")
	n := flag.Int("n", 1000, "number of nodes")
	out := flag.String("out", ".", "output directory")
	sleep := flag.Bool("sleep", false, "sleep nodes (random 10-100 ms) instead of true")
	wait := flag.Bool("wait", false, "with -sleep: pipe's in-process wait module instead of a sleep process")
	jobs := flag.Int("jobs", 8, "dagu's maxActiveSteps (make and go-task take theirs on the command line)")
	echo := flag.Bool("echo", false, "pipe's nodes are in-process echo nodes (the 100,000-node process of issue 13); the other tools' files are unchanged")
	lines := flag.Int("lines", 0, "nodes print this many lines each (through DIR/print.sh) instead of running true")
	flag.Parse()
	if err := run(*shape, *n, *out, *sleep, *wait, *echo, *jobs, *lines); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(shape string, n int, out string, sleep, wait, echo bool, jobs, lines int) error {
	rng := rand.New(rand.NewPCG(42, uint64(n)))
	needs := make([][]int, n)
	for i := 1; i < n; i++ {
		switch shape {
		case "wide":
		case "chain":
			needs[i] = []int{i - 1}
		case "random":
			seen := map[int]bool{}
			for range rng.IntN(4) {
				j := rng.IntN(i)
				if !seen[j] {
					seen[j] = true
					needs[i] = append(needs[i], j)
				}
			}
		default:
			return fmt.Errorf("unknown shape %q", shape)
		}
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	// print.sh is run by path by make and pipe alike: make execs a
	// command without shell syntax directly, as pipe does an argv.
	printer, err := filepath.Abs(filepath.Join(out, "print.sh"))
	if err != nil {
		return err
	}
	if lines > 0 {
		script := "#!/bin/sh\ni=0\nwhile [ $i -lt $2 ]; do i=$((i + 1)); echo \"$1 line $i of $2\"; done\n"
		if err := os.WriteFile(printer, []byte(script), 0o755); err != nil {
			return err
		}
	}
	ms := make([]int, n)
	cmd := make([]string, n)
	for i := range n {
		cmd[i] = "/bin/true"
		if sleep {
			ms[i] = 10 + rng.IntN(91)
			cmd[i] = fmt.Sprintf("sleep %d.%03d", ms[i]/1000, ms[i]%1000)
		} else if lines > 0 {
			cmd[i] = fmt.Sprintf("%s n%d %d", printer, i, lines)
		}
	}
	if sleep {
		finish := make([]int, n)
		longest := 0
		for i := range n {
			start := 0
			for _, j := range needs[i] {
				start = max(start, finish[j])
			}
			finish[i] = start + ms[i]
			longest = max(longest, finish[i])
		}
		if err := os.WriteFile(filepath.Join(out, "critical_path_ms"), []byte(fmt.Sprintln(longest)), 0o644); err != nil {
			return err
		}
	}
	write := func(name string, body func(w *bufio.Writer)) error {
		f, err := os.Create(filepath.Join(out, name))
		if err != nil {
			return err
		}
		w := bufio.NewWriter(f)
		body(w)
		if err := w.Flush(); err != nil {
			return err
		}
		return f.Close()
	}
	ids := func(list []int) string {
		s := make([]string, len(list))
		for k, j := range list {
			s[k] = fmt.Sprintf("n%d", j)
		}
		return strings.Join(s, ", ")
	}
	argv := func(c string) string {
		return "[" + strings.Join(strings.Fields(c), ", ") + "]"
	}
	err = write("pipeline.yaml", func(w *bufio.Writer) {
		fmt.Fprintf(w, "name: bench_%s_%d\nnodes:\n", shape, n)
		for i := range n {
			switch {
			case echo:
				fmt.Fprintf(w, "  n%d:\n    module: echo\n", i)
			case wait:
				fmt.Fprintf(w, "  n%d:\n    module: wait\n    with: {duration: %dms}\n", i, ms[i])
			default:
				fmt.Fprintf(w, "  n%d:\n    module: exec\n    with: {command: %s}\n", i, argv(cmd[i]))
			}
			if len(needs[i]) > 0 {
				fmt.Fprintf(w, "    needs: [%s]\n", ids(needs[i]))
			}
		}
	})
	if err != nil {
		return err
	}
	err = write("Makefile", func(w *bufio.Writer) {
		all := make([]int, n)
		for i := range all {
			all[i] = i
		}
		fmt.Fprintf(w, ".PHONY: all %s\nall: %s\n", strings.ReplaceAll(ids(all), ",", ""), strings.ReplaceAll(ids(all), ",", ""))
		for i := range n {
			fmt.Fprintf(w, "n%d: %s\n\t@%s\n", i, strings.ReplaceAll(ids(needs[i]), ",", ""), cmd[i])
		}
	})
	if err != nil {
		return err
	}
	// dagu's v1 step fields (name, command, depends), which its later
	// versions still load; maxActiveSteps bounds its concurrency like -j.
	err = write("dagu.yaml", func(w *bufio.Writer) {
		fmt.Fprintf(w, "name: bench_%s_%d\nmaxActiveSteps: %d\nsteps:\n", shape, n, jobs)
		for i := range n {
			fmt.Fprintf(w, "  - name: n%d\n    command: %q\n", i, cmd[i])
			if len(needs[i]) > 0 {
				fmt.Fprintf(w, "    depends: [%s]\n", ids(needs[i]))
			}
		}
	})
	if err != nil {
		return err
	}
	return write("Taskfile.yml", func(w *bufio.Writer) {
		all := make([]int, n)
		for i := range all {
			all[i] = i
		}
		fmt.Fprintf(w, "version: '3'\nrun: once\ntasks:\n  default:\n    deps: [%s]\n", ids(all))
		for i := range n {
			fmt.Fprintf(w, "  n%d:\n    cmds: [%q]\n", i, cmd[i])
			if len(needs[i]) > 0 {
				fmt.Fprintf(w, "    deps: [%s]\n", ids(needs[i]))
			}
		}
	})
}
