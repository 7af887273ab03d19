package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pipe-run/pipe/engine"
)

// This file holds which log files pipe logs prints, in what order, and
// how it copies them.

// inItemOrder puts the log files of each foreach node's instances in item
// order, as the summary and pipe show list them (by name, linux came
// after darwin); the nodes stay in the order they were.
func inItemOrder(files []string, rec *engine.Record) {
	rank := map[string]int{}
	for id, n := range rec.Nodes {
		for k, inst := range n.InstanceIDs(id) {
			rank[inst+".log"] = k
		}
	}
	if len(rank) == 0 {
		return
	}
	node := func(file string) string {
		if i := strings.IndexByte(file, '['); i >= 0 {
			return file[:i]
		}
		return strings.TrimSuffix(file, ".log")
	}
	slices.SortStableFunc(files, func(a, b string) int {
		if na, nb := node(a), node(b); na != nb {
			return strings.Compare(na, nb)
		}
		ra, oka := rank[a]
		rb, okb := rank[b]
		if oka && okb {
			return ra - rb
		}
		return strings.Compare(a, b)
	})
}

// files lists the log files to print, by node id.
func (c *logsCmd) files(logDir string) ([]string, error) {
	if c.Node != "" {
		if _, err := os.Stat(filepath.Join(logDir, c.Node+".log")); err == nil {
			return []string{c.Node + ".log"}, nil
		}
	}
	var out []string
	// A foreach node's output is its instances', node[key].log; a
	// pipeline node's, its sub-pipeline's nodes', node/child.log.
	err := filepath.WalkDir(logDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".log") {
			return err
		}
		name, err := filepath.Rel(logDir, path)
		if err != nil {
			return err
		}
		name = filepath.ToSlash(name)
		if c.Node != "" && (strings.HasPrefix(name, c.Node+"[") || strings.HasPrefix(name, c.Node+"/")) ||
			c.Node == "" && (c.only == nil || slices.ContainsFunc(c.only, func(n string) bool {
				return name == n+".log" || strings.HasPrefix(name, n+"[") || strings.HasPrefix(name, n+"/")
			})) {
			out = append(out, name)
		}
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	slices.Sort(out)
	return out, nil
}

// prefix marks each line with its node when several nodes' logs are shown.
func (c *logsCmd) prefix(file string) string {
	if c.Node != "" && file == c.Node+".log" && !c.several {
		return ""
	}
	return "[" + strings.TrimSuffix(file, ".log") + "] "
}

// runEnded reports whether run id has ended: it has its record, or no
// journal any more, or its pipe died (the journal is then recovered).
func runEnded(dir, id string) bool {
	if _, err := os.Stat(filepath.Join(dir, id+".json")); err == nil {
		return true
	}
	journal := filepath.Join(dir, id+engine.JournalSuffix)
	if _, err := os.Stat(journal); errors.Is(err, fs.ErrNotExist) {
		return true
	}
	_, err := engine.RecoverJournal(journal)
	return !errors.Is(err, engine.ErrRunLive)
}

// copyFrom writes the whole lines of path from offset on, each after
// prefix, and returns the offset after the last whole line.
func copyFrom(w io.Writer, path string, offset int64, prefix string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return offset, nil // not there yet
	}
	defer f.Close()
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return offset, err
	}
	br := bufio.NewReaderSize(f, 64<<10)
	for {
		line, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) { // a line longer than the buffer
			// Its start, copied: reading the rest refills the buffer
			// line points into.
			line = bytes.Clone(line)
			var rest []byte
			rest, err = br.ReadBytes('\n')
			line = append(line, rest...)
		}
		if err != nil {
			return offset, nil // a line still being written waits for its end
		}
		if _, werr := io.WriteString(w, prefix); werr != nil {
			return offset, werr
		}
		if _, werr := w.Write(line); werr != nil {
			return offset, werr
		}
		offset += int64(len(line))
	}
}
