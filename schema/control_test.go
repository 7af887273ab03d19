package schema

import "testing"

func TestFirstForbiddenControl(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
	}{
		{"", -1},
		{"name: x\n\tnodes:\r\n", -1},
		{"é漢字🙂\u0085\u2028", -1}, // C1 and separators are refused later, per value
		{"a\x01", 1},
		{"é\x7f", 2},
		{"漢\x1b[31m", 3},
		{"\x00", 0},
		{"ok\x0b\x0c", 2},
	} {
		if got := firstForbiddenControl([]byte(tc.in)); got != tc.want {
			t.Errorf("firstForbiddenControl(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
}
