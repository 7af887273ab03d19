package modules_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pipe-run/pipe/modules"
)

func TestClipMessage(t *testing.T) {
	tests := []struct {
		name string
		in   string
		cut  bool
	}{
		{name: "empty", in: ""},
		{name: "short", in: "exit status 1"},
		{name: "at the bound", in: strings.Repeat("x", modules.MaxMessageBytes)},
		// A worker's name put before a message cut on the worker.
		{name: "a little past", in: strings.Repeat("x", modules.MaxMessageBytes+200)},
		{name: "past", in: strings.Repeat("x", modules.MaxMessageBytes+2<<10), cut: true},
		{name: "megabytes", in: "START" + strings.Repeat("y", 3<<20) + "END", cut: true},
		// Runes of two, three and four bytes across both cuts.
		{name: "multibyte", in: strings.Repeat("é€😀", modules.MaxMessageBytes), cut: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := modules.ClipMessage(tt.in)
			if !tt.cut {
				if got != tt.in {
					t.Fatalf("a message of %d bytes was changed", len(tt.in))
				}
				return
			}
			if len(got) > modules.MaxMessageBytes+100 || len(got) >= len(tt.in) {
				t.Errorf("clipped to %d bytes, want about %d", len(got), modules.MaxMessageBytes)
			}
			if !utf8.ValidString(got) {
				t.Error("the clipped message is not valid UTF-8: a cut split a rune")
			}
			if !strings.Contains(got, " of the message cut ...]") {
				t.Errorf("no marker says what was cut: ...%s...", got[len(got)/2-40:len(got)/2+40])
			}
			head, tail, _ := strings.Cut(got, "\n[... ")
			_, tail, _ = strings.Cut(tail, " ...]\n")
			if !strings.HasPrefix(tt.in, head) || !strings.HasSuffix(tt.in, tail) || len(head) < modules.MaxMessageBytes/2-4 || len(tail) < modules.MaxMessageBytes/2-4 {
				t.Errorf("kept %d bytes of the start and %d of the end, want the message's own start and end, about %d each", len(head), len(tail), modules.MaxMessageBytes/2)
			}
		})
	}
}
