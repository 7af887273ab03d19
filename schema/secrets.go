package schema

import (
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// secretSuffixes mark a config key as secret by its name, as most CI
// systems and twelve-factor apps name credentials.
var secretSuffixes = []string{"TOKEN", "KEY", "PASSWORD", "SECRET"}

// IsSecret reports whether config key holds a secret: it is listed under
// `secrets:`, or its name is one of TOKEN, KEY, PASSWORD, SECRET or ends in
// _TOKEN, _KEY, _PASSWORD, _SECRET (in any case). A secret's value never
// appears in pipe's messages, logs, records or graphs: it reads ***.
func (p *Pipeline) IsSecret(key string) bool {
	if slices.ContainsFunc(p.Secrets, func(r Ref) bool { return r.ID == key }) {
		return true
	}
	upper := strings.ToUpper(key)
	for _, s := range secretSuffixes {
		if upper == s || strings.HasSuffix(upper, "_"+s) {
			return true
		}
	}
	return false
}

// secrets reads `secrets:`, a list of config keys (or one).
func (l *loader) secrets(v *yaml.Node) []Ref {
	const hint = "write secrets: [API_TOKEN, DB_URL], naming config keys"
	if isNull(v) {
		return nil
	}
	items := []*yaml.Node{v}
	if v.Kind == yaml.SequenceNode {
		items = v.Content
	}
	var refs []Ref
	for _, item := range items {
		if item = l.resolve(item); item == nil {
			return refs
		}
		if item.Kind != yaml.ScalarNode || item.ShortTag() != "!!str" {
			l.errorf(posOf(item), hint, "secrets must be config keys, not %s", kindName(item))
			continue
		}
		refs = append(refs, Ref{ID: item.Value, Pos: posOf(item)})
	}
	return refs
}

// checkSecrets reports `secrets:` entries that name no config key: a typo
// there would leave the real key's value in the open.
func (l *loader) checkSecrets() {
	keys := l.p.ConfigKeys()
	for _, r := range l.p.Secrets {
		if slices.Contains(keys, r.ID) {
			continue
		}
		hint := DidYouMean(r.ID, keys)
		if hint == "" {
			hint = "declare it under config: (a default of \"\" is fine), or remove it from secrets"
		}
		l.errorf(r.Pos, hint, "secret %q is not a config key", r.ID)
	}
}
