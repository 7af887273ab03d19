package engine_test

import (
	"context"
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
