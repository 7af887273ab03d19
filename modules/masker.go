package modules

import "strings"

// Masker writes secrets (Input.Secrets) as ***. A nil Masker masks
// nothing and costs nothing. It is safe for concurrent use.
type Masker struct {
	r *strings.Replacer
	// Longest is the length of the longest secret.
	Longest int
	// numeric is set when a secret could be in a number's text (it is
	// made of digits, signs, points and exponents, or is part of NaN or
	// -Infinity): only then are numbers masked too.
	numeric bool
}

// NewMasker returns a Masker of secrets, which should come longest first
// (a secret holding another is then masked whole); nil for none.
func NewMasker(secrets []string) *Masker {
	if len(secrets) == 0 {
		return nil
	}
	m := &Masker{}
	pairs := make([]string, 0, 2*len(secrets))
	for _, s := range secrets {
		pairs = append(pairs, s, "***")
		m.Longest = max(m.Longest, len(s))
		m.numeric = m.numeric || inNumberText(s)
	}
	m.r = strings.NewReplacer(pairs...)
	return m
}

// String masks s.
func (m *Masker) String(s string) string {
	if m == nil || s == "" {
		return s
	}
	return m.r.Replace(s)
}

// Value masks the strings inside v, its maps' keys included (a key that
// was a secret reads ***, and a second one ***#2), copying only what
// changes. A number whose text holds a secret (a secret config value that
// is a number, handed on whole by ${{ }}) becomes that text masked: a
// string.
func (m *Masker) Value(v any) any {
	if m == nil {
		return v
	}
	out, _ := RewriteKeys(v, m.r.Replace, func(leaf any) (any, bool) {
		switch x := leaf.(type) {
		case string:
			if masked := m.r.Replace(x); masked != x {
				return masked, true
			}
		case int, int64, float64, float32:
			if m.numeric {
				s := Text(x)
				if masked := m.r.Replace(s); masked != s {
					return masked, true
				}
			}
		}
		return leaf, false
	})
	return out
}

// Number masks the text of a number: itself when no secret is in it.
func (m *Masker) Number(text string) string {
	if m == nil || !m.numeric {
		return text
	}
	return m.r.Replace(text)
}

// inNumberText reports whether s could be found in the text of a number
// as Text writes it.
func inNumberText(s string) bool {
	if strings.Contains("-Infinity", s) || strings.Contains("NaN", s) {
		return true
	}
	return strings.Trim(s, "0123456789.eE+-") == ""
}
