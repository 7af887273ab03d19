package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
)

// These tests run the shipped pipelines/predict.yaml (both its nodes
// cache) on the synthetic league, with a base directory of their own:
// the model files its modules read and write are in the node cache's key,
// as they are when the node finds them and as it leaves them.

// predictRun runs pipelines/predict.yaml without the web interface, its
// paths and state under base, and returns its record.
func predictRun(t *testing.T, base string, args ...string) (engine.Record, result) {
	t.Helper()
	r := pipe(t, append([]string{"run", "pipelines/predict.yaml", "--no-web", "--json",
		"--base-dir", base, "--runs-dir", filepath.Join(base, ".pipe", "runs")}, args...)...)
	var rec engine.Record
	if err := json.Unmarshal([]byte(r.stdout), &rec); err != nil || r.code != 0 {
		t.Fatalf("run %v: exit %d, %v\n%s%s", args, r.code, err, r.stdout, r.stderr)
	}
	return rec, r
}

// predictExplain is `pipe explain` of the same.
func predictExplain(t *testing.T, base string, args ...string) string {
	t.Helper()
	r := pipe(t, append([]string{"explain", "pipelines/predict.yaml", "--no-web",
		"--base-dir", base, "--runs-dir", filepath.Join(base, ".pipe", "runs")}, args...)...)
	if r.code != 0 {
		t.Fatalf("explain %v: exit %d\n%s%s", args, r.code, r.stdout, r.stderr)
	}
	return r.stdout
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func firstPHome(t *testing.T, n *engine.NodeRecord) any {
	t.Helper()
	preds, _ := n.Outputs["predictions"].([]any)
	if len(preds) == 0 {
		t.Fatalf("no predictions: %v", n.Outputs)
	}
	return preds[0].(map[string]any)["p_home"]
}

// TestCacheSeesTheModelItLoads: sports_predictor in mode load reads its
// model file; a file of other content is a miss (it came back as a hit,
// the other model's predictions reported as success), and explain says
// which file changed.
func TestCacheSeesTheModelItLoads(t *testing.T) {
	base := t.TempDir()
	predictRun(t, base, "--only", "sports_predictor", "--sports-method", "elo", "--sports-mode", "fit", "--sports-model", "models/pA.json")
	predictRun(t, base, "--only", "sports_predictor", "--sports-method", "dixon_coles", "--sports-mode", "fit", "--sports-model", "models/pB.json")
	pm := filepath.Join(base, "models", "pm.json")
	load := []string{"--only", "sports_predictor", "--sports-mode", "load", "--sports-model", "models/pm.json"}

	copyFile(t, filepath.Join(base, "models", "pA.json"), pm)
	a, _ := predictRun(t, base, load...)
	if again, _ := predictRun(t, base, load...); again.Nodes["sports_predictor"].CachedFrom != a.ID {
		t.Errorf("the same model file again: cached from %q, want %s", again.Nodes["sports_predictor"].CachedFrom, a.ID)
	}
	copyFile(t, filepath.Join(base, "models", "pB.json"), pm)
	if x := predictExplain(t, base, load...); !strings.Contains(x, "not cached: file models/pm.json changed") {
		t.Errorf("explain after the model file changed:\n%s", x)
	}
	b, _ := predictRun(t, base, load...)
	if n := b.Nodes["sports_predictor"]; n.CachedFrom != "" {
		t.Fatalf("another model in models/pm.json: cached from %s (p_home %v)", n.CachedFrom, firstPHome(t, n))
	}
	fresh, _ := predictRun(t, base, append(load, "--no-cache")...)
	if got, want := firstPHome(t, b.Nodes["sports_predictor"]), firstPHome(t, fresh.Nodes["sports_predictor"]); got != want {
		t.Errorf("p_home %v, want %v as --no-cache gives", got, want)
	}
	if firstPHome(t, a.Nodes["sports_predictor"]) == firstPHome(t, b.Nodes["sports_predictor"]) {
		t.Errorf("elo and dixon_coles models give the same p_home: the test proves nothing")
	}
}

// TestCacheSeesTheBettingRuleItReads: betting_prediction reads its rule
// from BETTING_MODEL when the file is there; an edited rule is a miss (it
// came back as a hit with the old rule's bets).
func TestCacheSeesTheBettingRuleItReads(t *testing.T) {
	base := t.TempDir()
	args := []string{"--betting-model", "models/bet.json", "--min-edge", "0.5"} // the file's rule wins over --min-edge
	first, _ := predictRun(t, base, args...)
	rule := filepath.Join(base, "models", "bet.json")
	b, err := os.ReadFile(rule)
	if err != nil {
		t.Fatalf("the rule file was not written: %v", err)
	}
	var f map[string]any
	if err := json.Unmarshal(b, &f); err != nil || f["min_edge"] != 0.5 {
		t.Fatalf("rule file: %v, min_edge %v", err, f["min_edge"])
	}
	f["min_edge"] = 0.03
	b, _ = json.Marshal(f)
	if err := os.WriteFile(rule, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if x := predictExplain(t, base, args...); !strings.Contains(x, "not cached: file models/bet.json, which it wrote, changed") {
		t.Errorf("explain after the rule file changed:\n%s", x)
	}
	edited, _ := predictRun(t, base, args...)
	want, _ := predictRun(t, base, "--min-edge", "0.03", "--no-cache")
	n := edited.Nodes["betting_prediction"]
	bets, _ := n.Outputs["bets"].([]any)
	wantBets, _ := want.Nodes["betting_prediction"].Outputs["bets"].([]any)
	firstBets, _ := first.Nodes["betting_prediction"].Outputs["bets"].([]any)
	if n.CachedFrom != "" || len(bets) != len(wantBets) {
		t.Errorf("min_edge 0.03 in the rule file: cached from %q, %d bet(s), want %d as min_edge 0.03 gives (min_edge 0.5 gave %d)",
			n.CachedFrom, len(bets), len(wantBets), len(firstBets))
	}
}

// TestCacheHitNeedsTheFilesItWrote: a node that writes its model file is
// a hit the next time (its own write is no miss), and only while the file
// is as it left it: removed, the node runs again and writes it again (a
// hit left it missing, and a later mode load failed), and the log and
// explain say why.
func TestCacheHitNeedsTheFilesItWrote(t *testing.T) {
	for _, tc := range []struct {
		name, node, file string
		args             []string
	}{
		{"sports_predictor, mode auto", "sports_predictor", "models/sports.json", nil},
		{"sports_predictor, mode fit", "sports_predictor", "models/fit.json", []string{"--sports-mode", "fit", "--sports-model", "models/fit.json"}},
		{"betting_prediction's rule", "betting_prediction", "models/bet.json", []string{"--betting-model", "models/bet.json"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base := t.TempDir()
			path := filepath.Join(base, filepath.FromSlash(tc.file))
			first, _ := predictRun(t, base, tc.args...)
			if _, err := os.Stat(path); err != nil {
				t.Fatalf("first run: %v", err)
			}
			if second, _ := predictRun(t, base, tc.args...); second.Nodes[tc.node].CachedFrom != first.ID {
				t.Errorf("the run after the one that wrote %s: cached from %q, want %s", tc.file, second.Nodes[tc.node].CachedFrom, first.ID)
			}
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
			gone := "file " + tc.file + ", which it wrote, is gone"
			if x := predictExplain(t, base, tc.args...); !strings.Contains(x, "not cached: "+gone) {
				t.Errorf("explain after rm %s:\n%s", tc.file, x)
			}
			third, r := predictRun(t, base, tc.args...)
			if n := third.Nodes[tc.node]; n.CachedFrom != "" {
				t.Fatalf("after rm %s: %s %s, cached from %s", tc.file, tc.node, n.Status, n.CachedFrom)
			}
			if !strings.Contains(r.stderr, "cache: "+gone) {
				t.Errorf("the log does not say why it runs again (%q):\n%s", gone, r.stderr)
			}
			if _, err := os.Stat(path); err != nil {
				t.Errorf("after the run that missed: %v", err)
			}
			if fourth, _ := predictRun(t, base, tc.args...); fourth.Nodes[tc.node].CachedFrom != third.ID {
				t.Errorf("the run after: cached from %q, want %s", fourth.Nodes[tc.node].CachedFrom, third.ID)
			}
		})
	}
}
