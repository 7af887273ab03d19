package proc

import "github.com/pipe-run/pipe/modules"

// masker writes secrets as *** in what a program prints (Options.Mask).
// Output comes in pieces, and a long line is cut in pieces too: a secret
// must not escape by being cut in two. So a piece is masked whole, and its
// last Longest-1 bytes, where a secret may have begun, wait for the next.
type masker struct{ *modules.Masker }

func newMasker(values []string) *masker {
	m := modules.NewMasker(values)
	if m == nil {
		return nil
	}
	return &masker{m}
}

// apply masks s; a nil masker returns it as it is.
func (m *masker) apply(s string) string {
	if m == nil {
		return s
	}
	return m.String(s)
}

// split masks buf, an unfinished line, and cuts it where no secret can
// span the cut: now can be written, wait must be kept for what comes next.
func (m *masker) split(buf []byte) (now, wait []byte) {
	masked := []byte(m.String(string(buf)))
	keep := min(m.Longest-1, len(masked))
	return masked[:len(masked)-keep], masked[len(masked)-keep:]
}
