package exec_test

import (
	"context"
	"log/slog"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/pipe-run/pipe/modules"
	pexec "github.com/pipe-run/pipe/modules/exec"
)

// BenchmarkExecTrue is the exec module's cost per process, beside the
// floor: os/exec running `true` with nothing captured.
func BenchmarkExecTrue(b *testing.B) {
	in := &modules.Input{Node: "n", With: map[string]any{"command": []any{"true"}}, Logger: slog.New(slog.DiscardHandler)}
	b.Run("module", func(b *testing.B) {
		for b.Loop() {
			if _, err := (pexec.Exec{}).Run(context.Background(), in); err != nil {
				b.Fatal(err)
			}
		}
	})
	// A program that prints a line, with and without a node log file.
	echo := &modules.Input{Node: "n", With: map[string]any{"command": []any{"echo", "a line"}}, Logger: slog.New(slog.DiscardHandler)}
	b.Run("echo", func(b *testing.B) {
		for b.Loop() {
			if _, err := (pexec.Exec{}).Run(context.Background(), echo); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("echo, log file", func(b *testing.B) {
		logged := *echo
		logged.LogFile = filepath.Join(b.TempDir(), "run", "n.log")
		for b.Loop() {
			if _, err := (pexec.Exec{}).Run(context.Background(), &logged); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("bare", func(b *testing.B) {
		for b.Loop() {
			if err := exec.Command("true").Run(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
