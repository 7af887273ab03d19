package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/schema"
)

// projectMarkers mark the root of the project a pipeline file belongs to,
// strongest first: a repository or a Go module, which the user made; else
// .pipe, where pipe was run before (its runs). A .pipe is found only where
// no repository is: pipe makes one in whatever directory it is run from, so
// a run from a subdirectory of a repository would otherwise move the base
// directory of every later run of a file below it.
var projectMarkers = [][]string{{".git", "go.mod"}, {".pipe"}}

// LoadOptions change how a pipeline is loaded.
type LoadOptions struct {
	// BaseDir, when set, is the directory relative paths in the pipeline
	// resolve against (pipe run --base-dir), whatever the file's base_dir
	// says; its sub-pipelines without a base_dir of their own take it too.
	// Relative to the current directory.
	BaseDir string
	// LowMemory trades time for memory where a big file would hold both
	// its YAML tree and its plan at once (see bigFile): what a process
	// that goes on to run the plan wants, and one that only checks the
	// file (pipe validate, which exits) does not.
	LowMemory bool
}

// LoadWith is Load with options.
func LoadWith(path string, reg *modules.Registry, opts LoadOptions) (*Plan, error) {
	p, err := schema.Load(path)
	return CompileLoaded(p, err, reg, opts)
}

// CompileLoaded is LoadWith of a pipeline schema.Load has read already,
// given with what Load returned: standard input or a FIFO can be read
// only once.
func CompileLoaded(p *schema.Pipeline, err error, reg *modules.Registry, opts LoadOptions) (*Plan, error) {
	if p == nil {
		return nil, err
	}
	diags, _ := err.(schema.Diagnostics)
	if opts.LowMemory {
		collectParseTree(p)
	}
	return compileIn(p, diags, reg, opts.BaseDir, nil)
}

// bigFile is the size of pipeline file from which LoadWith, with
// LoadOptions.LowMemory, collects the YAML parser's tree before compiling.
// The tree takes about 25 times the file's size (120 MB for 100,000 nodes
// in 4.7 MB), is garbage once the schema has been read from it, and the
// collector would otherwise leave it there until the heap had grown to
// twice the tree: compiling adds its own allocations on top. At 100,000
// nodes collecting costs one mark of the schema (48 MB live, 10-20 ms),
// and lowers the heap's peak from 222 to 183 MB and a run's peak RSS from
// 256-259 to 235-240 MB. Below bigFile the tree is a few MB, not worth a
// collection.
const bigFile = 1 << 20

// collectParseTree runs the collector after a big file's parse (bigFile).
func collectParseTree(p *schema.Pipeline) {
	if p.Source != nil && len(p.Source.Data) >= bigFile {
		runtime.GC()
	}
}

// baseSource says what chose a base directory: the hint of a path not
// found there names what changes it.
type baseSource uint8

const (
	// byDefault: the current directory, or the file's project or
	// directory.
	byDefault baseSource = iota
	// byFlag: pipe's --base-dir (LoadOptions.BaseDir).
	byFlag
	// byFile: the file's base_dir.
	byFile
	// byRun: one of the two, for the pipeline that runs this one on
	// another machine, which knows only that it was set.
	byRun
)

// base is a pipeline's base directory and what chose it.
type base struct {
	dir string
	by  baseSource
	// inherited is set for a sub-pipeline without a base_dir of its own:
	// dir is the base directory of the pipeline that runs it, and by says
	// what chose that one.
	inherited bool
}

// missingHint is the hint of a relative path not found in the base
// directory, shown as shown: where it is and what would change it.
func (b base) missingHint(shown string) string {
	at := fmt.Sprintf("relative paths resolve against the base directory (%s)", shown)
	switch {
	case b.inherited && b.by == byFlag:
		return at + " of the pipeline that runs this file, which --base-dir sets; base_dir in this file changes it"
	case b.inherited && b.by == byFile:
		return at + " of the pipeline that runs this file, which its base_dir sets; base_dir in this file changes it"
	case b.inherited && b.by == byRun:
		return at + " of the pipeline that runs this file, which --base-dir or its base_dir sets; base_dir in this file changes it"
	case b.inherited:
		return at + " of the pipeline that runs this file; base_dir in this file or --base-dir changes it"
	case b.by == byFlag:
		return at + ", which --base-dir sets"
	case b.by == byFile:
		return at + ", which base_dir in this file sets"
	}
	return at + "; base_dir in the file or --base-dir changes it"
}

// baseDir decides the directory a pipeline's relative paths resolve
// against, as an absolute path:
//   - override (--base-dir, the Go API's option), relative to the current
//     directory;
//   - else the file's base_dir, relative to the file's directory;
//   - else, for a sub-pipeline, parent: the base directory of the
//     pipeline that runs it, when --base-dir or a base_dir set it, or
//     when the file is inside it, so that it holds for the whole run
//     (its programs run where the parent's do, and a worker, which
//     knows only the parent's, finds the same); a file of another
//     project that nothing sets (a shared library of pipelines) keeps
//     its own, by the rules below;
//   - else the current directory when the file is inside it (what pipe
//     always did, so pipelines run from their project keep working);
//   - else the project the file is in: the nearest directory above it
//     holding .pipe, .git or go.mod, so that `pipe run other/dir/p.yaml`
//     works from anywhere;
//   - else the file's own directory.
//
// A pipeline built in code (no file) takes its base_dir, else the current
// directory.
func baseDir(p *schema.Pipeline, override string, parent *base) (base, error) {
	if override != "" {
		dir, err := filepath.Abs(override)
		if err == nil {
			err = isDir(dir)
		}
		if err != nil {
			return base{}, fmt.Errorf("%w: --base-dir %s: %w", ErrUsage, override, err)
		}
		return base{dir: dir, by: byFlag}, nil
	}
	cwd, err := os.Getwd()
	if err != nil {
		return base{}, fmt.Errorf("the current directory: %w", err)
	}
	fileDir := cwd // for a pipeline no directory holds: built in code, or read from stdin
	if dir, ok := p.Source.Dir(); ok {
		if fileDir, err = filepath.Abs(dir); err != nil {
			return base{}, err
		}
	}
	if p.BaseDir != "" {
		dir := p.BaseDir
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(fileDir, dir)
		}
		if err := isDir(dir); err != nil {
			return base{}, p.Source.Diag(p.BaseDirPos, "base_dir is relative to the pipeline file's directory", "base_dir %s: %v", schema.Quote(p.BaseDir), err)
		}
		return base{dir: dir, by: byFile}, nil
	}
	if parent != nil && parent.dir != "" && (parent.by != byDefault || within(fileDir, parent.dir)) {
		return base{dir: parent.dir, by: parent.by, inherited: true}, nil
	}
	return base{dir: defaultBaseDir(fileDir, cwd)}, nil
}

// defaultBaseDir is the base directory of a file in fileDir that nothing
// sets: cwd when it holds the file, else the file's project, else
// fileDir.
func defaultBaseDir(fileDir, cwd string) string {
	if within(fileDir, cwd) {
		return cwd
	}
	if root := ProjectRoot(fileDir); root != "" {
		return root
	}
	return fileDir
}

// within reports whether path is dir or below it.
func within(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

func isDir(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("no such directory")
	}
	if !fi.IsDir() {
		return fmt.Errorf("not a directory")
	}
	return nil
}

// ProjectRoot is the nearest directory at or above dir that holds a
// repository or a Go module (.git, go.mod), else the nearest that holds a
// .pipe, "" when none does (projectMarkers): where workers of a run on
// Temporal are started, at the root of the same checkout.
func ProjectRoot(dir string) string {
	for _, markers := range projectMarkers {
		for d := dir; ; {
			for _, m := range markers {
				if _, err := os.Stat(filepath.Join(d, m)); err == nil {
					return d
				}
			}
			up := filepath.Dir(d)
			if up == d {
				break
			}
			d = up
		}
	}
	return ""
}
