package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"regexp"
	"slices"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/schema"
)

// Masked is what a secret's value reads as wherever pipe shows it.
const Masked = "***"

// minSecretLen is the shortest value masked: a one- or two-letter value
// would turn every message into asterisks and is no secret anyway.
const minSecretLen = 3

// redactor masks the values of a run's secret config keys (see
// schema.Pipeline.IsSecret) in what the run shows: node messages and
// reasons, outputs in the record, and log lines. Expressions and modules
// still get the real values. A nil redactor masks nothing and costs nothing.
type redactor struct {
	m      *modules.Masker
	values []string // longest first
}

// newRedactor returns the redactor for plan run with config cfg, the
// extra module environment env (Options.Env) and the values to mask
// besides (Options.Secrets), or nil when the run has no secret worth
// masking. The defaults of its sub-pipelines' secret keys are secrets
// too: a child may hand one up through its outputs.
func newRedactor(plan *Plan, cfg map[string]any, env map[string]string, extra []string) *redactor {
	var values []string
	add := func(s string) {
		if len(s) >= minSecretLen && !slices.Contains(values, s) {
			values = append(values, s)
		}
	}
	var secrets []any
	for key, v := range cfg {
		if plan.Pipeline.IsSecret(key) && v != nil {
			secrets = append(secrets, v)
		}
	}
	for key, v := range env {
		if plan.Pipeline.IsSecret(key) {
			secrets = append(secrets, v)
		}
	}
	for _, v := range extra {
		secrets = append(secrets, v)
	}
	secrets = childSecrets(plan, secrets, map[*Plan]bool{plan: true})
	secrets = setSecrets(plan, cfg, secrets)
	for _, v := range secrets {
		s := modules.Text(v)
		if len(s) < minSecretLen {
			continue // nor its quoted forms, which are longer: 'é' masks every \u00e9
		}
		add(s)
		// A value written into a shell script (exec's command) is quoted
		// there: the quoted forms are the secret too.
		add(string(appendInSingle(nil, s)))
		add(string(appendShell(nil, shellDouble, s)))
		// So is a value inside JSON text (toJSON, a program's printed
		// result): with " and \ escaped, as Go writes it (< > & too, or
		// not) and as Python does (every non-ASCII rune as \uXXXX).
		for _, form := range jsonForms(s) {
			add(form)
		}
		// Output is masked a line at a time: a secret of many lines (a
		// PEM key) never shows whole in one, so each line is a secret too.
		if strings.ContainsAny(s, "\r\n") {
			for line := range strings.Lines(s) {
				add(strings.TrimRight(line, "\r\n"))
			}
		}
	}
	if len(values) == 0 {
		return nil
	}
	// Longest first, so that a secret holding another is masked whole.
	slices.SortFunc(values, func(a, b string) int { return len(b) - len(a) })
	return &redactor{m: modules.NewMasker(values), values: values}
}

// childSecrets appends to secrets the defaults of the secret config keys of
// plan's sub-pipelines, and of theirs, each plan once. A sub-pipeline
// whose file is known only at run time is not among them.
func childSecrets(plan *Plan, secrets []any, seen map[*Plan]bool) []any {
	for _, sub := range plan.subs {
		if seen[sub] {
			continue
		}
		seen[sub] = true
		for _, c := range sub.Pipeline.Config {
			if sub.Pipeline.IsSecret(c.Key) && c.Value != nil {
				secrets = append(secrets, c.Value)
			}
		}
		secrets = childSecrets(sub, secrets, seen)
	}
	return secrets
}

// wholeConfigRef matches a template that is one read of a config key,
// ${{ config.X }} or ${{ config["X"] }}; wholeItemRef one of a foreach
// node's item, ${{ item }}.
var (
	wholeConfigRef = regexp.MustCompile(`^\$\{\{\s*config(?:\.([A-Za-z_][A-Za-z0-9_]*)|\[\s*["']([^"']+)["']\s*\])\s*\}\}$`)
	wholeItemRef   = regexp.MustCompile(`^\$\{\{\s*item\s*\}\}$`)
)

// setSecrets adds to secrets what plan's pipeline nodes hand their
// sub-pipelines' secret keys through `set:`: a literal value, the value
// of the parent's config key that the entry reads whole (`DB_PASSWORD:
// ${{ config.DBPW }}`), or a literal foreach's items that it reads whole
// (`${{ item }}`: an instance is then named by its index, see
// fanout). The child masks them; so must the parent, whose record holds
// the node's `set` and whatever the child hands up through its outputs.
// A sub-pipeline's secret keys are those it declares and those it hands
// on so to its own sub-pipelines' secret keys, however deep. A value
// made by any other expression is not known before the node runs, and
// is masked only by the child.
func setSecrets(plan *Plan, cfg map[string]any, secrets []any) []any {
	derived := map[*Plan]map[string]bool{}
	for j := range plan.nodes {
		sub := plan.nodes[j].sub
		if sub == nil || j >= len(plan.Pipeline.Nodes) {
			continue
		}
		node := plan.Pipeline.Nodes[j]
		for key, v := range setEntries(node) {
			if !sub.Pipeline.IsSecret(key) && !secretsHandedOn(sub, derived)[key] || v == nil {
				continue
			}
			text, ok := v.(string)
			text = strings.TrimSpace(text)
			switch m := wholeConfigRef.FindStringSubmatch(text); {
			case !ok:
				secrets = append(secrets, v)
			case m != nil:
				if cv := cfg[m[1]+m[2]]; cv != nil {
					secrets = append(secrets, cv)
				}
			case wholeItemRef.MatchString(text):
				if node.Foreach != nil {
					if items, ok := node.Foreach.Value.([]any); ok {
						secrets = append(secrets, items...)
					}
				}
			case !strings.Contains(text, "${{"):
				secrets = append(secrets, text)
			}
		}
	}
	return secrets
}

// setEntries is node's literal `set:` mapping (nil without one).
func setEntries(node *schema.Node) map[string]any {
	for _, in := range node.With {
		if set, ok := in.Value.(map[string]any); ok && in.Key == "set" {
			return set
		}
	}
	return nil
}

// secretsHandedOn returns the config keys of plan that are secret because
// plan hands them whole (${{ config.X }}) to a secret key of one of its
// sub-pipelines, however deep; memo holds what was found of each plan.
func secretsHandedOn(plan *Plan, memo map[*Plan]map[string]bool) map[string]bool {
	if keys, ok := memo[plan]; ok {
		return keys
	}
	keys := map[string]bool{}
	memo[plan] = keys // a cycle of files is refused at load; this ends one anyway
	for j := range plan.nodes {
		sub := plan.nodes[j].sub
		if sub == nil || j >= len(plan.Pipeline.Nodes) {
			continue
		}
		for key, v := range setEntries(plan.Pipeline.Nodes[j]) {
			text, _ := v.(string)
			m := wholeConfigRef.FindStringSubmatch(strings.TrimSpace(text))
			if m != nil && (sub.Pipeline.IsSecret(key) || secretsHandedOn(sub, memo)[key]) {
				keys[m[1]+m[2]] = true
			}
		}
	}
	return keys
}

// SubSecrets returns, as text, the values plan's pipeline nodes hand
// their sub-pipelines' secret keys through `set:` (see setSecrets), cfg
// being the run's config (nil: the defaults): what a run on Temporal,
// whose workflow compiles no sub-pipeline, must mask besides its own
// secrets (Options.Secrets).
func SubSecrets(plan *Plan, cfg map[string]any) []string {
	if cfg == nil {
		cfg = make(map[string]any, len(plan.Pipeline.Config))
		for _, c := range plan.Pipeline.Config {
			cfg[c.Key] = c.Value
		}
	}
	var texts []string
	for _, v := range setSecrets(plan, cfg, nil) {
		texts = append(texts, modules.Text(v))
	}
	return texts
}

// Values returns the secret values, longest first (nil for none).
func (x *redactor) Values() []string {
	if x == nil {
		return nil
	}
	return x.values
}

// String masks s.
func (x *redactor) String(s string) string {
	if x == nil {
		return s
	}
	return x.m.String(s)
}

// anyIn reports whether one of texts holds a secret.
func (x *redactor) anyIn(texts []string) bool {
	if x == nil {
		return false
	}
	return slices.ContainsFunc(texts, func(s string) bool { return x.m.String(s) != s })
}

// Value masks the strings inside v, copying only what changes.
func (x *redactor) Value(v any) any {
	if x == nil {
		return v
	}
	return x.m.Value(v)
}

// Map masks the strings inside m.
func (x *redactor) Map(m map[string]any) map[string]any {
	if x == nil || m == nil {
		return m
	}
	return x.Value(m).(map[string]any)
}

// Keys masks the keys of m (a file's name holds a secret when a secret
// named it), copying m only when one changes.
func (x *redactor) Keys(m map[string]string) map[string]string {
	if x == nil || m == nil {
		return m
	}
	var out map[string]string
	for k, v := range m {
		if masked := x.m.String(k); masked != k {
			if out == nil {
				out = maps.Clone(m)
			}
			delete(out, k)
			out[masked] = v
		}
	}
	if out == nil {
		return m
	}
	return out
}

// MaskingHandler wraps h so that log lines, their attributes included,
// show secrets (a task's Secrets: the values to mask, longest first) as
// ***: a worker's own lines about an attempt (its error) as the node's.
func MaskingHandler(h slog.Handler, secrets []string) slog.Handler {
	if len(secrets) == 0 {
		return h
	}
	return (&redactor{m: modules.NewMasker(secrets), values: secrets}).Handler(h)
}

// Handler wraps h so that log lines, their attributes included, are masked.
func (x *redactor) Handler(h slog.Handler) slog.Handler {
	if x == nil {
		return h
	}
	return &redactHandler{h: h, x: x}
}

type redactHandler struct {
	h slog.Handler
	x *redactor
}

func (r *redactHandler) Enabled(ctx context.Context, l slog.Level) bool { return r.h.Enabled(ctx, l) }

func (r *redactHandler) Handle(ctx context.Context, rec slog.Record) error {
	out := slog.NewRecord(rec.Time, rec.Level, r.x.String(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(r.attr(a))
		return true
	})
	return r.h.Handle(ctx, out)
}

func (r *redactHandler) attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, r.x.String(v.String()))
	case slog.KindGroup:
		attrs := v.Group()
		out := make([]slog.Attr, len(attrs))
		for i, g := range attrs {
			out[i] = r.attr(g)
		}
		return slog.Attr{Key: a.Key, Value: slog.GroupValue(out...)}
	case slog.KindInt64, slog.KindUint64, slog.KindFloat64:
		if text := v.String(); r.x.m.Number(text) != text {
			return slog.String(a.Key, r.x.m.Number(text))
		}
	case slog.KindAny:
		if err, ok := v.Any().(error); ok {
			return slog.String(a.Key, r.x.String(err.Error()))
		}
		return slog.Any(a.Key, r.x.Value(v.Any()))
	}
	return a
}

func (r *redactHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	out := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		out[i] = r.attr(a)
	}
	return &redactHandler{h: r.h.WithAttrs(out), x: r.x}
}

func (r *redactHandler) WithGroup(name string) slog.Handler {
	return &redactHandler{h: r.h.WithGroup(name), x: r.x}
}

// jsonForms returns s as the inside of a JSON string the ways common
// encoders write it, each once, s itself left out.
func jsonForms(s string) []string {
	var forms []string
	add := func(f string) {
		if f != s && !slices.Contains(forms, f) {
			forms = append(forms, f)
		}
	}
	var buf bytes.Buffer
	for _, html := range []bool{true, false} {
		buf.Reset()
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(html)
		if enc.Encode(s) == nil {
			add(strings.TrimSuffix(strings.TrimSuffix(buf.String(), "\n"), `"`)[1:])
		}
	}
	if len(forms) > 0 || strings.ContainsFunc(s, func(r rune) bool { return r >= utf8.RuneSelf }) {
		plain := forms
		if len(plain) == 0 {
			plain = []string{s}
		}
		var b strings.Builder
		for _, r := range plain[len(plain)-1] { // escaped, < > & as they are
			switch {
			case r < utf8.RuneSelf:
				b.WriteRune(r)
			case r > 0xffff:
				hi, lo := utf16.EncodeRune(r)
				fmt.Fprintf(&b, "\\u%04x\\u%04x", hi, lo)
			default:
				fmt.Fprintf(&b, "\\u%04x", r)
			}
		}
		add(b.String())
	}
	return forms
}
