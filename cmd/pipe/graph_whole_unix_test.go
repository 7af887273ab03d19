//go:build unix

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// graph -o writes its file whole or not at all: a graph that cannot be
// written whole (here past the file size limit) leaves the file that was
// there as it was, and no temporary file; it left the first 2 KiB of the
// new graph. Through a symbolic link, the link's target is written and
// the link stays.
func TestGraphOutputWholeOrNothing(t *testing.T) {
	dir := t.TempDir()
	src := "name: big\nnodes:\n"
	for i := range 200 {
		src += fmt.Sprintf("  node_with_a_long_name_%d: {module: echo}\n", i)
	}
	writeFiles(t, dir, map[string]string{"big.yaml": src, "g.dot": "OLD\n", "real.dot": "OLD\n"})
	if err := os.Symlink("real.dot", filepath.Join(dir, "link.dot")); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("/bin/sh", "-c", `ulimit -f 2 && exec "$0" graph big.yaml -o g.dot`, pipeBin)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != exitFailed || !strings.Contains(string(out), "g.dot") {
		t.Errorf("graph past the size limit: %v, want exit 1 naming g.dot\n%s", err, out)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "g.dot")); string(data) != "OLD\n" {
		t.Errorf("g.dot holds %d bytes %.40q, want it as it was", len(data), data)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*pipe-tmp*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
	if r := pipeIn(t, dir, nil, "graph", "big.yaml", "-o", "link.dot"); r.code != 0 {
		t.Fatalf("graph -o link.dot: exit %d\n%s", r.code, r.stderr)
	}
	if fi, err := os.Lstat(filepath.Join(dir, "link.dot")); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("link.dot is no longer a link: %v %v", fi, err)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "real.dot")); !strings.HasPrefix(string(data), `digraph "big"`) {
		t.Errorf("real.dot holds %.40q, want the graph", data)
	}
	// What is no regular file is written, never replaced: a link to a
	// pipe (as /dev/stdout is, under a pipe) and a device.
	if _, err := os.Stat("/proc/self/fd/1"); err == nil {
		if err := os.Symlink("/proc/self/fd/1", filepath.Join(dir, "stdout.dot")); err != nil {
			t.Fatal(err)
		}
		r := pipeIn(t, dir, nil, "graph", "big.yaml", "-o", "stdout.dot")
		if fi, err := os.Lstat(filepath.Join(dir, "stdout.dot")); r.code != 0 || !strings.HasPrefix(r.stdout, `digraph "big"`) || err != nil || fi.Mode()&os.ModeSymlink == 0 {
			t.Errorf("graph -o stdout.dot (a link to stdout): exit %d, stdout %.40q, the link %v %v\n%s", r.code, r.stdout, fi, err, r.stderr)
		}
	}
	if r := pipeIn(t, dir, nil, "graph", "big.yaml", "-o", os.DevNull); r.code != 0 {
		t.Errorf("graph -o %s: exit %d\n%s", os.DevNull, r.code, r.stderr)
	}
	if fi, err := os.Stat(os.DevNull); err != nil || fi.Mode()&os.ModeDevice == 0 {
		t.Fatalf("%s is no longer a device: %v %v", os.DevNull, fi, err)
	}
}

// A new -o file gets the mode a shell's redirection would give it (0666
// less the umask: it was 0644 whatever the umask), and a file written over
// keeps its own.
func TestGraphOutputMode(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"p.yaml": "name: m\nnodes:\n  a: {module: echo}\n", "old.dot": "OLD\n"})
	if err := os.Chmod(filepath.Join(dir, "old.dot"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		file  string
		umask string
		want  os.FileMode
	}{
		{"new.dot", "077", 0o600},
		{"other.dot", "002", 0o664},
		{"old.dot", "000", 0o600},
	} {
		cmd := exec.Command("/bin/sh", "-c", `umask "$1" && exec "$0" graph p.yaml -o "$2"`, pipeBin, tt.umask, tt.file)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("graph -o %s: %v\n%s", tt.file, err, out)
		}
		fi, err := os.Stat(filepath.Join(dir, tt.file))
		if err != nil || fi.Mode().Perm() != tt.want {
			t.Errorf("graph -o %s under umask %s: mode %v (%v), want %v", tt.file, tt.umask, fi.Mode().Perm(), err, tt.want)
		}
	}
}
