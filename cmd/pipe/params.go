package main

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/alecthomas/kong"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/schema"
)

// A pipeline's config keys are flags after the file, as Nextflow's params
// are: pipe run pipelines/predict.yaml --sports-model m.pth sets
// SPORTS_MODEL. kong cannot know them (they depend on the file), so Main
// takes them out of the command line before kong parses it.

// paramCommands are the commands whose file's config keys are flags.
var paramCommands = []string{"run", "explain"}

// param is a config key given as a flag after the file.
type param struct {
	flag  string // as written, without its value: --sports-model
	key   string // SPORTS_MODEL
	value string
}

// pipelineArgs is what the command line of pipe run or pipe explain says
// about the pipeline before kong parses it.
type pipelineArgs struct {
	cmd    string // run or explain
	file   string
	params []param
	// config is the file's config, read only when the command line has
	// flags kong does not know or asks for help; readErr says why it could
	// not be read.
	config  []schema.ConfigVar
	readErr error
	// secret reports whether a config key holds a secret: its default is
	// shown as *** (help, completion, errors), as everything pipe shows.
	secret func(key string) bool
	// stripped is set when flags were taken out unread because the file
	// could not be read: the command must fail on the file, not run.
	stripped bool
	// read is set when the command line made takeParams read the file.
	read bool
	// stream is the file as read, when it was standard input or another
	// stream, that the command cannot read again.
	stream *loaded
}

// loaded is what schema.Load returned, and whether the file was standard
// input or another stream.
type loaded struct {
	pipeline *schema.Pipeline
	err      error
	stream   bool
}

// pipelineReader reads the pipeline file for takeParams. It keeps a
// stream's: Main may parse the command line twice (smallParser), and
// standard input or a FIFO read again would be empty.
type pipelineReader struct {
	streams map[string]*loaded
	// beforeRead, when set, is called before a file is read (it arms
	// the exiter: reading standard input waits on its writer).
	beforeRead func()
}

// load reads file, or returns the stream read before; r may be nil.
func (r *pipelineReader) load(file string) *loaded {
	if l, ok := r.stream(file); ok {
		return l
	}
	if r != nil && r.beforeRead != nil {
		r.beforeRead()
	}
	p, err := schema.Load(file)
	l := &loaded{p, err, file == schema.Stdin || p != nil && p.Source != nil && p.Source.Stream}
	if r != nil && l.stream {
		if r.streams == nil {
			r.streams = map[string]*loaded{}
		}
		r.streams[file] = l
	}
	return l
}

func (r *pipelineReader) stream(file string) (*loaded, bool) {
	if r == nil {
		return nil, false
	}
	l, ok := r.streams[file]
	return l, ok
}

// setConfig keeps p's config keys, the dangerous gate among them.
func (pa *pipelineArgs) setConfig(p *schema.Pipeline) {
	pa.config, pa.secret = engine.WithDangerKey(p.Config), p.IsSecret
}

// wanted reports whether the command line had flags for the pipeline,
// or asked for help: what needs every command's flags to answer.
func (pa *pipelineArgs) wanted() bool { return pa != nil && pa.read }

// paramFlagRE is what a config key must look like, kebab-cased, to be a
// flag: a key such as _X or A__B is reached with --set only.
// Compiled on first use, not in an init: inits run at every start of pipe.
var paramFlagRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`) })

// paramFlag is config key's flag name without the dashes (SPORTS_MODEL ->
// sports-model), or "" when it has none.
func paramFlag(key string) string {
	f := strings.ToLower(strings.ReplaceAll(key, "_", "-"))
	if !paramFlagRE().MatchString(f) {
		return ""
	}
	return f
}

// takeParams takes the pipeline's config keys written as flags after the
// file of pipe run and pipe explain out of args, and returns the rest for
// kong. It reads the file only when there is a flag kong does not know
// after it, or --help: other command lines cost nothing.
func takeParams(app *kong.Application, args []string, files *pipelineReader) ([]string, *pipelineArgs, error) {
	toks := scanArgs(app, args, nil)
	cmd := commandOf(toks)
	if cmd == nil || !slices.Contains(paramCommands, cmd.Name) {
		return args, nil, nil
	}
	pos := positionalsOf(toks)
	if len(pos) == 0 {
		return args, &pipelineArgs{cmd: cmd.Name}, nil
	}
	fileAt := pos[0]
	pa := &pipelineArgs{cmd: cmd.Name, file: args[fileAt]}
	wanted := false
	for i, t := range toks {
		wanted = wanted || (t.kind == tokUnknown && i > fileAt) || (t.kind == tokFlag && t.flag == app.HelpFlag)
	}
	if !wanted {
		return args, pa, nil
	}
	pa.read = true
	l := files.load(pa.file)
	if l.err != nil {
		pa.readErr = l.err
	} else {
		pa.setConfig(l.pipeline)
	}
	if l.stream {
		pa.stream = l // read again, it would be empty
	}
	flags, clashes := pa.flags(app)
	toks = scanArgs(app, args, pa.arity(flags))
	out := make([]string, 0, len(args))
	var errs []error
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.kind != tokUnknown || i < fileAt || !strings.HasPrefix(t.text, "--") {
			out = append(out, args[i])
			continue
		}
		name, value, inline := strings.Cut(t.text[2:], "=")
		if i+1 < len(toks) && toks[i+1].kind == tokValue && toks[i+1].flag == nil {
			i++
			value, inline = toks[i].text, true
		}
		if pa.readErr != nil {
			pa.stripped = true
			continue
		}
		c, ok := flags[name]
		switch {
		case ok && inline:
			pa.params = append(pa.params, param{flag: "--" + name, key: c.Key, value: value})
		case ok && isBool(c.Value):
			pa.params = append(pa.params, param{flag: "--" + name, key: c.Key, value: "true"})
		case ok:
			errs = append(errs, fmt.Errorf("--%s needs a value: write --%s VALUE (config %s, %s)", name, name, c.Key, pa.describeDefault(c)))
		case clashes[name].why != "":
			errs = append(errs, clashes[name].Error(name))
		default:
			errs = append(errs, pa.unknown(cmd, name, flags))
		}
	}
	if len(errs) > 0 {
		return nil, pa, errors.Join(errs...)
	}
	return out, pa, nil
}

// flags maps the flag names of the pipeline's config keys to their
// entries. A key whose flag is pipe's own (--output, --config), or that
// another key shares, is in clashes instead, with how to reach it: pipe's
// flags win.
func (pa *pipelineArgs) flags(app *kong.Application) (flags map[string]schema.ConfigVar, clashes map[string]clash) {
	own := map[string]string{} // flag name -> the command it belongs to
	for _, name := range paramCommands {
		for n := childCommand(app.Node, name); n != nil; n = n.Parent {
			whose := "pipe " + n.Name
			if n.Parent == nil {
				whose = "pipe"
			}
			for _, f := range n.Flags {
				for _, fn := range flagNames(f) {
					if own[fn] == "" {
						own[fn] = whose
					}
				}
			}
		}
	}
	flags = map[string]schema.ConfigVar{}
	clashes = map[string]clash{}
	for _, c := range pa.config {
		f := paramFlag(c.Key)
		switch {
		case f == "":
		case own[f] != "":
			clashes[f] = clash{why: "a flag of " + own[f], keys: []string{c.Key}}
		case clashes[f].why != "":
			cl := clashes[f]
			cl.keys = append(cl.keys, c.Key)
			clashes[f] = cl
		default:
			if other, dup := flags[f]; dup {
				delete(flags, f)
				clashes[f] = clash{why: "the flag of more than one config key", keys: []string{other.Key, c.Key}}
				continue
			}
			flags[f] = c
		}
	}
	return flags, clashes
}

// clash is a config key's flag that is not one: pipe's own flag, or the
// flag of other keys too.
type clash struct {
	why  string
	keys []string
}

func (c clash) Error(flag string) error {
	sets := make([]string, len(c.keys))
	for i, k := range c.keys {
		sets[i] = "--set " + k + "=VALUE"
	}
	return fmt.Errorf("--%s is %s, not config %s: write %s", flag, c.why, strings.Join(c.keys, " or "), strings.Join(sets, " or "))
}

// arity says how many words a parameter flag takes: none written --k=v, a
// bool's none or a following bool word (engine.ParseBool), else the next word (unless it
// is a flag). When the file could not be read, any next word that is not a
// flag.
func (pa *pipelineArgs) arity(flags map[string]schema.ConfigVar) arityFunc {
	return func(a string, positionals int, rest []string) int {
		name, ok := strings.CutPrefix(a, "--")
		if !ok || positionals == 0 || strings.Contains(name, "=") || len(rest) == 0 {
			return 0
		}
		next := rest[0]
		if pa.readErr != nil {
			return boolInt(!strings.HasPrefix(next, "-"))
		}
		c, ok := flags[name]
		switch {
		case !ok:
			return 0
		case isBool(c.Value):
			// What --k=v takes, --k v takes: --race no, --race 0.
			_, isWord := engine.ParseBool(next)
			return boolInt(isWord)
		}
		return boolInt(!strings.HasPrefix(next, "--"))
	}
}

// unknown is the error for --name, a flag neither pipe nor the pipeline
// has, with the closest of both.
func (pa *pipelineArgs) unknown(cmd *kong.Node, name string, flags map[string]schema.ConfigVar) error {
	var known []string
	for f := range flags {
		known = append(known, f)
	}
	for n := cmd; n != nil; n = n.Parent {
		for _, f := range n.Flags {
			known = append(known, flagNames(f)...)
		}
	}
	slices.Sort(known)
	hint := ""
	if write := otherToolFlag(cmd, name); write != "" {
		hint = fmt.Sprintf(" (did you mean %s?)", write)
	} else if _, other := otherToolFlags[name]; other {
		// --quiet is not a typo of --set: nothing near it is meant.
	} else if s := schema.Suggest(name, known); s != "" {
		hint = fmt.Sprintf(" (did you mean --%s?)", s)
	}
	return fmt.Errorf("unknown flag --%s: neither pipe %s nor the config of %s has it%s; `pipe %s %s --help` lists both",
		schema.Clip(name), pa.cmd, pa.file, hint, pa.cmd, pa.file)
}

func isBool(v any) bool {
	_, ok := v.(bool)
	return ok
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// clashHints explains, after kong failed to parse args, the flags after
// the file that are pipe's own but also a config key's (--version 0.2.0
// where the pipeline has VERSION): pipe's flag won.
func (pa *pipelineArgs) clashHints(app *kong.Application, args []string) []error {
	if pa.file == "" {
		return nil
	}
	if pa.config == nil && pa.readErr == nil && pa.file != schema.Stdin {
		// (Standard input unread here would wait on a terminal for a
		// pipeline that is not run.)
		p, err := schema.Load(pa.file)
		if err != nil {
			return nil
		}
		pa.setConfig(p)
	}
	_, clashes := pa.flags(app)
	var out []error
	file := false
	for _, t := range scanArgs(app, args, nil) {
		file = file || (t.kind == tokPositional && t.text == pa.file)
		if !file || t.kind != tokFlag || !strings.HasPrefix(t.text, "--") {
			continue
		}
		name, _, _ := strings.Cut(t.text[2:], "=")
		if c, ok := clashes[name]; ok {
			out = append(out, c.Error(name))
		}
	}
	return out
}
