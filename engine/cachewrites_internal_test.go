package engine

import (
	"strings"
	"testing"
	"time"

	"github.com/pipe-run/pipe/engine/internal/cachestore"
)

// TestAfterWrites: the entry's key holds the files as the run left
// them, each marked as written when its content or its time changed.
func TestAfterWrites(t *testing.T) {
	t0 := time.Unix(1, 0)
	file := func(digest string, mod time.Time) writtenFile {
		return writtenFile{ing: cachestore.Ingredient{Name: "file:m.json", Digest: digest}, mod: mod}
	}
	for _, tc := range []struct {
		name          string
		before, after writtenFile
		wrote         bool
	}{
		{"untouched", file("a", t0), file("a", t0), false},
		{"written where there was none", file(noFile, time.Time{}), file("a", t0), true},
		{"rewritten as it was", file("a", t0), file("a", t0.Add(time.Second)), true},
		{"replaced", file("a", t0), file("b", t0), true},
	} {
		ings := []cachestore.Ingredient{{Name: "file:m.json", Digest: tc.before.ing.Digest}, {Name: "module", Digest: "save@"}}
		got := afterWrites(ings, []writtenFile{tc.before}, []writtenFile{tc.after})
		if got[0].Digest != tc.after.ing.Digest || got[0].Wrote != tc.wrote || got[1].Name != "module" {
			t.Errorf("%s: %+v, want digest %s, wrote %v", tc.name, got, tc.after.ing.Digest, tc.wrote)
		}
		if why := changedIngredients(got, []cachestore.Ingredient{{Name: "file:m.json", Digest: noFile}, got[1]}); tc.wrote && (len(why) != 1 || !strings.HasSuffix(why[0], "m.json, which it wrote, is gone")) {
			t.Errorf("%s: explain says %q after it is removed", tc.name, why)
		}
	}
}
