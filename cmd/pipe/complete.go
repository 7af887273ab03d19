package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/alecthomas/kong"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/schema"
)

// completeCommand is the hidden command the completion scripts call:
// pipe __complete WORD... prints the candidates for the last word (the one
// being typed, maybe empty), one a line, each with a tab and a description
// when it has one. Main answers it before kong parses: the words are a
// command line being typed, not one to parse.
const completeCommand = "__complete"

// candidate is one completion.
type candidate struct{ text, desc string }

// printCompletions writes the candidates for the last of words.
func printCompletions(w io.Writer, app *kong.Application, words []string) {
	if len(words) == 0 {
		words = []string{""}
	}
	for _, c := range completeWords(app, words) {
		if c.desc != "" {
			fmt.Fprintf(w, "%s\t%s\n", c.text, firstLine(c.desc))
		} else {
			fmt.Fprintln(w, c.text)
		}
	}
}

// completer knows the command line typed so far.
type completer struct {
	app    *kong.Application
	before []string // the words before the one typed
	toks   []token  // before, scanned
	cmd    *kong.Node
	pa     *pipelineArgs // run and explain: the file and its config
	pipe   *schema.Pipeline
}

// completeWords returns the candidates for the last of words, which start
// with it.
func completeWords(app *kong.Application, words []string) []candidate {
	cur := words[len(words)-1]
	c := &completer{app: app, before: words[:len(words)-1]}
	c.toks = scanArgs(app, c.before, nil)
	c.cmd = commandOf(c.toks)
	if pos := positionalsOf(c.toks); c.cmd != nil && len(pos) > 0 && slices.Contains([]string{"run", "explain", "graph"}, c.cmd.Name) {
		c.pipe = completionPipeline(c.before[pos[0]])
		if c.pipe != nil && slices.Contains(paramCommands, c.cmd.Name) {
			c.pa = &pipelineArgs{cmd: c.cmd.Name, file: c.before[pos[0]]}
			c.pa.setConfig(c.pipe)
			flags, _ := c.pa.flags(app)
			c.toks = scanArgs(app, c.before, c.pa.arity(flags))
		}
	}
	var out []candidate
	for _, cand := range c.candidates(cur) {
		if strings.HasPrefix(cand.text, cur) {
			out = append(out, cand)
		}
	}
	return out
}

// completionMaxFile is the biggest pipeline file completion reads: a
// bigger one takes too long to parse at a TAB (about a second at 8 MiB).
const completionMaxFile = 8 << 20

// completionPipeline reads the pipeline file for its config keys and
// nodes, as far as it could be read, or nil. It never blocks: a FIFO, a
// device or standard input ("-" is a file named so here) is refused
// before a byte is read, since a TAB that waits freezes the shell.
func completionPipeline(file string) *schema.Pipeline {
	data, err := modules.ReadFile(file, completionMaxFile, "pipeline file")
	if err != nil {
		return nil
	}
	p, _ := schema.Parse(file, data)
	return p
}

func (c *completer) candidates(cur string) []candidate {
	if n := len(c.toks); n > 0 {
		last := c.toks[n-1]
		switch {
		case last.kind == tokFlag && takesValue(last.flag) && !strings.Contains(last.text, "="):
			return c.flagValues(last.flag, cur)
		case last.kind == tokUnknown && !strings.Contains(last.text, "="):
			if p, ok := c.param(last.text); ok && !isBool(p.Value) {
				return files(cur, nil)
			}
		}
	}
	if name, value, ok := strings.Cut(cur, "="); ok && strings.HasPrefix(name, "--") {
		var vals []candidate
		if f, _ := lookupFlag(c.node(), name); f != nil && takesValue(f) {
			vals = c.flagValues(f, value)
		} else if p, ok := c.param(name); ok && isBool(p.Value) {
			vals = []candidate{{text: "true"}, {text: "false"}}
		} else if ok {
			vals = files(value, nil)
		}
		for i := range vals {
			vals[i].text = name + "=" + vals[i].text
		}
		return vals
	}
	if strings.HasPrefix(cur, "-") {
		return c.flags()
	}
	if c.cmd == nil {
		return commands(c.app.Node)
	}
	return c.positional(len(positionalsOf(c.toks)), cur)
}

func (c *completer) node() *kong.Node {
	if c.cmd != nil {
		return c.cmd
	}
	return c.app.Node
}

// param is the config entry of the parameter flag a (--sports-model).
func (c *completer) param(a string) (schema.ConfigVar, bool) {
	if c.pa == nil {
		return schema.ConfigVar{}, false
	}
	flags, _ := c.pa.flags(c.app)
	p, ok := flags[strings.TrimPrefix(a, "--")]
	return p, ok
}

// flags are the command's flags and, after the file of run and explain,
// the pipeline's parameters.
func (c *completer) flags() []candidate {
	var out []candidate
	for n := c.node(); n != nil; n = n.Parent {
		for _, f := range n.Flags {
			if !f.Hidden {
				out = append(out, candidate{"--" + f.Name, f.Help})
			}
		}
	}
	if c.pa != nil && len(positionalsOf(c.toks)) > 0 {
		flags, _ := c.pa.flags(c.app)
		for _, v := range c.pa.config {
			if f := paramFlag(v.Key); flags[f].Key == v.Key {
				out = append(out, candidate{"--" + f, strings.TrimSpace(fmt.Sprintf("%s, %s. %s", typeName(v.Value), c.pa.describeDefault(v), v.Description))})
			}
		}
	}
	return out
}

// commands are the commands of parent: pipe's, or a command's own (pipe
// cache list).
func commands(parent *kong.Node) []candidate {
	var out []candidate
	for _, n := range parent.Children {
		if n.Type == kong.CommandNode && !n.Hidden {
			out = append(out, candidate{n.Name, n.Help})
		}
	}
	return out
}

// positional completes the k-th argument of the command.
func (c *completer) positional(k int, cur string) []candidate {
	if cands, ok := c.cacheCandidates(k); ok {
		return cands
	}
	switch name := c.cmd.Name; {
	case name == "validate" || (k == 0 && (name == "run" || name == "explain" || name == "graph")):
		return pipelineFiles(cur)
	case (name == "show" || name == "logs") && k == 0:
		return c.runs("")
	case name == "status" && k == 0:
		return c.remoteRuns()
	case name == "logs" && k >= 1: // several nodes
		return c.nodesOfRun(c.before[positionalsOf(c.toks)[0]])
	case name == "modules":
		var out []candidate
		for _, info := range modules.Default.List() {
			out = append(out, candidate{info.Name, info.Description})
		}
		return out
	case name == "help" && k == 0:
		return commands(c.app.Node)
	case name == "completion" && k == 0:
		return []candidate{{"bash", ""}, {"zsh", ""}, {"fish", ""}}
	}
	return nil
}

// flagValues completes the value of flag f.
func (c *completer) flagValues(f *kong.Flag, cur string) []candidate {
	if f.Enum != "" {
		var out []candidate
		for _, v := range f.EnumSlice() {
			out = append(out, candidate{text: v})
		}
		return out
	}
	switch f.Name {
	case "format": // graph's -T: checked by graph, to say what it takes
		var out []candidate
		for _, v := range graphFormats {
			out = append(out, candidate{text: v})
		}
		return out
	case "only", "skip":
		return c.nodeList(cur)
	case "set":
		var out []candidate
		if c.pipe != nil {
			for _, v := range engine.WithDangerKey(c.pipe.Config) {
				out = append(out, candidate{v.Key + "=", v.Description})
			}
		}
		return out
	case "resume":
		name := ""
		if c.pipe != nil {
			name = c.pipe.Name
		}
		return c.runs(name)
	case "run":
		return append(c.runs(""), files(cur, []string{".json"})...)
	case "runs-dir":
		return files(cur, []string{"/"})
	case "pipeline":
		if names, ok := c.cacheCandidates(-1); ok {
			return append(names, pipelineFiles(cur)...)
		}
		return pipelineFiles(cur)
	case "config", "output":
		return files(cur, nil)
	}
	return nil
}

// nodeList completes a comma-separated list of the file's node ids.
func (c *completer) nodeList(cur string) []candidate {
	if c.pipe == nil {
		return nil
	}
	done, _ := cutLast(cur, ",")
	var out []candidate
	for _, n := range c.pipe.Nodes {
		if !slices.Contains(strings.Split(done, ","), n.ID) {
			out = append(out, candidate{joinNonEmpty(done, n.ID), n.Description})
		}
	}
	return out
}

// cutLast splits s around the last sep: "a,b,c" -> "a,b", "c".
func cutLast(s, sep string) (before, after string) {
	if i := strings.LastIndex(s, sep); i >= 0 {
		return s[:i], s[i+len(sep):]
	}
	return "", s
}

func joinNonEmpty(done, id string) string {
	if done == "" {
		return id
	}
	return done + "," + id
}

// pipelineFiles completes a pipeline file: YAML files and directories, and
// pipelines/*.yaml from the start.
func pipelineFiles(cur string) []candidate {
	out := files(cur, []string{".yaml", ".yml", "/"})
	if !strings.Contains(cur, "/") {
		more, _ := filepath.Glob("pipelines/*.yaml")
		for _, m := range more {
			out = append(out, candidate{text: m})
		}
	}
	return out
}

// files completes a path: the entries of cur's directory whose names end
// with one of exts ("/" for directories), or all when exts is nil.
// Directories end with / (completion goes on into them); hidden entries
// show only when cur's name starts with a dot.
func files(cur string, exts []string) []candidate {
	dir, base := cutLast(cur, "/")
	read := dir
	if !strings.Contains(cur, "/") {
		read = "."
	} else if dir == "" {
		read = "/"
	}
	ents, err := os.ReadDir(read)
	if err != nil {
		return nil
	}
	prefix := ""
	if strings.Contains(cur, "/") {
		prefix = dir + "/"
	}
	var out []candidate
	for _, e := range ents {
		name := e.Name()
		if !strings.HasPrefix(name, base) || (strings.HasPrefix(name, ".") && !strings.HasPrefix(base, ".")) {
			continue
		}
		isDir := e.IsDir()
		if e.Type()&os.ModeSymlink != 0 {
			if fi, err := os.Stat(filepath.Join(read, name)); err == nil {
				isDir = fi.IsDir()
			}
		}
		switch {
		case isDir:
			out = append(out, candidate{text: prefix + name + "/"})
		case exts == nil || slices.ContainsFunc(exts, func(x string) bool { return x != "/" && strings.HasSuffix(name, x) }):
			out = append(out, candidate{text: prefix + name})
		}
	}
	return out
}
