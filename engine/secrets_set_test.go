package engine_test

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
)

// What a parent hands a sub-pipeline's secret key through `set:` is a
// secret of the parent too: its record held the node's `set` and the
// child's outputs in the clear, where the child masked them.
func TestSetIntoAChildsSecretIsMaskedByTheParent(t *testing.T) {
	plan, _ := loadWithChild(t, `name: child
config: {DB_PASSWORD: ""}
nodes:
  a: {module: echo, with: {p: "${{ config.DB_PASSWORD }}"}}
outputs:
  pw: ${{ config.DB_PASSWORD }}
`, `name: parent
config: {DBPW: ""}
nodes:
  fromconfig: {module: pipeline, with: {file: child.yaml, set: {DB_PASSWORD: "${{ config.DBPW }}"}}}
  literal: {module: pipeline, with: {file: child.yaml, set: {DB_PASSWORD: literalpw42}}}
outputs:
  a: ${{ nodes.fromconfig.outputs.pw }}
  b: ${{ nodes.literal.outputs.pw }}
`, modules.Default)
	rec, err := engine.New(modules.Default).Run(context.Background(), plan, engine.Options{Config: map[string]any{"DBPW": "realprodpw"}})
	if err != nil || rec.Status != engine.StatusSuccess {
		t.Fatalf("run: %v %s %s", err, rec.Status, rec.Reason)
	}
	data, err := engine.EncodeRecord(rec)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"realprodpw", "literalpw42"} {
		if strings.Contains(string(data), secret) {
			t.Errorf("the record shows %s:\n%s", secret, data)
		}
	}
	if rec.Outputs["a"] != "***" || rec.Outputs["b"] != "***" {
		t.Errorf("outputs %v, want both masked", rec.Outputs)
	}
}

// The same two levels down, through config["X"], and through a literal
// foreach's items: the grandparent's G, which reaches the grandchild's
// secret through the middle pipeline's M, is a secret of the top too; an
// item handed whole to a secret key is one (its instance named by its
// index, never by the item).
func TestSetIntoASecretTwoLevelsDownAndItems(t *testing.T) {
	dir := t.TempDir()
	for name, src := range map[string]string{
		"child.yaml": "name: child\nconfig: {DB_PASSWORD: \"\"}\nnodes:\n  a: {module: echo, with: {p: \"${{ config.DB_PASSWORD }}\"}}\noutputs:\n  pw: ${{ config.DB_PASSWORD }}\n",
		"mid.yaml":   "name: mid\nconfig: {M: \"\"}\nnodes:\n  c: {module: pipeline, with: {file: child.yaml, set: {DB_PASSWORD: \"${{ config.M }}\"}}}\noutputs:\n  pw: ${{ nodes.c.outputs.pw }}\n",
		"top.yaml": `name: top
config: {G: grandval8, Z: plainvalZ3}
nodes:
  two: {module: pipeline, with: {file: mid.yaml, set: {M: "${{ config.G }}"}}}
  index: {module: pipeline, with: {file: child.yaml, set: {DB_PASSWORD: '${{ config["Z"] }}'}}}
  fe: {module: pipeline, foreach: [itempw1a, itempw2b], with: {file: child.yaml, set: {DB_PASSWORD: "${{ item }}"}}}
outputs:
  g: ${{ nodes.two.outputs.pw }}
`,
	} {
		os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644)
	}
	plan, err := engine.Load(filepath.Join(dir, "top.yaml"), modules.Default)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := engine.New(modules.Default).Run(context.Background(), plan, engine.Options{})
	if err != nil || rec.Status != engine.StatusSuccess {
		t.Fatalf("run: %v %s %s", err, rec.Status, rec.Reason)
	}
	data, err := engine.EncodeRecord(rec)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"grandval8", "plainvalZ3", "itempw1a", "itempw2b"} {
		if strings.Contains(string(data), secret) {
			t.Errorf("the record shows %s", secret)
		}
	}
	if rec.Nodes["fe[0]"] == nil {
		t.Errorf("the instances are not named by their index: %v", slices.Sorted(maps.Keys(rec.Nodes)))
	}
}
