// Command interleave times commands in interleaved rounds: each round runs
// every command once, in a new random order, so that a machine whose speed
// drifts (shared cores) slows them alike. It prints each command's median
// wall time with its range, and ratios: each -ratio A/B is the median of
// A's time over B's in the same round, with the quartiles of those.
//
//	go run ./testdata/bench/interleave -rounds 30 -ratio pipe/make \
//	    make='make -s -C dir' pipe='pipe run dir/pipeline.yaml'
//
// With -cpu it also prints each command's CPU time (user + system, its
// own and that of the children it waited for) and the ratios of those: on
// a machine shared with other work, CPU time drifts less than wall time,
// and it counts what a command makes the other cores do.
//
// A command is split on spaces and run without a shell, its output
// discarded; a command that fails stops the run.
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"
)

type command struct {
	name  string
	argv  []string
	times []time.Duration
	cpu   []time.Duration
}

func main() {
	rounds := flag.Int("rounds", 20, "rounds; each runs every command once")
	warmup := flag.Int("warmup", 1, "rounds run first and not counted")
	cpu := flag.Bool("cpu", false, "also print CPU time (user + system) and its ratios")
	var ratios []string
	flag.Func("ratio", "A/B: print A's time over B's, per round (repeat the flag for more)", func(v string) error {
		ratios = append(ratios, v)
		return nil
	})
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: interleave [-rounds N] [-warmup N] [-ratio A/B]... NAME='COMMAND ARGS' ...")
		flag.PrintDefaults()
	}
	flag.Parse()
	var cmds []*command
	for _, arg := range flag.Args() {
		name, line, ok := strings.Cut(arg, "=")
		argv := strings.Fields(line)
		if !ok || name == "" || len(argv) == 0 {
			flag.Usage()
			os.Exit(2)
		}
		cmds = append(cmds, &command{name: name, argv: argv})
	}
	if len(cmds) == 0 {
		flag.Usage()
		os.Exit(2)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	order := make([]int, len(cmds))
	for r := range *warmup + *rounds {
		for i := range order {
			order[i] = i
		}
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, i := range order {
			c := cmds[i]
			d, used, err := timeOne(c.argv)
			if err != nil {
				fmt.Fprintf(os.Stderr, "interleave: %s: %v\n", c.name, err)
				os.Exit(1)
			}
			if r >= *warmup {
				c.times = append(c.times, d)
				c.cpu = append(c.cpu, used)
			}
		}
	}
	byName := make(map[string]*command, len(cmds))
	for _, c := range cmds {
		byName[c.name] = c
	}
	for _, r := range ratios {
		an, bn, _ := strings.Cut(r, "/")
		if byName[an] == nil || byName[bn] == nil {
			fmt.Fprintf(os.Stderr, "interleave: -ratio %s: name two commands, A/B\n", r)
			os.Exit(2)
		}
	}
	fmt.Printf("%d rounds\n", *rounds)
	report("wall", cmds, byName, ratios, func(c *command) []time.Duration { return c.times })
	if *cpu {
		fmt.Println()
		report("cpu", cmds, byName, ratios, func(c *command) []time.Duration { return c.cpu })
	}
}

// report prints the median and range of each command's times, then the
// ratios, per round, with their quartiles.
func report(what string, cmds []*command, byName map[string]*command, ratios []string, times func(*command) []time.Duration) {
	fmt.Printf("%-12s %10s %21s\n", "command", what+" median", "range")
	for _, c := range cmds {
		ts := slices.Clone(times(c))
		slices.Sort(ts)
		fmt.Printf("%-12s %10s %10s-%-10s\n", c.name, ms(quantile(ts, 0.5)), ms(ts[0]), ms(ts[len(ts)-1]))
	}
	if len(ratios) > 0 {
		fmt.Printf("\n%-20s %8s %17s\n", what+" ratio", "median", "quartiles")
	}
	for _, r := range ratios {
		an, bn, _ := strings.Cut(r, "/")
		a, b := times(byName[an]), times(byName[bn])
		per := make([]float64, len(a))
		for k := range a {
			per[k] = float64(a[k]) / float64(b[k])
		}
		slices.Sort(per)
		fmt.Printf("%-20s %8.2f %8.2f-%-8.2f\n", r, quantile(per, 0.5), quantile(per, 0.25), quantile(per, 0.75))
	}
}

// timeOne runs argv and returns its wall time and CPU time.
func timeOne(argv []string) (wall, cpu time.Duration, err error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	start := time.Now()
	err = cmd.Run()
	wall = time.Since(start)
	if cmd.ProcessState != nil {
		cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	return wall, cpu, err
}

// quantile returns the q-quantile of sorted s, between neighbours.
func quantile[T time.Duration | float64](s []T, q float64) T {
	pos := q * float64(len(s)-1)
	lo := int(pos)
	if lo+1 >= len(s) {
		return s[lo]
	}
	frac := pos - float64(lo)
	return T(float64(s[lo])*(1-frac) + float64(s[lo+1])*frac)
}

func ms(d time.Duration) string {
	return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond))
}
