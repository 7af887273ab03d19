package python

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A module's declaration is found wherever it is and however it is
// written, and fails closed: a value that is not plainly false declares
// the module dangerous.
func TestDeclared(t *testing.T) {
	long := strings.Repeat("x", 2<<20) // a line past any buffer
	tests := []struct {
		name, src string
		dangerous bool
	}{
		{"plain", "PIPE_DANGEROUS = True\n", true},
		{"annotated", "PIPE_DANGEROUS: bool = True\n", true},
		{"comment", "# pipe: dangerous\nimport os\n", true},
		{"byte-order mark", "\xef\xbb\xbfPIPE_DANGEROUS = True\n", true},
		{"after a megabyte", strings.Repeat("# filler line\n", 100000) + "PIPE_DANGEROUS = True\n", true},
		{"after a long line", "X = '" + long + "'\nPIPE_DANGEROUS = True\n", true},
		{"parenthesised", "PIPE_DANGEROUS = (True)\n", true},
		{"one", "PIPE_DANGEROUS = 1  # yes\n", true},
		{"computed", "PIPE_DANGEROUS = os.environ.get('X') == '1'\n", true},
		{"last line without newline", "import os\nPIPE_DANGEROUS = True", true},
		{"CRLF", "import os\r\nPIPE_DANGEROUS = True\r\n", true},
		{"false", "PIPE_DANGEROUS = False\n", false},
		{"zero", "PIPE_DANGEROUS = 0 # off\n", false},
		{"none", "PIPE_DANGEROUS = None\n", false},
		{"indented", "def f():\n    PIPE_DANGEROUS = True\n", false},
		{"compared", "PIPE_DANGEROUS == True\n", false},
		{"other name", "PIPE_DANGEROUS_LEVEL = 3\n", false},
		{"comment too far down", strings.Repeat("\n", 40) + "# pipe: dangerous\n", false},
		{"nothing", "def main():\n    return {}\n", false},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_")+".py")
			if err := os.WriteFile(path, []byte(tt.src), 0o644); err != nil {
				t.Fatal(err)
			}
			if got := declared(path, "m.py"); got.Dangerous != tt.dangerous {
				t.Errorf("dangerous %v (%s), want %v", got.Dangerous, got.Why, tt.dangerous)
			}
		})
	}
}

// Python loads modules from .py files: validate says so of another name.
func TestPyFile(t *testing.T) {
	for path, ok := range map[string]bool{"m.py": true, "a/b/m.py": true, "m.txt": false, "m": false, "m.py.bak": false} {
		if err := pyFile(path); (err == nil) != ok {
			t.Errorf("pyFile(%s) = %v, want ok %v", path, err, ok)
		}
	}
}
