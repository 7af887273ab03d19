package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkFileIngredients is the cost of a cached node's files: on a
// tree of 3000 small files (30 packages of 10 modules of 10 files) and
// a .pipe of 300 run records beside it: the directory walked whole, the
// same files by a one-level glob per depth, and by `**`.
func BenchmarkFileIngredients(b *testing.B) {
	base := b.TempDir()
	for p := range 30 {
		for m := range 10 {
			dir := filepath.Join(base, "src", fmt.Sprintf("pkg%02d", p), fmt.Sprintf("mod%d", m))
			if err := os.MkdirAll(dir, 0o755); err != nil {
				b.Fatal(err)
			}
			for f := range 10 {
				os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%d.py", f)), []byte(fmt.Sprintf("x = %d\n", f)), 0o644)
			}
		}
	}
	os.MkdirAll(filepath.Join(base, ".pipe", "runs"), 0o755)
	for r := range 300 {
		os.WriteFile(filepath.Join(base, ".pipe", "runs", fmt.Sprintf("r%d.json", r)), []byte("{}"), 0o644)
	}
	for _, globs := range [][]string{{"src"}, {"src/*/*/*.py"}, {"**/*.py"}, {"src/**/*.py"}} {
		b.Run(globs[0], func(b *testing.B) {
			for b.Loop() {
				ings, err := fileIngredients(context.Background(), base, globs)
				if err != nil || len(ings) != 3001 { // one per file, and the list
					b.Fatalf("%d ingredients, %v", len(ings), err)
				}
			}
		})
	}
}
