package schema

import (
	"strings"

	"gopkg.in/yaml.v3"
)

// dotenv reads `dotenv:`, a path or a list of paths of .env files, as
// go-task's and dagu's. Only the file's text is checked here: whether a
// file exists is the engine's to say (a missing one is skipped, as
// go-task skips it, since CI may not have it).
func (l *loader) dotenv(v *yaml.Node) []Ref {
	const hint = "write dotenv: .env or dotenv: [.env, .env.local], paths relative to this file's directory"
	if v = l.resolve(v); v == nil || isNull(v) {
		return nil
	}
	items := []*yaml.Node{v}
	switch v.Kind {
	case yaml.ScalarNode:
	case yaml.SequenceNode:
		items = v.Content
	default:
		l.errorf(posOf(v), hint, "dotenv must be a path or a list of paths, not %s", kindName(v))
		return nil
	}
	refs := make([]Ref, 0, len(items))
	for _, item := range items {
		if item = l.resolve(item); item == nil {
			return refs
		}
		switch {
		case item.Kind != yaml.ScalarNode || item.ShortTag() != "!!str":
			// A number or a bool would be read as a file name silently
			// (dotenv: [1]); quote it if that is meant.
			l.errorf(posOf(item), hint+` (quote a name YAML reads otherwise: "1")`, "dotenv entries must be paths, not %s", kindName(item))
		case strings.TrimSpace(item.Value) == "":
			l.errorf(posOf(item), hint, "dotenv entry is empty")
		case strings.Contains(item.Value, "${{"):
			l.errorf(posOf(item), "write the path itself: .env files are read before the run starts, when no expression has a value", "dotenv entries take no ${{ }}")
		case strings.ContainsRune(item.Value, 0):
			l.errorf(posOf(item), hint, "dotenv entry holds a NUL byte")
		default:
			refs = append(refs, Ref{ID: item.Value, Pos: posOf(item)})
		}
	}
	return refs
}
