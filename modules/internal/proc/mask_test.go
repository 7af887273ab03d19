package proc

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A secret is masked in the log file even when the program's output
// reaches pipe cut in the middle of it.
func TestLogFileMasksSecretsSplitBetweenReads(t *testing.T) {
	path := filepath.Join(t.TempDir(), "n.log")
	l := &logFile{path: path, mask: newMasker([]string{"tok_SUPERSECRET_123"})}
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

// A long line is cut in pieces for the log and the log file; a secret
// across a cut is masked all the same.
func TestSecretAcrossALongLinesCut(t *testing.T) {
	const secret = "tok_SUPERSECRET_123"
	for _, at := range []int{maxLine - 5, maxLine - 1, maxLine, maxPending - 7, 2*maxLine - 3} {
		path := filepath.Join(t.TempDir(), "n.log")
		m := newMasker([]string{secret})
		file := &logFile{path: path, mask: m}
		var logged strings.Builder
		l := &lineLog{log: slog.New(slog.NewTextHandler(&logged, nil)), stream: "stderr", mask: m}
		line := []byte(strings.Repeat("A", at) + secret + strings.Repeat("B", 3*maxLine) + "\n")
		for len(line) > 0 { // as a pipe gives it: in reads of 32 KiB
			n := min(len(line), 32<<10)
			l.Write(line[:n])
			file.write(stderrStream, line[:n])
			line = line[n:]
		}
		l.flush()
		file.close()
		b, _ := os.ReadFile(path)
		for what, text := range map[string]string{"log": logged.String(), "log file": string(b), "tail": l.tail()} {
			if strings.Contains(text, "SUPER") || strings.Contains(text, "SECRET_1") {
				t.Errorf("secret at %d: the %s shows part of it", at, what)
			}
		}
		if !strings.Contains(string(b), "A***B") || !strings.Contains(logged.String(), "***") {
			t.Errorf("secret at %d: not masked", at)
		}
	}
}
