package main

import (
	"os"
	"path/filepath"
)

// pipelineFile tells whether a run's record names the pipeline file the
// user gave, however either is spelled (a.yaml, ./a.yaml, $PWD/a.yaml,
// ../a.yaml from a subdirectory, a link to it): the same file, by
// os.SameFile, or the same clean absolute path when the file is gone.
// Every "runs of this file" question asks it: runs --pipeline, graph
// --run last, run --resume last, explain's durations.
type pipelineFile struct {
	abs  string      // the given file's clean absolute path
	info os.FileInfo // the given file's, nil when it cannot be read
	// runDir is the directory a record's relative path is relative to:
	// the one the run ran in (runDir).
	runDir string
	known  map[string]bool // answers by recorded path: a directory of many runs of few files stats each file once
}

// newPipelineFile is the matcher of the file given on the command line,
// for records in runsDir.
func newPipelineFile(given, runsDir string) *pipelineFile {
	m := &pipelineFile{abs: absClean(given), runDir: runDir(runsDir), known: map[string]bool{}}
	if fi, err := os.Stat(given); err == nil && fi.Mode().IsRegular() {
		m.info = fi
	}
	return m
}

// is reports whether recorded, a record's file, is the given file.
func (m *pipelineFile) is(recorded string) bool {
	if recorded == "" {
		return false
	}
	if same, ok := m.known[recorded]; ok {
		return same
	}
	path := recorded
	if !filepath.IsAbs(path) {
		path = filepath.Join(m.runDir, path)
	}
	same := filepath.Clean(path) == m.abs
	if !same && m.info != nil {
		fi, err := os.Stat(path)
		same = err == nil && os.SameFile(fi, m.info)
	}
	m.known[recorded] = same
	return same
}

// runDir is the directory runs recorded in runsDir ran in, which their
// records' relative file paths are relative to: the one that holds
// .pipe when runsDir is a .pipe/runs (pipe's default, in the current
// directory of the run; given from elsewhere as ../.pipe/runs), else the
// current directory.
func runDir(runsDir string) string {
	abs := absClean(runsDir)
	if filepath.Base(abs) == "runs" && filepath.Base(filepath.Dir(abs)) == ".pipe" {
		return filepath.Dir(filepath.Dir(abs))
	}
	return absClean(".")
}

// absClean is path made absolute and clean; path as it is when the
// current directory cannot be read.
func absClean(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return filepath.Clean(path)
}
