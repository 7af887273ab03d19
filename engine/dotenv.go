package engine

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pipe-run/pipe/schema"
)

// A pipeline's `dotenv:` lists .env files that apply as if each were
// given with --config before the command line's: the same reader, the
// same layers (see ConfigSources), the same masking, typo warnings and
// modules' environment. What differs is that a listed file that does not
// exist is skipped, as go-task skips it: a project's .env is often kept
// out of version control, and CI has none. One that exists and does not
// read or parse stops the run, at its line, as --config's does.

// DotEnvFiles returns the paths of p's `dotenv:` files in order, each
// joined to the directory of p's file unless absolute: the file says
// which .env files it takes wherever pipe runs from, as a Taskfile's
// dotenv does.
func DotEnvFiles(p *schema.Pipeline) []string {
	if len(p.DotEnv) == 0 {
		return nil
	}
	dir, ok := p.Source.Dir()
	if !ok {
		dir = "."
	}
	paths := make([]string, len(p.DotEnv))
	for i, r := range p.DotEnv {
		paths[i] = r.ID
		if !filepath.IsAbs(r.ID) {
			paths[i] = filepath.Join(dir, r.ID)
		}
	}
	return paths
}

// SkippedDotEnv returns the files of src.DotEnv that do not exist, which
// the run skips (pipe run says so at debug level).
func SkippedDotEnv(src ConfigSources) []string {
	var skipped []string
	for _, path := range src.DotEnv {
		if _, err := os.Stat(path); isMissing(err) {
			skipped = append(skipped, path)
		}
	}
	return skipped
}

// isMissing reports whether err says a file is not there: a dotenv file
// so is skipped. A file that is there and cannot be read (no permission,
// a directory) is not missing: it is an error, since the user meant it.
func isMissing(err error) bool { return errors.Is(err, fs.ErrNotExist) }

// envFile is one .env file of a run, read and parsed.
type envFile struct {
	path string
	keys map[string]string
	// data is the file's text, to find a key's line (lineOf).
	data []byte
	// dotenv is set for a file of the pipeline's dotenv: its problems
	// are DotEnvErrors.
	dotenv bool
}

// envFiles reads src's .env files in the order they apply, a later one
// winning: the pipeline's dotenv files, then --config's.
func (src ConfigSources) envFiles() ([]envFile, error) {
	files := make([]envFile, 0, len(src.DotEnv)+1)
	for _, path := range src.DotEnv {
		keys, data, err := readEnvFile("dotenv", path)
		if isMissing(err) {
			continue
		}
		if err != nil {
			return nil, &DotEnvError{Path: path, Err: err}
		}
		files = append(files, envFile{path: path, keys: keys, data: data, dotenv: true})
	}
	if src.EnvFile != "" {
		keys, data, err := readEnvFile("--config", src.EnvFile)
		if err != nil {
			return nil, err
		}
		files = append(files, envFile{path: src.EnvFile, keys: keys, data: data})
	}
	return files, nil
}

// checkDotEnv warns, at its entry, of a dotenv file that does not exist:
// the run skips it, which is right where CI has no .env, and a typo
// otherwise. A sub-pipeline's dotenv is not read (see subDotEnv), so not
// checked.
func (c *compiler) checkDotEnv() {
	for i, path := range DotEnvFiles(c.p) {
		if _, err := os.Stat(path); isMissing(err) {
			c.warnf(c.p.DotEnv[i].Pos, "paths in dotenv are relative to the directory of "+c.src.Name+"; a file that is not there is skipped, as where CI has no .env",
				"dotenv file %s does not exist", schema.Quote(path))
			c.missingDotEnv = append(c.missingDotEnv, c.warnings[len(c.warnings)-1])
		}
	}
}

// RunWarnings are the Warnings a run shows as it starts: all but those of
// dotenv files that do not exist, which the run skips by design (a
// project's .env is often kept out of git, and CI has none); pipe validate
// warns of them, and pipe run --debug says it skipped them.
func (p *Plan) RunWarnings() schema.Diagnostics {
	if len(p.missingDotEnv) == 0 {
		return p.Warnings
	}
	var ws schema.Diagnostics
	for _, w := range p.Warnings {
		if !slices.Contains(p.missingDotEnv, w) {
			ws = append(ws, w)
		}
	}
	return ws
}

// subDotEnv warns, at node n's file input, that the sub-pipeline's
// dotenv is not read: a sub-pipeline's config is its defaults and the
// node's set, as neither --config, the environment nor --set reaches it;
// only the pipeline that is run reads its dotenv.
func (c *compiler) subDotEnv(n *schema.Node, at schema.Pos, sub *schema.Pipeline) {
	if len(sub.DotEnv) == 0 {
		return
	}
	c.warnf(at, fmt.Sprintf("pass what %s needs in the node's set: (KEY: ${{ config.KEY }} from this pipeline's config, which its own dotenv can fill)", filepath.Base(sub.Source.Name)),
		"node %s: the dotenv of %s is not read when it runs as a sub-pipeline (only the dotenv of the pipeline that is run is)", n.ID, filepath.Base(sub.Source.Name))
}

// CheckDotEnv reads p's dotenv files as pipe run does, with the same
// reader (ResolveConfigFrom, EnvFileExtras), for pipe validate: an error
// at its line for a file that exists and does not parse or sets a config
// key to what its type cannot take, at the file for one that cannot be
// read; a warning at its line for a key that is surely a typo of a config
// key. A file that is not there is the compiler's to warn of
// (checkDotEnv). Nothing of a file is quoted: it holds secrets.
func CheckDotEnv(p *schema.Pipeline) schema.Diagnostics {
	var diags schema.Diagnostics
	var read []string
	for _, path := range DotEnvFiles(p) {
		// One file at a time: each file's first problem, not the first file's.
		if _, _, err := ResolveConfigFrom(p, ConfigSources{DotEnv: []string{path}}); err != nil {
			var ds schema.Diagnostics
			if !errors.As(err, &ds) {
				ds = schema.Diagnostics{dotEnvDiagnostic(p, path, err)}
			}
			diags = append(diags, ds...)
			continue
		}
		read = append(read, path)
	}
	// The files read a moment ago: an error now is one changed since,
	// which the run will say.
	_, warnings, _ := EnvFileExtras(p, ConfigSources{DotEnv: read})
	for _, w := range warnings {
		diags = append(diags, &schema.Diagnostic{File: w.File, Line: w.Line, Col: lineCol(w.Line), Severity: schema.Warning,
			Message: fmt.Sprintf("%s is not a config key of this pipeline: did you mean %s?", w.Key, w.Near),
			Hint:    fmt.Sprintf("it is passed to modules' environment as %s; config.%s keeps its value", w.Key, w.Near)})
	}
	return diags
}

// dotEnvProblem turns a DotEnvError into the pipeline's diagnostic
// (dotEnvDiagnostic); other errors (--config's) pass unchanged.
func dotEnvProblem(p *schema.Pipeline, err error) error {
	var de *DotEnvError
	if !errors.As(err, &de) {
		return err
	}
	return schema.Diagnostics{dotEnvDiagnostic(p, de.Path, de.Err)}
}

// dotEnvDiagnostic is the error err of reading p's dotenv file at path:
// at the line of the file that is wrong when there is one, else (a file
// that cannot be read, or is no regular file) at the file's `dotenv:`
// entry in the pipeline, which is what to fix.
func dotEnvDiagnostic(p *schema.Pipeline, path string, err error) *schema.Diagnostic {
	d := &schema.Diagnostic{File: path, Message: strings.TrimPrefix(err.Error(), ErrUsage.Error()+": ")}
	var fe *EnvFileError
	var ce *ConfigError
	var pe *fs.PathError
	switch {
	case errors.As(err, &fe) && fe.Line > 0:
		d.Line, d.Message, d.Hint = fe.Line, fe.What, fe.Hint
	case errors.As(err, &ce):
		d.Line, d.Message = ce.Line, fmt.Sprintf("config %s: %v", ce.Key, ce.Err)
		d.Hint = fmt.Sprintf("config.%s takes the type of its default in the pipeline", ce.Key)
	case errors.As(err, &pe):
		return dotEnvEntryDiagnostic(p, path, "dotenv "+path+": cannot read it: "+pe.Err.Error(), "dotenv lists .env files, read before the run starts", d)
	default:
		return dotEnvEntryDiagnostic(p, path, d.Message, "", d)
	}
	d.Col = lineCol(d.Line)
	return d
}

// dotEnvEntryDiagnostic says msg at p's `dotenv:` entry of the file at
// path; at the file itself (orphan) when no entry names it.
func dotEnvEntryDiagnostic(p *schema.Pipeline, path, msg, hint string, orphan *schema.Diagnostic) *schema.Diagnostic {
	i := slices.Index(DotEnvFiles(p), path)
	if i < 0 || p.Source == nil {
		orphan.Message, orphan.Hint = msg, hint
		return orphan
	}
	return p.Source.Diag(p.DotEnv[i].Pos, hint, "%s", msg)
}

// lineCol is the column of a diagnostic about a whole line: 1, or 0
// when there is no line.
func lineCol(line int) int { return min(line, 1) }
