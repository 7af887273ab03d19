// Command mutate validates thousands of mutated pipeline files with a
// built pipe binary, each under a time limit and an address-space cap, and
// counts what went wrong: Go panics, fatal errors (out of memory), time-outs
// and diagnostics without a line:col. It exits 1 when any of those is not
// zero.
//
//	go build -o /tmp/pipe ./cmd/pipe
//	go run ./testdata/mutate -pipe /tmp/pipe -n 300
//
// The seeds are the repo's own pipelines/ and testdata/ files; mutations
// are byte flips, deletions, duplicated lines, indentation changes, deep
// nesting, aliases and anchors, huge values, unicode, keys swapped between
// nodes and more (see mutate.go). -keep DIR keeps every mutant that failed.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

func main() {
	bin := flag.String("pipe", "", "the pipe binary to run (required)")
	root := flag.String("root", ".", "the repo root: seeds come from its pipelines/ and testdata/")
	n := flag.Int("n", 300, "number of mutants")
	seed := flag.Uint64("seed", 1, "random seed; the same seed makes the same mutants")
	timeout := flag.Duration("timeout", 10*time.Second, "time limit per file")
	as := flag.Int("as", 4096, "address-space cap per run, in MiB (prlimit --as)")
	jobs := flag.Int("j", 2, "runs at once")
	keep := flag.String("keep", "", "directory to keep the failing mutants in")
	flag.Parse()
	if *bin == "" {
		fmt.Fprintln(os.Stderr, "mutate: -pipe is required: build it with go build -o DIR/pipe ./cmd/pipe")
		os.Exit(2)
	}
	if err := run(*bin, *root, *n, *seed, *timeout, *as, *jobs, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "mutate:", err)
		os.Exit(1)
	}
}

// outcome is what one validation ended with.
type outcome string

const (
	valid        outcome = "valid"
	invalid      outcome = "invalid, every message positioned"
	panicked     outcome = "panic"
	fatal        outcome = "fatal error"
	timedOut     outcome = "time-out"
	unpositioned outcome = "message without line:col"
	other        outcome = "other exit"
)

var bad = []outcome{panicked, fatal, timedOut, unpositioned, other}

func run(bin, root string, n int, seed uint64, timeout time.Duration, asMiB, jobs int, keep string) error {
	as := strconv.Itoa(asMiB << 20)
	seeds, err := loadSeeds(root)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "mutate")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if keep != "" {
		if err := os.MkdirAll(keep, 0o755); err != nil {
			return err
		}
	}
	counts := map[outcome]int{}
	var mu sync.Mutex
	var slowest time.Duration
	work := make(chan int)
	var wg sync.WaitGroup
	for range max(jobs, 1) {
		wg.Go(func() {
			for i := range work {
				// Each mutant has its own generator, so that -seed and the
				// index make the same file whatever the scheduling.
				rng := rand.New(rand.NewPCG(seed, uint64(i)))
				s := seeds[rng.IntN(len(seeds))]
				data, ops := mutate(rng, s.data)
				file := filepath.Join(dir, fmt.Sprintf("m%05d.yaml", i))
				res, took, detail := check(bin, file, data, timeout, as)
				mu.Lock()
				counts[res]++
				slowest = max(slowest, took)
				mu.Unlock()
				if isBad(res) {
					fmt.Printf("%s: %s from %s (%s): %s\n", res, filepath.Base(file), s.name, strings.Join(ops, ", "), detail)
					if keep != "" {
						_ = os.WriteFile(filepath.Join(keep, filepath.Base(file)), data, 0o644)
					}
				}
			}
		})
	}
	for i := range n {
		work <- i
	}
	close(work)
	wg.Wait()
	fmt.Printf("%d mutants of %d seeds (seed %d), slowest %v:\n", n, len(seeds), seed, slowest.Round(time.Millisecond))
	for _, o := range append([]outcome{valid, invalid}, bad...) {
		fmt.Printf("  %-34s %d\n", o, counts[o])
	}
	for _, o := range bad {
		if counts[o] > 0 {
			return errors.New("some mutants broke pipe validate (listed above)")
		}
	}
	return nil
}

func isBad(o outcome) bool { return o != valid && o != invalid }

type seedFile struct {
	name string
	data []byte
}

func loadSeeds(root string) ([]seedFile, error) {
	var out []seedFile
	for _, dir := range []string{"pipelines", "testdata"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || (!strings.HasSuffix(path, ".yaml") && !strings.HasSuffix(path, ".yml")) {
				return err
			}
			data, err := os.ReadFile(path)
			if err == nil {
				rel, _ := filepath.Rel(root, path)
				out = append(out, seedFile{rel, data})
			}
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no seed pipelines under %s: run from the repo root or set -root", root)
	}
	return out, nil
}

// check validates one mutant with the binary, capped, and classifies what
// happened.
func check(bin, file string, data []byte, timeout time.Duration, as string) (outcome, time.Duration, string) {
	if err := os.WriteFile(file, data, 0o644); err != nil {
		return other, 0, err.Error()
	}
	defer os.Remove(file)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "prlimit", "--as="+as, "--", bin, "validate", "--format", "json", file)
	cmd.Dir = filepath.Dir(file)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start)
	errText := stderr.String()
	switch {
	case ctx.Err() != nil:
		return timedOut, took, timeout.String()
	case strings.Contains(errText, "fatal error:"):
		return fatal, took, firstLine(errText)
	case strings.Contains(errText, "panic:"):
		return panicked, took, firstLine(errText)
	}
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
		if code < 0 { // killed by a signal: out of memory under the cap, or a crash
			return fatal, took, fmt.Sprintf("%v: %s", exit, firstLine(errText))
		}
	} else if err != nil {
		return other, took, err.Error()
	}
	if code == 0 {
		return valid, took, ""
	}
	if code != 1 {
		return other, took, fmt.Sprintf("exit %d: %s", code, firstLine(errText))
	}
	var diags []struct {
		Line, Col int
		Message   string
	}
	if err := json.Unmarshal(stdout.Bytes(), &diags); err != nil || len(diags) == 0 {
		return other, took, fmt.Sprintf("exit 1 without diagnostics: %.200s", stdout.String()+errText)
	}
	for _, d := range diags {
		if d.Line < 1 || d.Col < 1 {
			return unpositioned, took, fmt.Sprintf("%.200s", d.Message)
		}
	}
	return invalid, took, ""
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return fmt.Sprintf("%.200s", s)
}
