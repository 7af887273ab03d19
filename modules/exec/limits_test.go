package exec_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pipe-run/pipe/modules"
	pexec "github.com/pipe-run/pipe/modules/exec"
)

// Output too long for a value: the `stdout` output is an excerpt that says
// how much was cut and where the whole output is; a JSON object that long
// is an error that says where such data goes.
func TestExecLongOutput(t *testing.T) {
	tests := []struct {
		name    string
		command string
		timeout time.Duration
		excerpt string // a regexp the stdout output must match, whole
		noLog   bool   // run without a log file
		err     string
		values  map[string]any
	}{
		{name: "short output is whole", command: "seq 3", excerpt: `1\n2\n3`},
		{name: "over 1 MiB: first and last lines", command: "seq 300000",
			excerpt: `1\n2\n(.*\n)*\[\.\.\. [0-9.]+ MB cut; the whole output is in \S+/n\.log \.\.\.\]\n(.*\n)*299999\n300000`},
		{name: "over 4 MiB, read live", command: "sleep 0.05; seq 2000000",
			excerpt: `1\n2\n(.*\n)*\[\.\.\. [0-9.]+ MB cut; the whole output is in \S+/n\.log \.\.\.\]\n(.*\n)*2000000`},
		{name: "endless writer, cut at the time-out", command: "yes", timeout: time.Second, noLog: true,
			excerpt: `y\n(y\n)*\[\.\.\. [0-9.]+ [MG]B cut; not kept: the node has no log file \.\.\.\]\n(y\n)*y`, err: "killed"},
		{name: "a JSON object over 4 MiB is data", command: `printf '{"x": "'; head -c 5000000 /dev/zero | tr '\0' a; printf '"}'`,
			err: "stdout starts a JSON object and is 5.0 MB, over the 4 MiB limit for values: write large data to a file and output its path"},
		{name: "the contract on the last line after long progress", command: `seq 2000000; echo '{"message": "done", "n": 1}'`,
			values: map[string]any{"n": 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			if tt.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.timeout)
				defer cancel()
			}
			logFile := filepath.Join(t.TempDir(), "n.log")
			if tt.noLog {
				logFile = ""
			}
			out, err := pexec.Exec{}.Run(ctx, &modules.Input{Node: "n", With: map[string]any{"command": tt.command}, Attempt: 1,
				Logger: slog.New(slog.DiscardHandler), LogFile: logFile})
			values := map[string]any{}
			if out != nil {
				values = out.Values
			}
			var me *modules.Error
			switch {
			case tt.err == "" && err != nil:
				t.Fatal(err)
			case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
				t.Fatalf("error %v, want it to contain %q", err, tt.err)
			case errors.As(err, &me):
				values = me.Values
			}
			if tt.excerpt != "" {
				s, _ := values["stdout"].(string)
				if !regexp.MustCompile(`^` + tt.excerpt + `$`).MatchString(s) {
					t.Errorf("stdout output (%d bytes) does not match %s:\n%.300s\n...\n%s", len(s), tt.excerpt, s, s[max(0, len(s)-300):])
				}
				if len(s) > 64<<10 {
					t.Errorf("stdout output is %d bytes: an excerpt should be short", len(s))
				}
			}
			for k, v := range tt.values {
				if !equal(values[k], v) {
					t.Errorf("output %s = %v, want %v", k, values[k], v)
				}
			}
			if strings.Contains(tt.excerpt, "n.log") {
				if _, err := os.Stat(logFile); err != nil {
					t.Errorf("the excerpt points at a log file that is not there: %v", err)
				}
			}
		})
	}
}
