// Command interleave times commands in interleaved rounds: each round runs
// every command once, in a new random order, so that a machine whose speed
// drifts (shared cores) slows them alike. It prints each command's median
// wall time with its range, and ratios: each -ratio A/B is the median of
// A's time over B's in the same round, with the quartiles of those.
//
//	go run ./testdata/bench/interleave -rounds 30 -ratio pipe/make \
//	    make='make -s -C dir' pipe='pipe run dir/pipeline.yaml'
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
}

func main() {
	rounds := flag.Int("rounds", 20, "rounds; each runs every command once")
	warmup := flag.Int("warmup", 1, "rounds run first and not counted")
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
			d, err := timeOne(c.argv)
			if err != nil {
				fmt.Fprintf(os.Stderr, "interleave: %s: %v\n", c.name, err)
				os.Exit(1)
			}
			if r >= *warmup {
				c.times = append(c.times, d)
			}
		}
	}
	byName := make(map[string]*command, len(cmds))
	fmt.Printf("%d rounds\n%-12s %10s %21s\n", *rounds, "command", "median", "range")
	for _, c := range cmds {
		byName[c.name] = c
		ts := slices.Clone(c.times)
		slices.Sort(ts)
		fmt.Printf("%-12s %10s %10s-%-10s\n", c.name, ms(quantile(ts, 0.5)), ms(ts[0]), ms(ts[len(ts)-1]))
	}
	if len(ratios) > 0 {
		fmt.Printf("\n%-20s %8s %17s\n", "ratio", "median", "quartiles")
	}
	for _, r := range ratios {
		an, bn, _ := strings.Cut(r, "/")
		a, b := byName[an], byName[bn]
		if a == nil || b == nil {
			fmt.Fprintf(os.Stderr, "interleave: -ratio %s: name two commands, A/B\n", r)
			os.Exit(2)
		}
		per := make([]float64, len(a.times))
		for k := range a.times {
			per[k] = float64(a.times[k]) / float64(b.times[k])
		}
		slices.Sort(per)
		fmt.Printf("%-20s %8.2f %8.2f-%-8.2f\n", r, quantile(per, 0.5), quantile(per, 0.25), quantile(per, 0.75))
	}
}

func timeOne(argv []string) (time.Duration, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	start := time.Now()
	err := cmd.Run()
	return time.Since(start), err
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
