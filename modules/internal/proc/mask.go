package proc

import "strings"

// masker writes secrets as *** in what a program prints (Options.Mask).
// Output comes in pieces, and a long line is cut in pieces too: a secret
// must not escape by being cut in two. So a piece is masked whole, and its
// last longest-1 bytes, where a secret may have begun, wait for the next.
type masker struct {
	r       *strings.Replacer
	longest int
}

func newMasker(values []string) *masker {
	if len(values) == 0 {
		return nil
	}
	m := &masker{}
	pairs := make([]string, 0, 2*len(values))
	for _, v := range values {
		pairs = append(pairs, v, "***")
		m.longest = max(m.longest, len(v))
	}
	m.r = strings.NewReplacer(pairs...)
	return m
}

// apply masks s; a nil masker returns it as it is.
func (m *masker) apply(s string) string {
	if m == nil {
		return s
	}
	return m.r.Replace(s)
}

// split masks buf, an unfinished line, and cuts it where no secret can
// span the cut: now can be written, wait must be kept for what comes next.
func (m *masker) split(buf []byte) (now, wait []byte) {
	masked := []byte(m.r.Replace(string(buf)))
	keep := min(m.longest-1, len(masked))
	return masked[:len(masked)-keep], masked[len(masked)-keep:]
}
