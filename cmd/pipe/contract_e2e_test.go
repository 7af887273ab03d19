package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A module's result in the seed's contract fails the run unless its
// status says success: "ERROR" in capitals, "fail", a status pipe does not
// know ("warning") and one that is not a string all exit 1, with the
// module's message; only success and ok succeed.
func TestResultStatusContract(t *testing.T) {
	tests := []struct {
		name, status string // status as JSON
		code         int
		stderr       string
	}{
		{"success", `"success"`, 0, ""},
		{"OK", `"OK"`, 0, ""},
		{"ERROR", `"ERROR"`, 1, "disk full"},
		{"fail", `"fail"`, 1, "disk full"},
		{"warning", `"warning"`, 1, `module reported status \"warning\", which pipe does not know: return \"success\" or \"error\"; its message: disk full`},
		{"false", `false`, 1, "module reported status false (a boolean), which pipe does not know"},
		{"null", `null`, 1, "module reported status null, which pipe does not know"},
	}
	for _, tt := range tests {
		t.Run("exec "+tt.name, func(t *testing.T) {
			dir := t.TempDir()
			result := `{"status": ` + tt.status + `, "message": "disk full"}`
			writeFiles(t, dir, map[string]string{"p.yaml": "name: p\nnodes:\n  a:\n    module: exec\n    with: {command: [echo, '" + result + "']}\n"})
			r := pipeIn(t, dir, nil, "run", "p.yaml")
			if r.code != tt.code || !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("exit %d (want %d)\nstderr: %s\nwant %s", r.code, tt.code, r.stderr, tt.stderr)
			}
		})
	}
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not installed")
	}
	for _, tt := range tests {
		t.Run("python "+tt.name, func(t *testing.T) {
			dir := t.TempDir()
			status := strings.NewReplacer("false", "False", "null", "None").Replace(tt.status)
			writeFiles(t, dir, map[string]string{
				"m.py":   "def main():\n    return {\"status\": " + status + ", \"message\": \"disk full\"}\n",
				"p.yaml": "name: p\nnodes:\n  a:\n    module: python\n    with: {path: " + filepath.Join(dir, "m.py") + "}\n",
			})
			r := pipeIn(t, dir, nil, "run", "p.yaml")
			if r.code != tt.code || !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("exit %d (want %d)\nstderr: %s\nwant %s", r.code, tt.code, r.stderr, tt.stderr)
			}
		})
	}
}
