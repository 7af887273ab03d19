package football

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/pipe-run/pipe/modules"
)

// MissingFile explains err when it says that the file raw names, the
// value of input as the node gave it, is not there: the input, the config
// key that set it (when one holds that value) and, for a relative path,
// the base directory it resolves against. Other errors come back as they
// are.
func MissingFile(in *modules.Input, input, raw string, err error) error {
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if nm := (*noMatchError)(nil); errors.As(err, &nm) {
		return fmt.Errorf("input %s: no file matches %q%s", input, raw, Where(in, raw))
	}
	return fmt.Errorf("input %s: no such file or directory %q%s", input, raw, Where(in, raw))
}

// Where is " (config KEY; a relative path resolves against ...)" for a
// path raw an input was given: what set it and where it is looked for; ""
// when there is nothing to say.
func Where(in *modules.Input, raw string) string {
	var hints []string
	if k := in.ConfigKey(raw); k != "" {
		hints = append(hints, "from config "+k)
	}
	if raw != "" && in.Dir != "" && !filepath.IsAbs(raw) && !strings.Contains(raw, "://") {
		hints = append(hints, fmt.Sprintf("a relative path resolves against the pipeline's base directory, %s: %s", in.Dir, filepath.Join(in.Dir, raw)))
	}
	if len(hints) == 0 {
		return ""
	}
	return " (" + strings.Join(hints, "; ") + ")"
}
