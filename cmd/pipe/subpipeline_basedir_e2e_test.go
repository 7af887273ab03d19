package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// subBaseDirProject is a project whose pipelines live in pipes/ and whose
// Python files in mods/: pipes/child.yaml is right with the project root
// as its base directory, which pipes/parent.yaml gets from --base-dir and
// pipes/based.yaml from its base_dir.
var subBaseDirProject = map[string]string{
	".pipe/.keep":   "",
	"mods/hello.py": "import os\n\ndef main():\n    return {'cwd': os.getcwd()}\n",
	"pipes/child.yaml": `name: child
nodes:
  hello:
    module: python
    with: {path: mods/hello.py}
`,
	"pipes/parent.yaml": `name: parent
nodes:
  sub:
    module: pipeline
    with: {file: child.yaml}
`,
	"pipes/based.yaml": `name: based
base_dir: ..
nodes:
  sub:
    module: pipeline
    with: {file: child.yaml}
`,
	"pipes/based_here.yaml": `name: based_here
base_dir: .
nodes:
  sub:
    module: pipeline
    with: {file: child.yaml}
`,
	// own.yaml sets its own base directory, which its parent's does not
	// change.
	"pipes/own.yaml": `name: own
base_dir: ../other
nodes:
  hello:
    module: python
    with: {path: mods/hello.py}
`,
	"other/mods/hello.py": "import os\n\ndef main():\n    return {'cwd': os.getcwd()}\n",
	"pipes/runs_own.yaml": `name: runs_own
nodes:
  sub:
    module: pipeline
    with: {file: own.yaml}
`,
}

// A sub-pipeline without a base_dir of its own resolves its paths, and
// runs its programs, in its parent's base directory: --base-dir and a
// parent's base_dir reach it, in run, validate and explain alike. It
// failed with "no such file mods/hello.py" against the current directory,
// and a hint that --base-dir would change that.
func TestSubPipelineTakesTheParentsBaseDir(t *testing.T) {
	needPython(t)
	root, err := filepath.EvalSymlinks(t.TempDir()) // Python's getcwd is the real path
	if err != nil {
		t.Fatal(err)
	}
	proj := filepath.Join(root, "proj")
	writeFiles(t, proj, subBaseDirProject)
	for _, tt := range []struct {
		name, file string
		args       []string
		node, cwd  string
	}{
		{"the child alone, --base-dir", "proj/pipes/child.yaml", []string{"--base-dir", "proj"}, "hello", proj},
		{"--base-dir", "proj/pipes/parent.yaml", []string{"--base-dir", "proj"}, "sub/hello", proj},
		{"the parent's base_dir", "proj/pipes/based.yaml", nil, "sub/hello", proj},
		{"the child's own base_dir", "proj/pipes/runs_own.yaml", []string{"--base-dir", "proj"}, "sub/hello", filepath.Join(proj, "other")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for _, cmd := range []string{"validate", "explain"} {
				if r := pipeIn(t, root, nil, append([]string{cmd, tt.file}, tt.args...)...); r.code != 0 {
					t.Errorf("pipe %s: exit %d\n%s", cmd, r.code, r.stderr)
				}
			}
			rec, r := runRecord(t, root, nil, append([]string{tt.file}, tt.args...)...)
			if got := rec.Nodes[tt.node]; got == nil || got.Outputs["cwd"] != tt.cwd {
				t.Fatalf("pipe run: exit %d, %s: %+v, want it run in %s\n%s", r.code, tt.node, got, tt.cwd, r.stderr)
			}
		})
	}
}

// A sub-pipeline of another project (a shared library of pipelines),
// which nothing gives a base directory, resolves its paths in its own
// project, as it did before sub-pipelines took their parent's.
func TestSharedSubPipelineKeepsItsProject(t *testing.T) {
	needPython(t)
	root, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, root, map[string]string{
		"shared/.git/HEAD":      "ref: refs/heads/main\n",
		"shared/scripts/cwd.py": "import os\n\ndef main():\n    return {'cwd': os.getcwd()}\n",
		"shared/pipes/sub.yaml": "name: sub\nnodes:\n  cwd: {module: python, with: {path: scripts/cwd.py}}\n",
		"app/.pipe/.keep":       "",
		"app/main.yaml":         "name: main\nnodes:\n  lib: {module: pipeline, with: {file: ../shared/pipes/sub.yaml}}\n",
	})
	app := filepath.Join(root, "app")
	if r := pipeIn(t, app, nil, "validate", "main.yaml"); r.code != 0 {
		t.Fatalf("validate: exit %d\n%s", r.code, r.stderr)
	}
	rec, r := runRecord(t, app, nil, "main.yaml")
	if got := rec.Nodes["lib/cwd"]; got == nil || got.Outputs["cwd"] != filepath.Join(root, "shared") {
		t.Fatalf("run: exit %d, lib/cwd %+v, want it run in the shared project\n%s", r.code, got, r.stderr)
	}
}

// The hint of a path not found in a sub-pipeline's base directory says
// whose it is and what changes it.
func TestSubPipelineBaseDirHint(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, filepath.Join(root, "proj"), subBaseDirProject)
	for _, tt := range []struct {
		name string
		args []string
		hint string
	}{
		{"the parent's default", []string{"validate", "proj/pipes/parent.yaml"},
			"hint: relative paths resolve against the base directory (.) of the pipeline that runs this file; base_dir in this file or --base-dir changes it"},
		{"the parent's from --base-dir", []string{"validate", "proj/pipes/parent.yaml", "--base-dir", "proj/pipes"},
			"hint: relative paths resolve against the base directory (proj/pipes) of the pipeline that runs this file, which --base-dir sets; base_dir in this file changes it"},
		{"the parent's from its base_dir", []string{"validate", "proj/pipes/based_here.yaml"},
			"hint: relative paths resolve against the base directory (proj/pipes) of the pipeline that runs this file, which its base_dir sets; base_dir in this file changes it"},
		{"--base-dir of the file itself", []string{"validate", "proj/pipes/child.yaml", "--base-dir", "proj/pipes"},
			"hint: relative paths resolve against the base directory (proj/pipes), which --base-dir sets\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := pipeIn(t, root, nil, tt.args...)
			if r.code != 1 || !strings.Contains(r.stderr, `proj/pipes/child.yaml:5:12: input path of module python: no such file "mods/hello.py"`) || !strings.Contains(r.stderr, tt.hint) {
				t.Errorf("exit %d, want 1 and the hint %q\n%s", r.code, tt.hint, r.stderr)
			}
		})
	}
}
