package proc

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A secret is masked in the log file even when the program's output
// reaches pipe cut in the middle of it.
func TestLogFileMasksSecretsSplitBetweenReads(t *testing.T) {
	path := filepath.Join(t.TempDir(), "n.log")
	l := &logFile{path: path, mask: maskReplacer([]string{"tok_SUPERSECRET_123"})}
	l.write(stdoutStream, []byte("token tok_SUPER"))
	l.write(stderrStream, []byte("err tok_SUPERSECRET_123\n"))
	l.write(stdoutStream, []byte("SECRET_123 end\nlast tok_SUPERSECRET_123"))
	l.close()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got := string(b)
	if strings.Contains(got, "SUPER") || strings.Count(got, "***") != 3 {
		t.Errorf("log file:\n%s", got)
	}
	for _, want := range []string{" stdout token *** end\n", " stderr err ***\n", " stdout last ***\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("log file has no %q:\n%s", want, got)
		}
	}
}
