package engine

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/schema"
)

// WebTag is the tag of nodes that serve (web_interface, a Flask app):
// --no-web skips them.
const WebTag = "web"

// nodeTags returns node n's tags and its module's, without repeats.
func nodeTags(n *schema.Node, info *modules.Info) []string {
	if len(n.Tags) == 0 && len(info.Tags) == 0 {
		return nil
	}
	tags := slices.Clone(info.Tags)
	for _, t := range n.Tags {
		if !slices.Contains(tags, t.ID) {
			tags = append(tags, t.ID)
		}
	}
	return tags
}

// Tags returns node i's tags: its own and its module's.
func (p *Plan) Tags(i int) []string { return p.nodes[i].tags }

// allTags lists the tags of plan's nodes, sorted.
func (p *Plan) allTags() []string {
	var all []string
	for i := range p.nodes {
		for _, t := range p.nodes[i].tags {
			if !slices.Contains(all, t) {
				all = append(all, t)
			}
		}
	}
	sort.Strings(all)
	return all
}

// splitList reads flag values that may each hold a comma-separated list.
func splitList(raw []string) []string {
	var out []string
	for _, r := range raw {
		for _, s := range strings.Split(r, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// tagged returns the nodes carrying any of tags. A tag no node carries is
// an error for --tags (it would select nothing); for --skip-tags it is an
// error only when it is surely a typo of a tag there is, since a script
// may skip a tag in every pipeline it runs, as --no-web does.
func tagged(plan *Plan, flag string, tags []string) ([]int, error) {
	var out []int
	all := plan.allTags()
	for _, tag := range tags {
		found := false
		for i := range plan.nodes {
			if slices.Contains(plan.nodes[i].tags, tag) {
				out = append(out, i)
				found = true
			}
		}
		if found {
			continue
		}
		hint := schema.DidYouMean(tag, all)
		if flag == "--skip-tags" && hint == "" {
			continue
		}
		if hint == "" {
			hint = "its tags: " + strings.Join(all, ", ")
			if len(all) == 0 {
				hint = "its nodes have no tags (add `tags: [...]` to a node)"
			}
		}
		return nil, fmt.Errorf("%w: %s %s: no node of pipeline %s is tagged %s (%s)", ErrUsage, flag, schema.Quote(tag), plan.Pipeline.Name, schema.Quote(tag), hint)
	}
	return out, nil
}

// onlyFlags names the flags that selected nodes, for the reason of those
// left out.
func onlyFlags(opts Options) string {
	switch {
	case len(splitList(opts.Only)) == 0:
		return "--tags " + strings.Join(splitList(opts.Tags), ",")
	case len(splitList(opts.Tags)) == 0:
		return "--only"
	}
	return "--only or --tags"
}
