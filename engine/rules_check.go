package engine

import (
	"cmp"
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/schema"
)

// checkRules applies a module's rules on an input's literal value, once
// its type is right: the field's Rule (a number's range) and Exists (a
// path that must be there, relative to the base directory).
func (c *compiler) checkRules(in schema.Input, info *modules.Info, field modules.Field) {
	if field.Rule != nil {
		for _, err := range joined(field.Rule(in.Value)) {
			pos, hint := in.Pos, field.Description
			var ke *modules.KeyError
			if errors.As(err, &ke) {
				pos = keyPos(in, ke.Key)
				hint = cmp.Or(ke.Hint, hint)
			}
			c.errorf(pos, hint, "input %s of module %s: %s", in.Key, info.Name, clipQuoted(err.Error(), in.Value))
		}
	}
	if !field.Exists || c.base.dir == "" {
		return // offline: the machine that runs the node has the files
	}
	path, ok := in.Value.(string)
	if !ok || path == "" || strings.Contains(path, "://") {
		return
	}
	full := path
	if !filepath.IsAbs(full) {
		full = filepath.Join(c.base.dir, path)
	}
	if _, err := os.Stat(full); err == nil {
		return
	}
	c.errorf(in.Pos, c.base.missingHint(c.shownDir()),
		"input %s of module %s: no such file %s", in.Key, info.Name, schema.Quote(path))
}

// joined lists the errors err joins (errors.Join), or err alone.
func joined(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// oneLine is err, or the errors it joins on one line: a node's reason.
func oneLine(err error) error {
	errs := joined(err)
	if len(errs) < 2 {
		return err
	}
	texts := make([]string, len(errs))
	for i, e := range errs {
		texts[i] = e.Error()
	}
	return errors.New(strings.Join(texts, "; "))
}

// keyPos is where key of input in's mapping is written, or the input's
// own position.
func keyPos(in schema.Input, key string) schema.Pos {
	for _, k := range in.Keys {
		if k.Path == "."+key {
			return k.Pos
		}
	}
	return in.Pos
}

// shownDir is the base directory as a diagnostic shows it: relative to
// the current directory when it is below it (so that messages and golden
// files do not hold this machine's paths).
func (c *compiler) shownDir() string {
	if cwd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(cwd, c.base.dir); err == nil && !strings.HasPrefix(rel, "..") {
			return rel
		}
	}
	return c.base.dir
}
