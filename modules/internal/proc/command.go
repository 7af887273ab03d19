package proc

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
)

// Command is exec.Command made cheaper for pipelines that start
// thousands of processes: the program's path is looked up in PATH once per
// name (LookPath's stat calls were a sixth of the cost of running `true`),
// and stdin is one shared /dev/null instead of a file opened per process.
// The node's context is Run's to watch.
func Command(name string, args ...string) *exec.Cmd {
	// A name not found stays as it is: exec then reports it as usual.
	cmd := exec.Command(lookPath(name), args...)
	if null, err := devNull(); err == nil {
		cmd.Stdin = null
	}
	return cmd
}

// Shell is the program that runs a command given as one string: sh from
// PATH, as any program, else /bin/sh. A bare environment (env -i, cron,
// a systemd unit) has no PATH at all, and POSIX puts sh at /bin/sh; make
// and Python's subprocess always run that one.
func Shell() string {
	if p := lookPath("sh"); p != "sh" {
		return p
	}
	return "/bin/sh"
}

var (
	pathMu    sync.Mutex
	pathEnv   string            // the PATH the cache was filled under; guarded by pathMu
	pathCache map[string]string // name -> resolved path; guarded by pathMu
)

func lookPath(name string) string {
	if filepath.Base(name) != name {
		return name // a path: nothing to look up
	}
	env := os.Getenv("PATH")
	pathMu.Lock()
	defer pathMu.Unlock()
	if pathCache == nil || env != pathEnv {
		pathCache, pathEnv = map[string]string{}, env
	}
	if p, ok := pathCache[name]; ok {
		return p
	}
	p, err := exec.LookPath(name)
	if err != nil {
		return name
	}
	pathCache[name] = p
	return p
}

var devNull = sync.OnceValues(func() (*os.File, error) { return os.Open(os.DevNull) })
