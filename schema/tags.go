package schema

import (
	"regexp"
	"sync"

	"gopkg.in/yaml.v3"
)

// tagPattern is what a tag may hold: no commas or blanks, since
// `--tags a,b` lists them on the command line.
// Compiled on first use, not in an init: inits run at every start of pipe.
var tagPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`) })

// IsTag reports whether s may be a node tag.
func IsTag(s string) bool { return len(s) <= 64 && tagPattern().MatchString(s) }

// tags reads a node's `tags`: one tag or a list of them.
func (l *loader) tags(v *yaml.Node) []Ref {
	if isNull(v) {
		return nil
	}
	items := []*yaml.Node{v}
	if v.Kind == yaml.SequenceNode {
		items = v.Content
	}
	refs := make([]Ref, 0, len(items))
	for _, item := range items {
		if item = l.resolve(item); item == nil {
			return refs
		}
		if l.customTag(item) {
			continue
		}
		if item.Kind != yaml.ScalarNode || item.ShortTag() != "!!str" {
			l.errorf(posOf(item), "write tags: [web, ml] or tags: web", "tags must be a tag or a list of tags, not %s", kindName(item))
			continue
		}
		if !IsTag(item.Value) {
			l.errorf(posOf(item), "use letters, digits, _, . and - (tags are listed with commas: --tags a,b)", "tag %s is not a tag name", Quote(item.Value))
			continue
		}
		dup := false
		for _, r := range refs {
			dup = dup || r.ID == item.Value
		}
		if dup {
			l.errorf(posOf(item), "remove the second entry", "tag %s is listed twice", item.Value)
			continue
		}
		refs = append(refs, Ref{ID: item.Value, Pos: posOf(item)})
	}
	return refs
}
