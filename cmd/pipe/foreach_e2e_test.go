package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
)

// foreach as a user runs it: a static map, a list decided at run time,
// one instance failing, the fan-in read with always(), and every command
// of the run history showing instances as node[key].
func TestForeachEndToEnd(t *testing.T) {
	runs := t.TempDir()
	r := pipe(t, "run", "testdata/good/foreach.yaml", "--runs-dir", runs)
	if r.code != 1 {
		t.Fatalf("run: exit %d, want 1 (an instance fails)\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{
		"fit[germany]  error", "fit[england]  success", "price[spain]  success",
		"3 instances: 2 success, 1 error", "fit[germany]: exit status 3", "(6 success, 1 error)",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, r.stdout)
		}
	}

	r = pipe(t, "show", "last", "--runs-dir", runs, "--json")
	var rec engine.Record
	if err := json.Unmarshal([]byte(r.stdout), &rec); err != nil {
		t.Fatalf("show --json: %v\n%s", err, r.stdout)
	}
	report := rec.Nodes["report"]
	got, _ := json.Marshal(map[string]any{"roi": report.Inputs["roi"], "odds": report.Inputs["odds"], "ok": report.Inputs["ok"]})
	if want := `{"odds":{"italy":20,"spain":30},"ok":["england","italy"],"roi":[0,null,2]}`; string(got) != want {
		t.Errorf("report's fan-in inputs %s, want %s", got, want)
	}
	if fit := rec.Nodes["fit"]; fit.Status != engine.StatusError || strings.Join(fit.Items, ",") != "england,germany,italy" {
		t.Errorf("fit: %s, items %v", fit.Status, fit.Items)
	}

	r = pipe(t, "show", "last", "--runs-dir", runs)
	if !strings.Contains(r.stdout, "fit[italy]    success") || strings.Index(r.stdout, "fit[england]") > strings.Index(r.stdout, "fit[germany]") {
		t.Errorf("show does not list instances in item order:\n%s", r.stdout)
	}
	r = pipe(t, "logs", "last", "fit", "--runs-dir", runs)
	if !strings.Contains(r.stdout, "[fit[germany]] ") || !strings.Contains(r.stdout, "fitting germany") {
		t.Errorf("logs of a foreach node do not show its instances':\n%s%s", r.stdout, r.stderr)
	}
	r = pipe(t, "logs", "last", "fit[italy]", "--runs-dir", runs)
	if !strings.Contains(r.stdout, "fitting italy") || strings.Contains(r.stdout, "germany") {
		t.Errorf("logs of one instance:\n%s%s", r.stdout, r.stderr)
	}
	r = pipe(t, "runs", "--runs-dir", runs)
	if !strings.Contains(r.stdout, "6 success, 1 error") {
		t.Errorf("runs counts a foreach node besides its instances:\n%s", r.stdout)
	}
	r = pipe(t, "graph", "testdata/good/foreach.yaml", "--run", "last", "--runs-dir", runs)
	var fitLine string
	for line := range strings.Lines(r.stdout) {
		if strings.HasPrefix(line, `  "fit" [`) {
			fitLine = line
		}
	}
	if !strings.Contains(fitLine, `foreach ×3`) || !strings.Contains(fitLine, `style="filled,striped"`) || strings.Count(fitLine, "fillcolor=") != 1 {
		t.Errorf("graph does not draw fit as one stacked node, striped by how its instances ended:\n%s", r.stdout)
	}
}

// pipelines/leagues.yaml backtests every league of the shared odds data
// with one foreach over the leagues found at run time, and compares them
// in one table.
func TestLeaguesPipeline(t *testing.T) {
	if _, err := os.Stat("../../../shared/data/odds/england_premier-league.csv"); err != nil {
		t.Skip("../shared/data is absent: the leagues pipeline reads the real odds data")
	}
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed")
	}
	runs := t.TempDir()
	r := pipe(t, "run", "pipelines/leagues.yaml", "--runs-dir", runs, "--set", "METHOD=elo")
	if r.code != 0 {
		t.Fatalf("run: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	verdicts := r.stderr
	for _, league := range []string{"england_premier-league", "germany_bundesliga", "italy_serie-a", "spain_primera"} {
		if !strings.Contains(r.stdout, "model["+league+"]") || !strings.Contains(r.stdout, "betting["+league+"]") {
			t.Errorf("summary lacks %s's instances:\n%s", league, r.stdout)
		}
	}
	r = pipe(t, "show", "last", "--runs-dir", runs, "--json")
	var rec engine.Record
	if err := json.Unmarshal([]byte(r.stdout), &rec); err != nil {
		t.Fatal(err)
	}
	table, _ := rec.Nodes["compare"].Outputs["table"].(string)
	lines := strings.Split(table, "\n")
	if len(lines) != 5 || !strings.HasPrefix(lines[0], "league") || !strings.HasPrefix(lines[1], "england_premier-league") || !strings.Contains(lines[2], "612") {
		t.Errorf("the comparison table is not one row per league, in order:\n%s", table)
	}
	// The table's ROI and interval are the verdict's, rounded once.
	for _, line := range lines[1:] {
		f := strings.Fields(line)
		if len(f) < 8 {
			continue
		}
		want := fmt.Sprintf("betting[%s]: done", f[0])
		i := strings.Index(verdicts, want)
		if i < 0 {
			t.Errorf("no verdict of %s in the log", f[0])
			continue
		}
		verdict, _, _ := strings.Cut(verdicts[i:], "\n")
		if roi, interval := "ROI "+f[5], strings.Join(f[6:8], " "); !strings.Contains(verdict, roi) || !strings.Contains(verdict, interval) {
			t.Errorf("the table shows %s %s, the verdict %q", roi, interval, verdict)
		}
	}
}

// A resume counts what it keeps as the summary counts: a foreach node by
// its instances (it said 2 of 5 for a run of 4 nodes).
func TestResumeCountsInstances(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "fan.yaml")
	os.WriteFile(file, []byte(`name: fan
nodes:
  build:
    module: exec
    foreach: [linux, darwin, windows]
    with: {command: "test ${{ item }} != windows"}
  after: {module: echo, needs: build}
`), 0o644)
	runs := filepath.Join(dir, "runs")
	if r := pipe(t, "run", file, "--runs-dir", runs); r.code != 1 {
		t.Fatalf("first run: exit %d\n%s", r.code, r.stderr)
	}
	r := pipe(t, "run", file, "--runs-dir", runs, "--resume", "last")
	if !strings.Contains(r.stderr, "succeeded=2 of=4") {
		t.Errorf("the resume's count, want succeeded=2 of=4 (three instances and after):\n%s", r.stderr)
	}
}

// pipe logs prints a foreach node's instances in item order, as the
// summary lists them (by name, darwin came first).
func TestLogsInItemOrder(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "fan.yaml")
	os.WriteFile(file, []byte("name: fan\nnodes:\n  build:\n    module: exec\n    foreach: [linux, darwin, windows]\n    with: {command: \"echo building ${{ item }}\"}\n"), 0o644)
	runs := filepath.Join(dir, "runs")
	if r := pipe(t, "run", file, "--runs-dir", runs); r.code != 0 {
		t.Fatalf("run: exit %d\n%s", r.code, r.stderr)
	}
	r := pipe(t, "logs", "last", "build", "--runs-dir", runs)
	var order []string
	for line := range strings.Lines(r.stdout) {
		order = append(order, strings.TrimSpace(line[strings.LastIndex(line, " ")+1:]))
	}
	if strings.Join(order, " ") != "linux darwin windows" {
		t.Errorf("logs of build in the order %v, want linux darwin windows:\n%s", order, r.stdout)
	}
}
